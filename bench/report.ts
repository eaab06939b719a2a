import type { BenchConfig } from './config';
import type { BenchEnvironment } from './environment';
import type { ScenarioResult } from './result';

const HEADERS = ['Variant', 'Result', 'vs hand-written', 'Detail'] as const;

function cells(result: ScenarioResult): string[][] {
  return result.rows.map((row) => [row.variant, row.result, row.ratio, row.detail]);
}

/** One scenario as an aligned plain-text table, with its targets. */
export function scenarioText(result: ScenarioResult): string {
  const rows = [[...HEADERS], ...cells(result)];
  const widths = HEADERS.map((_, column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const line = (row: string[]) => '  ' + row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd();
  const targets = result.targets.map((t) => `  target: ${t.target}: ${t.measured} ${t.met ? '(met)' : '(MISSED)'}`);
  return [result.title, line(rows[0] ?? []), ...rows.slice(1).map(line), ...targets].join('\n');
}

/** Every target of the run, one line each. */
export function targetsText(results: readonly ScenarioResult[]): string {
  const targets = results.flatMap((result) => result.targets);
  const width = Math.max(...targets.map((t) => t.target.length));
  return ['Targets (reported, not asserted)', ...targets.map((t) => `  ${t.met ? 'met   ' : 'MISSED'}  ${t.target.padEnd(width)}  ${t.measured}`)].join('\n');
}

const escape = (text: string) => text.replace(/\|/g, '\\|');

/** The whole run as `bench/RESULTS.md`. */
export function resultsMarkdown(results: readonly ScenarioResult[], env: BenchEnvironment, config: BenchConfig, seconds: number): string {
  const packages = Object.entries(env.packages).map(([name, version]) => `${name} ${version}`).join(', ');
  const table = results.flatMap((result) => cells(result).map((row, index) => `| ${index === 0 ? escape(result.title) : ''} | ${row.map(escape).join(' | ')} |`));
  const targets = results.flatMap((result) => result.targets.map((t) => `| ${escape(t.target)} | ${escape(t.measured)} | ${t.met ? 'met' : '**missed**'} |`));
  const notes = results.flatMap((result) => [`- **${escape(result.title)}**`, ...result.notes.map((note) => `  - ${note}`)]);
  return [
    '# Benchmark results',
    '',
    `Run of ${env.date} (${Math.round(seconds)} s), \`npm run bench\`${config.quick ? ' with BENCH_QUICK=1' : ''}: ${config.reps} repetition(s) per throughput scenario, the median is reported.`,
    '',
    '| | |',
    '|---|---|',
    `| Node | ${env.node} |`,
    `| Redis | ${env.redis} (private redis-server, \`--save "" --appendonly no\`, loopback) |`,
    `| Packages | ${packages} |`,
    `| Library source | ${env.commit} |`,
    `| Machine | ${env.cores} cores (${env.cpu}), ${env.memoryGb} GiB, ${env.os}; load average ${env.loadAtStart.toFixed(2)} at start |`,
    '',
    '## Results',
    '',
    `| Scenario | ${HEADERS.join(' | ')} |`,
    '|---|---|---|---|---|',
    ...table,
    '',
    '## Targets (from the issue; reported, never asserted)',
    '',
    '| Target | Measured | |',
    '|---|---|---|',
    ...targets,
    '',
    '## How each scenario is measured',
    '',
    'The payload is one object with a string key, a `Date`, numbers, a small array and a nested object, about 200 bytes as superjson; every variant of a scenario uses the same payload, the same Redis server and the same process. Repetitions run the variants in rotating order.',
    '',
    'The library is imported by name, which resolves to `src/` through the tsconfig `paths` (tsx honours them), so a run measures the working tree; tsx compiles with esbuild `keepNames`, which adds a little per-closure cost that the published `dist/` build does not have.',
    '',
    ...notes,
    '',
    '## How to reproduce',
    '',
    '```sh',
    'npm run bench                 # the full run (about 4 minutes); needs redis-server on PATH, writes this file',
    'BENCH_QUICK=1 npm run bench   # a smoke run with about a tenth of the sizes (prints only)',
    '```',
    '',
    'The numbers depend on the machine and on what else runs on it: compare ratios within one run rather than absolute numbers across runs.',
    '',
  ].join('\n');
}
