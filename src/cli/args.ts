import { parseArgs, type ParseArgsConfig } from 'node:util';

/** A mistake in the command line: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly usage: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

type Options = NonNullable<ParseArgsConfig['options']>;

/** The options every command takes. */
export const GLOBAL_OPTIONS = {
  url: { type: 'string' },
  prefix: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** The global options' lines of a usage text. */
export const GLOBAL_HELP = `Options of every command:
  --url <url>       Redis URL (default: $REDIS_URL, else redis://127.0.0.1:6379)
  --prefix <p>      key prefix of the services (default: none)
  --json            machine-readable output (one JSON document, or one per line for tail)
  -h, --help        this help`;

/** The values of a command's options (global ones included) and its positional arguments. */
export interface ParsedCommand<O extends Options> {
  readonly values: { [K in keyof (O & typeof GLOBAL_OPTIONS)]?: (O & typeof GLOBAL_OPTIONS)[K]['type'] extends 'boolean' ? boolean : (O & typeof GLOBAL_OPTIONS)[K] extends { multiple: true } ? string[] : string };
  readonly positionals: string[];
}

/** Parses a command's arguments strictly; an unknown option or a missing value is a {@link UsageError}. */
export function parseCommand<O extends Options>(args: readonly string[], options: O, usage: string): ParsedCommand<O> {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true });
    return { values: values, positionals };
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error), usage);
  }
}

/** A positive integer option, or the default. */
export function positiveInteger(value: string | undefined, name: string, fallback: number, usage: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(value)}`, usage);
  return number;
}
