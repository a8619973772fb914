/** Source of time, injectable so tests control it. */
export interface Clock {
  now(): Date;
  sleep(ms: number): Promise<void>;
}
