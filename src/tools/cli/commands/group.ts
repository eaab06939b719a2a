import { isStreamId } from '../../../internal/streamId';
import type { MoveGroupConfig } from '../../../service/groupOperations';
import { expectPositionals, parseCommand, UsageError } from '../args';
import { confirm } from '../confirm';
import { json } from '../output';
import { existingStream, streamNamed, withRedis, type Command } from './context';

export const GROUP_USAGE = `Usage: rx-redis-events group move <stream> <group> --to <start|end|ISO time|id> [--yes] [--json]
       rx-redis-events group remove <stream> <group> [--force] [--yes] [--json]

Changes a consumer group on every partition of the stream.
  move       moves the group: start (the whole stream again), end (only what comes next), an ISO
             time such as 2026-12-01T09:00:00Z (the events produced at or after it) or an entry id
             such as 1700000000000-0 (the events after it). The events after the new position are
             delivered again, as first deliveries; pending entries stay pending
  remove     removes the group, its pending entries and consumers (dead letters stay); refused while
             a consumer of the group was active in the last minute, unless --force
  --yes      do it without asking. Both ask for confirmation when stdin is a terminal; when it is
             not, --yes is needed, else it is a usage error and nothing changes`;

const OPTIONS = { to: { type: 'string' }, force: { type: 'boolean' }, yes: { type: 'boolean' } } as const;

/** `group move|remove`. */
export const group: Command = async ({ args, env, io, interrupted }) => {
  const { values, positionals } = parseCommand(args, OPTIONS, GROUP_USAGE);
  if (values.help) return void io.out.write(`${GROUP_USAGE}\n`), 0;
  const [action, ...rest] = positionals;
  if (action !== 'move' && action !== 'remove') throw new UsageError(action === undefined ? 'group takes an action (move or remove), a stream name and a group' : `unknown group action ${JSON.stringify(action)}`, GROUP_USAGE);
  expectPositionals(rest, 2, `group ${action} takes a stream name and a group`, GROUP_USAGE);
  const [name, groupName] = rest as [string, string];
  streamNamed(name, GROUP_USAGE);
  if (action === 'remove' && values.to !== undefined) throw new UsageError('--to is for group move', GROUP_USAGE);
  if (action === 'move' && values.force !== undefined) throw new UsageError('--force is for group remove', GROUP_USAGE);
  const to = action === 'move' ? positionOf(values.to) : undefined;
  const ask = values.yes !== true;
  if (ask && io.in?.isTTY !== true) throw new UsageError(`group ${action} changes group ${JSON.stringify(groupName)} of ${name}: add --yes to do so without a terminal to confirm on`, GROUP_USAGE);
  return withRedis(values, env, io, async (redis, { prefix }, open) => {
    const { stream } = await existingStream(redis, prefix, name);
    const shown = to instanceof Date ? to.toISOString() : to;
    const question = action === 'move' ? `Move group ${JSON.stringify(groupName)} of ${name} to ${String(shown)}? [y/N] ` : `Remove group ${JSON.stringify(groupName)} of ${name}${values.force ? ', even with live consumers' : ''}? [y/N] `;
    if (ask && !(await confirm(io, question, interrupted))) {
      io.err.write(`rx-redis-events: group ${action} cancelled, nothing changed\n`);
      return 1;
    }
    const service = open();
    if (action === 'move') await service.moveGroup(stream, { group: groupName, to: to as MoveGroupConfig['to'] });
    else await service.removeGroup(stream, groupName, { force: values.force === true });
    const done = action === 'move' ? `moved group ${groupName} of ${name} to ${String(shown)}` : `removed group ${groupName} of ${name}`;
    io.out.write(values.json ? `${json(action === 'move' ? { moved: groupName, stream: name, to: shown } : { removed: groupName, stream: name })}\n` : `${done}\n`);
    return 0;
  });
};

/** `--to`: start, end, an entry id, or an ISO time. */
function positionOf(to: string | undefined): MoveGroupConfig['to'] {
  if (to === undefined) throw new UsageError('group move needs --to <start|end|ISO time|id>', GROUP_USAGE);
  if (to === 'start' || to === 'end' || isStreamId(to)) return to;
  const time = /^\d{4}-\d{2}-\d{2}(T|$)/.test(to) ? new Date(to) : undefined;
  if (!time || Number.isNaN(time.getTime())) throw new UsageError(`--to must be start, end, an ISO time such as 2026-12-01T09:00:00Z or an entry id such as 1700000000000-0, got ${JSON.stringify(to)}`, GROUP_USAGE);
  return time;
}
