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
  cluster: { type: 'string' },
  'tls-ca': { type: 'string' },
  prefix: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies Options;

/** The global options' lines of a usage text, without the note on colours. */
export const GLOBAL_OPTIONS_HELP = `Options of every command:
  --url <url>               Redis URL, redis:// or rediss:// (TLS) (default: $REDIS_URL, else
                            redis://127.0.0.1:6379)
  --cluster <host:port,...> a Redis Cluster's seed nodes, instead of --url
  --tls-ca <file>           trust the CA in this PEM file for TLS (with a rediss:// URL, or over
                            TLS to the --cluster nodes)
  --prefix <p>              key prefix of the services (default: none)
  --json                    machine-readable output (one JSON document, or one per line for tail)
  -h, --help                this help`;

/** How the output is coloured: a paragraph of its own, after every list of options. */
export const COLOUR_NOTE = 'Colours only on a terminal, and never with NO_COLOR set.';

/** The global options' lines of a usage text, then the note on colours. */
export const GLOBAL_HELP = `${GLOBAL_OPTIONS_HELP}

${COLOUR_NOTE}`;

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

/** A usage error unless there are exactly `wanted` positional arguments (`what` says which). */
export function expectPositionals(positionals: readonly string[], wanted: number, what: string, usage: string): void {
  if (positionals.length === wanted) return;
  const stray = positionals.slice(wanted);
  throw new UsageError(positionals.length > wanted ? `${what}; unexpected argument${stray.length === 1 ? '' : 's'} ${stray.map((arg) => JSON.stringify(arg)).join(' ')}` : what, usage);
}

/** A positive integer option, or the default. */
export function positiveInteger(value: string | undefined, name: string, fallback: number, usage: string): number {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 1) throw new UsageError(`--${name} must be a positive integer, got ${JSON.stringify(value)}`, usage);
  return number;
}
