/** Source of unique ids (`evt_…`, `clm_…`, `cust_…`). */
export interface IdGenerator {
  next(prefix: string): string;
}
