/**
 * The server refused the `SELECT` a connection sends when it connects (a database index beyond the
 * server's `databases`, or an ACL user that may not run `SELECT`). ioredis reports it only as an
 * `error` event and goes on in database 0; the library's connections give up instead, and every
 * command they were given fails with this error (code `DATABASE`, not retriable).
 */
export class DatabaseRefusedError extends Error {
  /** The database the connection asked for. */
  readonly database: string;

  constructor(database: string, cause: Error) {
    super(`the server refused to select database ${database} (SELECT ${database}: ${cause.message}); nothing was read or written in another database`, { cause });
    this.name = 'DatabaseRefusedError';
    this.database = database;
  }
}

/** The {@link DatabaseRefusedError} behind a connection's `error` event, or `undefined` when it is about something else. */
export function databaseRefusal(error: unknown): DatabaseRefusedError | undefined {
  if (error instanceof DatabaseRefusedError) return error;
  const command = (error as { command?: { name?: unknown; args?: unknown[] } } | undefined)?.command;
  // by shape: the reply error may come from another realm (a test runner's sandbox)
  if (typeof (error as Error | undefined)?.message !== 'string' || typeof command?.name !== 'string' || command.name.toLowerCase() !== 'select') return undefined;
  return new DatabaseRefusedError(`${command.args?.[0] as string | number | undefined ?? '?'}`, error as Error);
}
