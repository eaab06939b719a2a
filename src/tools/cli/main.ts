import { UsageError } from './args';
import { dashboard, DASHBOARD_USAGE } from './commands/dashboard';
import { describe, DESCRIBE_USAGE } from './commands/describe';
import { dlq, DLQ_USAGE } from './commands/dlq';
import { group, GROUP_USAGE } from './commands/group';
import { groups, GROUPS_USAGE } from './commands/groups';
import { produce, PRODUCE_USAGE } from './commands/produce';
import { schedule, SCHEDULE_USAGE } from './commands/schedule';
import { scheduled, SCHEDULED_USAGE } from './commands/scheduled';
import { streams, STREAMS_USAGE } from './commands/streams';
import { tail, TAIL_USAGE } from './commands/tail';
import type { Command, CommandContext } from './commands/context';
import { COLOUR_NOTE, GLOBAL_HELP, GLOBAL_OPTIONS_HELP } from './args';
import { messageOf, type Output } from './output';
import { version } from '../../../package.json';

/** Exit codes: 0 done, 1 failed (Redis unreachable, a command refused...), 2 wrong usage. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

const COMMANDS: Record<string, { readonly run: Command; readonly usage: string }> = {
  streams: { run: streams, usage: STREAMS_USAGE },
  describe: { run: describe, usage: DESCRIBE_USAGE },
  tail: { run: tail, usage: TAIL_USAGE },
  groups: { run: groups, usage: GROUPS_USAGE },
  group: { run: group, usage: GROUP_USAGE },
  dlq: { run: dlq, usage: DLQ_USAGE },
  produce: { run: produce, usage: PRODUCE_USAGE },
  schedule: { run: schedule, usage: SCHEDULE_USAGE },
  scheduled: { run: scheduled, usage: SCHEDULED_USAGE },
  dashboard: { run: dashboard, usage: DASHBOARD_USAGE },
};

export const USAGE = `Usage: rx-redis-events <command> [options]

Operates rx-redis-events streams on Redis.

Commands:
  streams                      list the streams under a prefix, with length, groups and dead letters
  describe <stream>            length, ids, and per group: consumers, pending, lag, oldest pending
  tail <stream>                print events as they arrive (--from, --group, --count)
  groups <stream>              each consumer group with its lag, pending entries and consumers
  group move|remove ...        move a group (--to start|end|ISO time|id) or remove it (--force)
  dlq list|show|redrive ...    manage dead letters
  produce <stream> <value>     append one event
  dashboard                    serve a live web page: streams, lag, a tail, dead letters (--port, --allow-redrive)

${GLOBAL_OPTIONS_HELP}
  --version                 the version of rx-redis-events

${COLOUR_NOTE}

Run rx-redis-events help <command> (or <command> --help) for a command's options.`;

/** Runs the CLI with `argv` (without node and the script); resolves with the exit code. */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: Output, interrupted: Promise<void>): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h') {
    io.out.write(`${USAGE}\n`);
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  try {
    if (name === '--version') return printVersion(args, io);
    if (name === 'help') return help(args, io);
    const command = COMMANDS[name];
    if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`, USAGE);
    const context: CommandContext = { args, env, io, interrupted };
    return await command.run(context);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err.write(`rx-redis-events: ${error.message}\n\n${error.usage}\n`);
      return EXIT.usage;
    }
    io.err.write(`rx-redis-events: ${messageOf(error)}\n`);
    return EXIT.failure;
  }
}

/** `--version`: the package's version. */
function printVersion(args: readonly string[], io: Output): number {
  if (args.length > 0) throw new UsageError(`--version takes no arguments, got ${args.map((arg) => JSON.stringify(arg)).join(' ')}`, USAGE);
  io.out.write(`${version}\n`);
  return EXIT.ok;
}

/** `help [<command>]`: the usage of the program, or of one command. */
function help(args: readonly string[], io: Output): number {
  const [name, ...stray] = args;
  if (stray.length > 0) throw new UsageError('help takes at most one command name', USAGE);
  if (name === undefined) return void io.out.write(`${USAGE}\n`), EXIT.ok;
  const command = COMMANDS[name];
  if (!command) throw new UsageError(`unknown command ${JSON.stringify(name)}`, USAGE);
  io.out.write(`${command.usage}\n\n${GLOBAL_HELP}\n`);
  return EXIT.ok;
}

/** Whether this module is the program being run (not imported by a test). */
function isEntryPoint(): boolean {
  return typeof require !== 'undefined' && require.main === module;
}

if (isEntryPoint()) {
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
  void main(process.argv.slice(2), process.env, { out: process.stdout, err: process.stderr, in: process.stdin }, interrupted).then((code) => {
    // exit once stdout is flushed: a connection's leftover timer must not keep the process alive
    process.stdout.write('', () => process.exit(code));
  });
}
