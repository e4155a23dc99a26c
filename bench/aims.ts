/** The aims, checked against this run's medians. */
import type { BenchConfig } from './config.js';
import { medianOf, type Row } from './results.js';
import type { RegretRow } from './regret.js';
import { measurementCost } from './output/markdown.js';
import { PROMISE_CASE } from './workloads/pools.js';

export interface Aim {
  aim: string;
  /** Measured value as a ratio against the target's yardstick. */
  measured: number;
  target: number;
  /** true when higher is better (measured >= target). */
  atLeast: boolean;
  met: boolean;
  detail: string;
}

function aim(text: string, measured: number, target: number, atLeast: boolean, detail: string): Aim {
  return { aim: text, measured, target, atLeast, met: atLeast ? measured >= target : measured <= target, detail };
}

const fmt = (n: number | undefined) => (n === undefined ? 'n/a' : Math.round(n).toLocaleString('en-US'));

export function checkAims(rows: Row[], regret: RegretRow[], _config: BenchConfig): Aim[] {
  const tiny = (name: string) => medianOf(rows, { workload: 'tiny', case: '', name, metric: 'tasks/s' });
  const fastestPeer = (family: string) =>
    rows
      .filter((r) => r.workload === 'tiny' && r.family === family && !r.ours)
      .reduce<Row | undefined>((a, b) => (a && a.summary.median >= b.summary.median ? a : b), undefined);
  const aims: Aim[] = [];

  const threadPeer = fastestPeer('thread')!;
  const oursThread = tiny('ours thread')!;
  aims.push(aim('thread backend >= fastest thread-pool peer on tiny tasks', oursThread / threadPeer.summary.median, 1, true,
    `ours ${fmt(oursThread)}/s vs ${threadPeer.name} ${fmt(threadPeer.summary.median)}/s`));

  const processPeer = fastestPeer('process')!;
  const oursProcess = tiny('ours process')!;
  aims.push(aim('process backend >= fastest process-pool peer on tiny tasks', oursProcess / processPeer.summary.median, 1, true,
    `ours ${fmt(oursProcess)}/s vs ${processPeer.name} ${fmt(processPeer.summary.median)}/s`));
  const wp = tiny('workerpool process')!;
  aims.push(aim('process backend >= 3x workerpool process', oursProcess / wp, 3, true, `ours ${fmt(oursProcess)}/s vs ${fmt(wp)}/s`));

  const pq = rows.find((r) => r.workload === 'tiny' && r.case === '' && r.name.startsWith('p-queue'))!.summary.median;
  const oursAsync = tiny('ours async')!;
  aims.push(aim('async backend >= 0.9x raw p-queue', oursAsync / pq, 0.9, true, `ours ${fmt(oursAsync)}/s vs p-queue ${fmt(pq)}/s`));
  const promised = (ours: boolean) => rows.find((r) => r.workload === 'tiny' && r.case === PROMISE_CASE && r.ours === ours)?.summary.median;
  const [oursPromised, pqPromised] = [promised(true), promised(false)];
  if (oursPromised !== undefined && pqPromised !== undefined) {
    aims.push(aim('async backend >= 0.9x raw p-queue, tasks that return a promise', oursPromised / pqPromised, 0.9, true,
      `ours ${fmt(oursPromised)}/s vs p-queue ${fmt(pqPromised)}/s`));
  }

  for (const family of ['thread', 'process'] as const) {
    const eff = medianOf(rows, { workload: 'cpu', name: `ours ${family}`, metric: 'efficiency' })!;
    aims.push(aim(`parallel efficiency >= 0.97 on 2 cores, ${family} backend`, eff, 0.97, true, `${eff.toFixed(3)}`));
  }

  for (const family of ['thread', 'process'] as const) {
    const map = medianOf(rows, { workload: 'map', name: `ours ${family}`, metric: 'tasks/s' })!;
    const run = tiny(`ours ${family}`)!;
    aims.push(aim(`map chunkSize 'auto' >= 5x per-item run, ${family}`, map / run, 5, true, `${fmt(map)}/s vs ${fmt(run)}/s`));
  }

  const startup = (name: string) => medianOf(rows, { workload: 'startup', name, metric: 'ms' })!;
  for (const [ours, raw] of [['ours thread', 'piscina, all at once'], ['ours process', 'fork pool (floor)']] as const) {
    const a = startup(ours);
    const b = startup(raw);
    aims.push(aim(`start-up to first result <= 1.1x ${raw === 'fork pool (floor)' ? 'a raw fork pool' : 'raw piscina'}`, a / b, 1.1, false,
      `${a.toFixed(0)} ms vs ${b.toFixed(0)} ms, under tsx (section 5)`));
    const family = ours === 'ours thread' ? 'thread' : 'process';
    const plain = (isOurs: boolean) => rows.find((r) => r.workload === 'import' && r.case === `startup-${family}` && r.ours === isOurs)?.summary.median;
    const [pa, pb] = [plain(true), plain(false)];
    if (pa !== undefined && pb !== undefined) {
      aims.push(aim(`start-up to first result <= 1.1x ${raw === 'fork pool (floor)' ? 'a raw fork pool' : 'raw piscina'}, plain node`, pa / pb, 1.1, false,
        `${pa.toFixed(0)} ms vs ${pb.toFixed(0)} ms (section 8)`));
    }
  }

  const effOf = (name: string) => medianOf(rows, { workload: 'cpu', name, metric: 'efficiency' });
  const [effOurs, effFork] = [effOf('ours process'), effOf('fork pool (floor)')];
  if (effOurs !== undefined && effFork !== undefined) {
    aims.push(aim('process CPU efficiency >= the fork pool\'s - 0.02', effOurs - effFork, -0.02, true, `${effOurs.toFixed(3)} vs ${effFork.toFixed(3)}`));
  }

  for (const how of ['esm', 'cjs'] as const) {
    const ms = (ours: boolean) => rows.find((r) => r.workload === 'import' && r.case === how && r.ours === ours)?.summary.median;
    const [a, b] = [ms(true), ms(false)];
    if (a === undefined || b === undefined) continue;
    const call = how === 'esm' ? 'import()' : 'require()';
    aims.push(aim(`${call} of the package <= 1.0x ${call} of piscina`, a / b, 1, false, `${a.toFixed(1)} ms vs ${b.toFixed(1)} ms`));
  }

  const rate = (name: string) => medianOf(rows, { workload: 'payload', name, metric: 'tasks/s' });
  const [bigOurs, bigPiscina] = [rate('ours thread'), rate('piscina, all at once')];
  if (bigOurs !== undefined && bigPiscina !== undefined) {
    aims.push(aim('1 MiB inputs on 2 threads >= piscina\'s throughput', bigOurs / bigPiscina, 1, true, `${fmt(bigOurs)}/s vs ${fmt(bigPiscina)}/s`));
  }

  const worst = regret.reduce((a, b) => (b.regret > a.regret ? b : a));
  aims.push(aim('regret of the default policy <= 1.25 on every class', worst.regret, 1.25, false,
    `worst: ${worst.workload} ${JSON.stringify(worst.traits)} (${worst.rule} -> ${worst.pick}; fastest ${worst.fastest})`));
  // NaN (a pick with no time) must not pass: it counts as the worst.
  const adaptedOf = (r: RegretRow) => (Number.isNaN(r.adapted.regret) ? Number.POSITIVE_INFINITY : r.adapted.regret);
  const worstAdapted = regret.reduce((a, b) => (adaptedOf(b) > adaptedOf(a) ? b : a));
  aims.push(aim('regret with policy adapt <= 1.15 on every class', adaptedOf(worstAdapted), 1.15, false,
    `worst: ${worstAdapted.workload} ${JSON.stringify(worstAdapted.traits)} (${worstAdapted.adapted.rule} -> ${worstAdapted.adapted.pick}; fastest ${worstAdapted.fastest})`));

  const overhead = measurementCost(rows);
  if (overhead) {
    aims.push(aim('measurement costs tiny async run <= 3 %', overhead.cost * 100, 3, false,
      `${fmt(overhead.on.median)}/s measured vs ${fmt(overhead.off.median)}/s not; noise floor ${(overhead.floor * 100).toFixed(1)} %`));
  }
  return aims;
}
