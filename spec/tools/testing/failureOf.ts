/** The message of the error `run` throws; fails the test if it throws none. */
export function failureOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof Error) return error.message;
    throw error;
  }
  throw new Error('expected the assertion to fail, but it passed');
}
