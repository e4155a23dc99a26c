/** The report as Markdown tables (stdout, and the docs copy the full run's). */
import type { Aim } from '../aims.js';
import type { BenchConfig } from '../config.js';
import type { RegretRow } from '../regret.js';
import type { Row } from '../results.js';
import type { Summary } from '../stats.js';
import { MEASURED, OVERHEAD_CASE, UNMEASURED, UNMEASURED_AGAIN } from '../workloads/overhead.js';
import { PROMISE_CASE } from '../workloads/pools.js';
import { PROGRESS_CASE, VALUES } from '../workloads/progress.js';

export interface RunInfo {
  date: string;
  node: string;
  cpus: number;
  cpuModel: string;
  /** 1, 5, 15-minute load averages just before the run. */
  loadBefore: number[];
  loadAfter: number[];
  durationS: number;
}

const num = (n: number, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const spread = (s: Summary, digits = 0) => (s.samples.length < 2 ? '' : `${num(s.min, digits)}–${num(s.max, digits)}`);
const name = (r: Row) => (r.ours ? `**${r.name}**` : r.name);

function table(head: string[], align: string[], body: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${align.join('|')}|`, ...body.map((cells) => `| ${cells.join(' | ')} |`)].join('\n');
}

export function markdownReport(rows: Row[], regret: RegretRow[], aims: Aim[], config: BenchConfig, info: RunInfo): string {
  const out: string[] = [];
  const of = (workload: Row['workload'], metric: Row['metric']) => rows.filter((r) => r.workload === workload && r.metric === metric);
  out.push(
    `Run ${info.date}${config.quick ? ' (quick mode: rough numbers)' : ''}: Node ${info.node}, ${info.cpus} × ${info.cpuModel}; ` +
      `load average before ${info.loadBefore.map((l) => l.toFixed(2)).join(' / ')}, after ${info.loadAfter.map((l) => l.toFixed(2)).join(' / ')} ` +
      `(1/5/15 min); ${config.repeats} interleaved repeat(s) after a warm-up, medians with min–max; pools of ${config.workers}; ${num(info.durationS)} s in all.`,
  );

  out.push(`\n### 1. Tiny tasks (input → input), ${num(config.tiny)} per repeat (async: ${num(config.asyncTiny)}, 500 in flight)\n`);
  out.push(
    table(['backend', 'contender', 'tasks/s', 'µs/task', 'tasks/s min–max'], ['---', '---', '---:', '---:', '---:'],
      of('tiny', 'tasks/s')
        .filter((r) => r.case === '')
        .map((r) => [r.family, name(r), num(r.summary.median), num(1e6 / r.summary.median, 1), spread(r.summary)])),
  );
  const promised = of('tiny', 'tasks/s').filter((r) => r.case === PROMISE_CASE);
  if (promised.length > 0) {
    out.push(
      `\nThe same on the async backend with a task that returns a promise (\`async (x) => x\`), ${num(config.asyncTiny)} at 500 in flight: ` +
        'a call that returns a plain value ends before `run()` returns, one that returns a promise takes a p-queue slot:\n',
    );
    out.push(
      table(['contender', 'tasks/s', 'µs/task', 'tasks/s min–max'], ['---', '---:', '---:', '---:'],
        promised.map((r) => [name(r), num(r.summary.median), num(1e6 / r.summary.median, 1), spread(r.summary)])),
    );
  }

  const reported = of('tiny', 'tasks/s').filter((r) => r.case === PROGRESS_CASE);
  if (reported.length > 0) {
    out.push(
      `\nProgress (task context): one task reports ${num(VALUES)} values through \`ctx.progress()\` to \`onProgress\`; ` +
        'the cost per value (the run less the same task reporting nothing) beside a tiny `run` of section 1 on the same backend:\n',
    );
    out.push(
      table(['backend', 'values/s', 'µs/value', 'µs per tiny run', 'value / tiny run'], ['---', '---:', '---:', '---:', '---:'],
        reported.map((r) => {
          const tiny = rows.find((x) => x.workload === 'tiny' && x.case === '' && x.ours && x.family === r.family && x.name === `ours ${r.family}`)?.summary.median;
          const perValue = 1e6 / r.summary.median;
          return [r.family, num(r.summary.median), num(perValue, 2), tiny ? num(1e6 / tiny, 2) : '–', tiny ? num(perValue / (1e6 / tiny), 2) : '–'];
        })),
    );
  }

  const overhead = measurementCost(rows);
  if (overhead) {
    out.push(
      '\nMeasurement overhead (measured traits): tiny `run` on the async backend with measurement on (the default) and off ' +
        '(`UNIFIED_EXECUTOR_MEASURE=0`), in short batches alternated with each other; a second executor with measurement off, ' +
        'alternated with the first the same way, shows the noise floor:\n',
    );
    out.push(
      table(['measurement', 'tasks/s', 'µs/task', 'tasks/s min–max', 'cost'], ['---', '---:', '---:', '---:', '---:'], [
        ['on', num(overhead.on.median), num(1e6 / overhead.on.median, 2), spread(overhead.on), `${num(overhead.cost * 100, 1)} %`],
        ['off', num(overhead.off.median), num(1e6 / overhead.off.median, 2), spread(overhead.off), ''],
        ['off, again', num(overhead.again.median), num(1e6 / overhead.again.median, 2), spread(overhead.again), `${num(overhead.floor * 100, 1)} % (noise)`],
      ]),
    );
  }

  out.push(`\n### 2. CPU-bound: ${config.cpuTasks} tasks of ~${config.cpuMs} ms, parallel efficiency = serial / (workers × parallel)\n`);
  const cpuMs = of('cpu', 'ms');
  out.push(
    table(['backend', 'contender', 'ms', 'efficiency', 'efficiency min–max'], ['---', '---', '---:', '---:', '---:'],
      of('cpu', 'efficiency').map((r) => {
        const ms = cpuMs.find((m) => m.name === r.name)!;
        return [r.family, name(r), num(ms.summary.median), num(r.summary.median, 3), spread(r.summary, 3)];
      })),
  );

  out.push('\n### 3. The guide\'s I/O classes on our three backends (ms, median and min–max)\n');
  out.push(
    table(['class', ...['async', 'thread', 'process']], ['---', '---:', '---:', '---:'],
      config.io.map((io) => [
        `${io.id}: ${num(io.tasks)} × ${io.task === 'sleep' ? 'timer' : 'blocking wait'} ${io.waitMs} ms at ${io.inFlight} in flight`,
        ...(['async', 'thread', 'process'] as const).map((b) => {
          const r = rows.find((x) => x.workload === 'io' && x.case === io.id && x.family === b)!;
          return `${num(r.summary.median)} (${spread(r.summary) || '—'})`;
        }),
      ])),
  );

  out.push(`\n### 4. \`map\` with \`chunkSize: 'auto'\` vs one \`run\` per item (tiny tasks)\n`);
  out.push(
    table(['backend', 'run tasks/s', "map 'auto' tasks/s", 'map ÷ run'], ['---', '---:', '---:', '---:'],
      of('map', 'tasks/s').map((m) => {
        const run = rows.find((r) => r.workload === 'tiny' && r.name === m.name)!;
        return [m.family, num(run.summary.median), num(m.summary.median), `${num(m.summary.median / run.summary.median, 1)}×`];
      })),
  );

  out.push(`\n### 5. Start-up to first result and resident memory of a warm pool of ${config.workers}\n`);
  const mb = of('startup', 'MB');
  out.push(
    table(['backend', 'contender', 'first result ms', 'ms min–max', 'memory MB'], ['---', '---', '---:', '---:', '---:'],
      of('startup', 'ms').map((r) => [r.family, name(r), num(r.summary.median), spread(r.summary), num(mb.find((m) => m.name === r.name)!.summary.median, 1)])),
  );

  const imports = of('import', 'ms');
  if (imports.length > 0) {
    out.push(`\n### 8. Loading the package, and start-up under plain node, each in a fresh process (ms, median of ${config.importRepeats})\n`);
    const how: Record<string, string> = {
      esm: '`import()`',
      cjs: '`require()`',
      'startup-thread': 'start-up to first result, plain node, 2 threads',
      'startup-process': 'start-up to first result, plain node, 2 processes',
    };
    out.push(
      table(['how', 'contender', 'ms', 'ms min–max', 'ours ÷ peer'], ['---', '---', '---:', '---:', '---:'],
        imports.map((r) => {
          const peer = imports.find((p) => !p.ours && p.case === r.case)!;
          return [how[r.case] ?? r.case, name(r), num(r.summary.median, 1), spread(r.summary, 1), r.ours ? `${num(r.summary.median / peer.summary.median, 2)}×` : ''];
        })),
    );
  }

  const payload = of('payload', 'tasks/s');
  if (payload.length > 0) {
    const { calls, bytes, repeats } = config.payload;
    out.push(
      `\n### 9. Large inputs: ${num(calls)} calls with a ${num(bytes / 2 ** 20)} MiB \`Uint8Array\` input each (copied), ` +
        `${config.workers} threads, each repeat a fresh process (median of ${repeats})\n`,
    );
    const rss = of('payload', 'MB');
    out.push(
      table(['contender', 'calls/s', 'calls/s min–max', 'peak RSS MB'], ['---', '---:', '---:', '---:'],
        payload.map((r) => [name(r), num(r.summary.median), spread(r.summary), num(rss.find((m) => m.name === r.name)!.summary.median)])),
    );
  }

  out.push('\n### Policy regret: time(auto\'s pick) ÷ time(fastest backend), ms medians\n');
  out.push(
    'adapt off (the default): the declared traits pick. adapt on: where `policy: { adapt: true }` routes the task ' +
      'after 8 measured calls (measured kind in brackets).\n',
  );
  out.push(
    table(
      ['workload', 'declared traits', 'adapt off: pick (rule)', 'regret', 'adapt on: pick (rule) [measured]', 'regret', 'async', 'thread', 'process'],
      ['---', '---', '---', '---:', '---', '---:', '---:', '---:', '---:'],
      regret.map((r) => [
        r.workload,
        `\`${JSON.stringify(r.traits)}\``,
        `${r.pick} (${r.rule})`,
        num(r.regret, 2),
        `${r.adapted.pick} (${r.adapted.rule}) [${r.adapted.kind ?? 'not measured'}]`,
        num(r.adapted.regret, 2),
        ...(['async', 'thread', 'process'] as const).map((b) => {
          const t = r.times[b];
          return t === undefined ? '—' : b === r.fastest ? `**${num(t)}**` : num(t);
        }),
      ]),
    ),
  );

  out.push('\n### Aims\n');
  out.push(
    table(['aim', 'measured', 'target', 'met?', 'detail'], ['---', '---:', '---:', '---', '---'],
      aims.map((a) => [a.aim, num(a.measured, 2), `${a.atLeast ? '≥' : '≤'} ${a.target}`, a.met ? 'met' : 'missed', a.detail])),
  );
  return out.join('\n') + '\n';
}

/** Tiny `run` on async with measurement on and off, what measuring costs, and the gap between two identical settings. */
export function measurementCost(rows: Row[]): { on: Summary; off: Summary; again: Summary; cost: number; floor: number } | undefined {
  const find = (n: string) => rows.find((r) => r.workload === 'tiny' && r.case === OVERHEAD_CASE && r.name === n)?.summary;
  const on = find(MEASURED);
  const off = find(UNMEASURED);
  const again = find(UNMEASURED_AGAIN);
  if (!on || !off || !again) return undefined;
  return { on, off, again, cost: 1 - on.median / off.median, floor: 1 - again.median / off.median };
}
