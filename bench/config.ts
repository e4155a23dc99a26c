/** How big each workload is, full and quick. Every number says why. */

export interface IoClass {
  /** Row name and the policy class it stands for. */
  id: 'io-many' | 'io-few' | 'io-blocking';
  task: 'sleep' | 'block';
  tasks: number;
  /** Tasks in flight at once (map's `concurrency`) and the `expectedCount` the user declares. */
  inFlight: number;
  /** How long each task waits, ms. */
  waitMs: number;
}

export interface BenchConfig {
  quick: boolean;
  /** Workers of every pool: the "pool of 2", one per core of the reference machine. */
  workers: number;
  /** Measured repeats per contender, after one warm-up. */
  repeats: number;
  /** Workload 1 and 4: tiny tasks per measurement. */
  tiny: number;
  /** Workload 1 on the async family: issue 19's 100,000 tiny tasks at 500 in flight. */
  asyncTiny: number;
  /** Tiny tasks of the warm-up: enough for the JIT to compile the hot paths on both sides. */
  tinyWarmup: number;
  /** Workload 2: CPU tasks, each `cpuMs` of busy loop. */
  cpuTasks: number;
  cpuMs: number;
  io: IoClass[];
  /** Workload 5: fresh pools started per contender (each is also a memory sample). */
  startupRepeats: number;
  /** Workload 7: fresh processes per contender importing (or requiring) the package. */
  importRepeats: number;
  /** Workload 8: calls with a 1 MiB Uint8Array input each (copied), per fresh process, after `warmup` of them. */
  payload: { calls: number; warmup: number; bytes: number; repeats: number };
}

export function benchConfig(quick: boolean): BenchConfig {
  if (quick) {
    // Quick: proves every contender works end to end in well under a minute on
    // 2 busy cores (CI asserts nothing about speed); the numbers are rough.
    return {
      quick,
      workers: 2,
      repeats: 1,
      tiny: 2_000,
      asyncTiny: 2_000,
      tinyWarmup: 300,
      cpuTasks: 40,
      cpuMs: 5,
      io: [
        { id: 'io-many', task: 'sleep', tasks: 2_000, inFlight: 500, waitMs: 10 },
        { id: 'io-few', task: 'sleep', tasks: 400, inFlight: 400, waitMs: 10 },
        // 100 not 400: the async loop runs blocking waits one after another (1 s here, 4 s in full).
        { id: 'io-blocking', task: 'block', tasks: 100, inFlight: 100, waitMs: 10 },
      ],
      startupRepeats: 1,
      importRepeats: 1,
      payload: { calls: 100, warmup: 20, bytes: 2 ** 20, repeats: 1 },
    };
  }
  return {
    quick,
    workers: 2,
    // 5: a median that one noisy repeat cannot move, in about 7 minutes in all.
    repeats: 5,
    // The sizes: 50k tiny tasks, 200 CPU tasks of ~5 ms, the guide's three I/O classes.
    tiny: 50_000,
    asyncTiny: 100_000,
    tinyWarmup: 5_000,
    cpuTasks: 200,
    cpuMs: 5,
    io: [
      { id: 'io-many', task: 'sleep', tasks: 10_000, inFlight: 500, waitMs: 10 },
      { id: 'io-few', task: 'sleep', tasks: 400, inFlight: 400, waitMs: 10 },
      { id: 'io-blocking', task: 'block', tasks: 400, inFlight: 400, waitMs: 10 },
    ],
    startupRepeats: 5,
    // Single imports vary by several ms with the machine's load: 15 fresh processes each.
    importRepeats: 15,
    // Issue 19's figure: 2,000 calls of 1 MiB on 2 threads after a warm-up, median of 3 fresh processes.
    payload: { calls: 2_000, warmup: 200, bytes: 2 ** 20, repeats: 3 },
  };
}
