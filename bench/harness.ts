/**
 * Interleaving: every repeat measures every contender once, so a burst of load
 * from the other engineers' test suites hurts all of them alike; the start of
 * the round rotates each repeat so nobody is always first (cold caches) or last.
 */

export async function interleaved<C, R = number>(
  contenders: readonly C[],
  repeats: number,
  measure: (contender: C) => Promise<R>,
): Promise<Map<C, R[]>> {
  const samples = new Map<C, R[]>(contenders.map((c) => [c, []]));
  for (let repeat = 0; repeat < repeats; repeat++) {
    for (let k = 0; k < contenders.length; k++) {
      const contender = contenders[(k + repeat) % contenders.length]!;
      samples.get(contender)!.push(await withDeadline(measure(contender), contender));
    }
  }
  return samples;
}

/**
 * The slowest single measurement (400 blocking waits on the async loop, 4 s;
 * 50k tiny tasks on the slowest process pool, ~10 s on a busy machine) times
 * ten: past it a contender has lost a task. The timer also keeps the event
 * loop alive, so a lost task in a pool whose workers are unref'd fails loudly
 * instead of letting the bench exit without a word.
 */
const DEADLINE_MS = 120_000;

export function withDeadline<T>(work: Promise<T>, who: unknown): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const name = (who as { name?: string; contender?: { name?: string }; backend?: string }) ?? {};
  const label = name.name ?? name.contender?.name ?? name.backend ?? String(who);
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no result after ${DEADLINE_MS / 1000} s (a lost task?)`)), DEADLINE_MS);
  });
  return Promise.race([work, deadline]).finally(() => clearTimeout(timer));
}

/** Runs `count` calls, all submitted at once, or at most `window` in flight when given. */
export function feed(count: number, run: (i: number) => Promise<unknown>, window?: number): Promise<void> {
  if (window === undefined) {
    const all = new Array<Promise<unknown>>(count);
    for (let i = 0; i < count; i++) all[i] = run(i);
    return Promise.all(all).then(() => undefined);
  }
  return new Promise((resolve, reject) => {
    let started = 0;
    let done = 0;
    const next = (): void => {
      if (done === count) return resolve();
      if (started === count) return;
      run(started++).then(() => {
        done++;
        next();
      }, reject);
    };
    for (let i = 0; i < Math.min(window, count); i++) next();
    if (count === 0) resolve();
  });
}

/** Milliseconds `fn` takes. */
export async function timed(fn: () => Promise<unknown>): Promise<number> {
  const began = performance.now();
  await fn();
  return performance.now() - began;
}

/** Progress on stderr, so stdout stays the Markdown report. */
export function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/**
 * How long a pool may take to close. poolifier's `destroy()` sometimes never
 * settles here (its threads gone or not); with nothing else pending Node would
 * then exit mid-run (code 13, unsettled top-level await) without a word.
 */
const CLOSE_DEADLINE_MS = 10_000;

/** Closes every pool; one that does not close in time is named on stderr and left to the process exit. */
export async function closeAll(pools: readonly { name: string; close(): Promise<void> }[]): Promise<void> {
  await Promise.all(
    pools.map(async (pool) => {
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((resolve) => (timer = setTimeout(resolve, CLOSE_DEADLINE_MS, 'late')));
      const outcome = await Promise.race([pool.close().then(() => 'closed' as const), late]).finally(() => clearTimeout(timer));
      if (outcome === 'late') progress(`warning: ${pool.name} did not close within ${CLOSE_DEADLINE_MS / 1000} s`);
    }),
  );
}
