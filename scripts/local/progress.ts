/** One finished step of `npm start`: what it made ready. */
export type StepReport<T> = (result: T) => string;

/**
 * `npm start`'s progress: one line per startup step as it finishes, with what it made ready and how
 * long it took (`  emulators   DynamoDB Local :8000, … (2.9 s)`), so the seconds DynamoDB Local takes
 * to start are not silence.
 */
export function createProgress(write: (line: string) => void) {
  return async function step<T>(name: string, run: () => Promise<T>, report: StepReport<T>): Promise<T> {
    const startedAt = performance.now();
    const result = await run();
    const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
    write(`  ${name.padEnd(10)} ${report(result)} (${seconds} s)`);
    return result;
  };
}
