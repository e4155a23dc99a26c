/**
 * Which of a parent's Node flags its workers get. A pool's worker must run the
 * library's own entry, whatever the parent was started with:
 *
 *   parent execArgv ──parse──> [flag + its value] ──rule of each flag──┬─> child process flags
 *                                                                      └─> worker thread flags (+ heap limit)
 *
 * - runs-other: `-e`, `-p`, `--test`, `--watch`... make Node run something in
 *   place of the entry. Passed to `fork()`, the child ran the parent's own
 *   script, built its own pool and forked again, without end (issue 11).
 *   Never passed; in an explicit `execArgv` they are a TypeError.
 * - inspector: each child listens on a port of its own (`:0`, so the OS picks
 *   a free one; the child prints it). node:cluster adds `--inspect-port=
 *   <debugPort + n>` instead, which collides with any port already taken.
 *   A child never waits for a debugger (`-brk`, `-wait`): it would wait before
 *   its entry ran, where no task is, and never become ready. Threads drop them:
 *   a thread is debugged through its parent's inspector.
 * - per-process: Node's per-process options and V8's flags. A `Worker` refuses
 *   every one of them (ERR_WORKER_INVALID_EXEC_ARGV), and needs none: V8 flags
 *   such as `--expose-gc` already apply to every thread of the process.
 * - heap: `--max-old-space-size` is per-process too; a thread gets it as
 *   `resourceLimits.maxOldGenerationSizeMb` instead.
 * - both: loaders (`--import`, `--require`, `--loader`), `--conditions`,
 *   source maps, warnings...: workers need them to load tasks as the parent does.
 *
 * The table is Node 20's `node --help`, each thread rule checked with a real
 * `new Worker(..., { execArgv: [flag] })`. A flag not in it (a V8 flag, a newer
 * Node's flag) goes to child processes as given; for threads one probe Worker
 * asks Node itself (see `workerRefuses`).
 */
import { createRequire } from 'node:module';

/**
 * worker_threads, loaded only to probe a flag the table does not know:
 * importing the library must not load it (it pulls in Node's streams).
 */
function probeWorker(): typeof import('node:worker_threads').Worker {
  return (createRequire(import.meta.url)('node:worker_threads') as typeof import('node:worker_threads')).Worker;
}

type Kind = 'runs-other' | 'inspector' | 'heap' | 'per-process' | 'both';

const TABLE: [Kind, string][] = [
  ['runs-other', '--eval --print --interactive --input-type --check --test --watch --prof-process --build-snapshot'],
  ['runs-other', '--build-snapshot-config --snapshot-blob --experimental-sea-config --help --version --v8-options'],
  ['runs-other', '--completion-bash'],
  ['inspector', '--inspect --inspect-brk --inspect-wait --inspect-brk-node --inspect-port'],
  ['heap', '--max-old-space-size'],
  // Node's own per-process options.
  ['per-process', '--title --inspect-publish-uid --experimental-policy --policy-integrity --experimental-permission'],
  ['per-process', '--allow-fs-read --allow-fs-write --allow-child-process --allow-worker --allow-addons --allow-wasi'],
  ['per-process', '--secure-heap --secure-heap-min --openssl-config --openssl-legacy-provider --openssl-shared-config'],
  ['per-process', '--use-openssl-ca --use-bundled-ca --enable-fips --force-fips --tls-cipher-list --icu-data-dir'],
  ['per-process', '--v8-pool-size --use-largepages --zero-fill-buffers --disable-proto --trace-sigint --node-memory-debug'],
  ['per-process', '--report-dir --report-filename --report-compact --report-on-fatalerror --trace-event-categories'],
  ['per-process', '--trace-event-file-pattern --experimental-global-navigator --enable-etw-stack-walking --security-revert'],
  ['per-process', '--disable-wasm-trap-handler --abort-on-uncaught-exception --disallow-code-generation-from-strings'],
  // V8 flags people pass (any V8 flag is per-process; these spare the probe).
  ['per-process', '--expose-gc --max-semi-space-size --max-young-generation-size --stack-size --stack-trace-limit'],
  ['per-process', '--huge-max-old-generation-size --jitless --prof --perf-basic-prof --perf-basic-prof-only-functions'],
  ['per-process', '--perf-prof --interpreted-frames-native-stack --allow-natives-syntax --harmony --single-threaded'],
  ['per-process', '--experimental-shadow-realm'],
  // Per-isolate and per-environment options: a Worker takes them.
  ['both', '--import --require --experimental-loader --conditions --enable-source-maps --preserve-symlinks'],
  ['both', '--preserve-symlinks-main --experimental-default-type --experimental-specifier-resolution'],
  ['both', '--experimental-detect-module --experimental-require-module --experimental-vm-modules --experimental-wasm-modules'],
  ['both', '--experimental-import-meta-resolve --experimental-network-imports --experimental-json-modules'],
  ['both', '--experimental-top-level-await --experimental-print-required-tla --experimental-websocket --experimental-fetch'],
  ['both', '--experimental-eventsource --experimental-global-customevent --experimental-global-webcrypto'],
  ['both', '--experimental-network-inspection --experimental-abortcontroller --experimental-worker --experimental-report'],
  ['both', '--experimental-wasi-unstable-preview1 --experimental-repl-await --warnings --deprecation --trace-deprecation'],
  ['both', '--throw-deprecation --pending-deprecation --trace-warnings --disable-warning --unhandled-rejections'],
  ['both', '--redirect-warnings --trace-exit --trace-uncaught --trace-promises --trace-sync-io --trace-tls'],
  ['both', '--trace-atomics-wait --trace-require-module --track-heap-objects --frozen-intrinsics --addons --global-search-paths'],
  ['both', '--force-context-aware --force-node-api-uncaught-exceptions-policy --insecure-http-parser --max-http-header-size'],
  ['both', '--dns-result-order --network-family-autoselection --network-family-autoselection-attempt-timeout'],
  ['both', '--enable-network-family-autoselection --tls-min-v1.0 --tls-min-v1.1 --tls-min-v1.2 --tls-min-v1.3 --tls-max-v1.2'],
  ['both', '--tls-max-v1.3 --tls-keylog --env-file --env-file-if-exists --diagnostic-dir --report-on-signal --report-signal'],
  ['both', '--report-uncaught-exception --report-exclude-network --heapsnapshot-signal --heapsnapshot-near-heap-limit'],
  ['both', '--cpu-prof --cpu-prof-dir --cpu-prof-name --cpu-prof-interval --heap-prof --heap-prof-dir --heap-prof-name'],
  ['both', '--heap-prof-interval --expose-internals --extra-info-on-fatal-exception --force-async-hooks-checks --verify-base-objects'],
];
const KIND = new Map(TABLE.flatMap(([kind, names]) => names.split(' ').map((name) => [name, kind] as const)));

/** Node's short and old spellings; `-pe` is `--print --eval` in one. */
const ALIASES: Record<string, string> = {
  '-e': '--eval', '-p': '--print', '-pe': '--print', '-i': '--interactive', '-c': '--check', '-r': '--require',
  '-C': '--conditions', '-h': '--help', '-v': '--version', '--loader': '--experimental-loader',
  '--debug-port': '--inspect-port', '--report-directory': '--report-dir',
  '--es-module-specifier-resolution': '--experimental-specifier-resolution',
};

/** One flag as written (one or two elements of execArgv) and how it is treated. */
interface Flag {
  text: string[];
  /** Normalised: long form, `-` for `_`, without `=value`. */
  name: string;
  value?: string;
  kind?: Kind;
}

function kindOf(name: string): Kind | undefined {
  // Any `--test-*`, `--watch-*` (Node 22 adds more of them) and the test runner's coverage and mocks.
  if (/^--(test|watch|experimental-test)-/.test(name)) return 'runs-other';
  return KIND.get(name) ?? (name.startsWith('--no-') ? KIND.get(`--${name.slice(5)}`) : undefined);
}

/**
 * execArgv holds only Node's flags (the script and its arguments are not in
 * it), so an element that is not a flag is the value of the flag before it:
 * `--require x`, `-e <code>`, `--inspect-port 9229`. Node never takes a value
 * that starts with `-` this way (`node -e -1`: "-e requires an argument").
 */
function parse(execArgv: readonly string[]): Flag[] {
  const flags: Flag[] = [];
  for (const arg of execArgv) {
    const last = flags[flags.length - 1];
    if (last && (!arg.startsWith('-') || arg === '-')) {
      last.text.push(arg);
      last.value ??= arg;
      continue;
    }
    const eq = arg.indexOf('=');
    let name = eq === -1 ? arg : arg.slice(0, eq);
    // Node and V8 read `_` as `-` in a flag's name (`--max_old_space_size`).
    if (name.startsWith('--')) name = name.replaceAll('_', '-');
    name = ALIASES[name] ?? name;
    flags.push({ text: [arg], name, kind: kindOf(name), ...(eq === -1 ? {} : { value: arg.slice(eq + 1) }) });
  }
  return flags;
}

/** `[host:]port` of an inspector flag: the host, if it names one. */
function inspectorHost(value: string | undefined): string | undefined {
  if (value === undefined || /^\d+$/.test(value)) return undefined;
  const match = /^(.*):\d+$/.exec(value);
  return match ? match[1] : value;
}

/** The flags of a forked child process. */
export function processFlags(execArgv: readonly string[]): string[] {
  const out: string[] = [];
  let host = '127.0.0.1';
  let inspector: 'none' | 'port' | 'active' = 'none';
  for (const flag of parse(execArgv)) {
    if (flag.kind === 'runs-other') continue;
    if (flag.kind !== 'inspector') {
      out.push(...flag.text);
      continue;
    }
    host = inspectorHost(flag.value) ?? host;
    if (flag.name === '--inspect-port') inspector = inspector === 'none' ? 'port' : inspector;
    else inspector = 'active';
  }
  // Port 0: the OS gives each child a free port (its "Debugger listening on ..." line says which).
  if (inspector === 'active') out.push(`--inspect=${host}:0`);
  else if (inspector === 'port') out.push(`--inspect-port=${host}:0`);
  return out;
}

export interface ThreadFlags {
  execArgv: string[];
  /** The parent's `--max-old-space-size`, for `resourceLimits.maxOldGenerationSizeMb`. */
  heapMb?: number;
}

/** The flags of a worker thread, and the heap limit it takes from a heap flag. */
export function threadFlags(execArgv: readonly string[]): ThreadFlags {
  const flags = parse(execArgv);
  const refused = workerRefuses(flags.filter((f) => f.kind === undefined).map((f) => f.text));
  const result: ThreadFlags = { execArgv: [] };
  for (const flag of flags) {
    if (flag.kind === 'heap') {
      const mb = Number(flag.value);
      if (Number.isInteger(mb) && mb > 0) result.heapMb = mb;
    } else if (flag.kind === 'both' || (flag.kind === undefined && !refused.has(flag.text[0]!))) {
      result.execArgv.push(...flag.text);
    }
  }
  return result;
}

export interface WorkerFlags {
  /** Flags of each forked child process (its own inspector port, if any). */
  process: string[];
  /** Flags of each worker thread. */
  thread: string[];
  /** Heap limit of each worker thread, MiB, from the parent's `--max-old-space-size`. */
  threadHeapMb?: number;
}

/**
 * What the pools' workers get from a parent started with `execArgv`
 * (default: this process's). Public so that a user can see why a worker
 * lacks a flag; the pools use the same two functions.
 */
export function workerFlags(execArgv: readonly string[] = process.execArgv): WorkerFlags {
  const thread = threadFlags(execArgv);
  return { process: processFlags(execArgv), thread: thread.execArgv, threadHeapMb: thread.heapMb };
}

/**
 * An explicit `execArgv` option: a TypeError naming the first flag that cannot
 * work on `backend`. Flags that run something else cannot work anywhere; on a
 * thread backend neither can per-process ones (an auto executor's threads drop
 * them: its child processes take them). The heap flag becomes `resourceLimits`.
 */
export function checkExecArgv(execArgv: readonly string[], backend: 'process' | 'thread'): void {
  const flags = parse(execArgv);
  const other = flags.find((f) => f.kind === 'runs-other');
  if (other) {
    throw new TypeError(
      `\`execArgv\` cannot hold \`${other.text[0]}\`: it makes Node run something else instead of the worker's own entry`,
    );
  }
  if (backend !== 'thread') return;
  const refused = workerRefuses(flags.filter((f) => f.kind === undefined).map((f) => f.text));
  const bad = flags.find((f) => f.kind === 'per-process' || f.kind === 'inspector' || refused.has(f.text[0]!));
  if (bad) {
    throw new TypeError(
      `\`execArgv\` of a thread backend cannot hold \`${bad.text[0]}\`: ` +
        (bad.kind === 'inspector'
          ? 'a worker thread is debugged through its parent process'
          : 'it is a per-process flag, which a worker thread refuses (ERR_WORKER_INVALID_EXEC_ARGV); ' +
            "V8 flags of the parent already apply to its threads, and a thread's heap is set with `resourceLimits`"),
    );
  }
}

/** Per flag not in the table: whether a Worker refuses it. Asked once per process. */
const probed = new Map<string, boolean>();

/**
 * Flags the table does not know (a V8 flag, a newer Node's option): the
 * first elements of those a `Worker` refuses. `new Worker` checks its
 * execArgv synchronously and throws ERR_WORKER_INVALID_EXEC_ARGV naming each
 * refused flag; otherwise the probe thread is ended before it does anything.
 */
function workerRefuses(unknown: string[][]): Set<string> {
  const fresh = unknown.filter((text) => !probed.has(text[0]!));
  if (fresh.length > 0) {
    let message: string | undefined;
    try {
      const Worker = probeWorker();
      const probe = new Worker('', { eval: true, execArgv: fresh.flat(), stdout: true, stderr: true });
      probe.on('error', () => {});
      probe.unref();
      void probe.terminate();
    } catch (error) {
      message = String((error as Error)?.message ?? error);
    }
    // "Initiated Worker with invalid execArgv flags: --a, --b=1"; any other message: refuse them all.
    const listed = message?.split(': ').slice(1).join(': ').split(', ');
    const named = fresh.filter((text) => listed?.includes(text[0]!));
    for (const text of fresh) probed.set(text[0]!, message !== undefined && (named.length === 0 || named.includes(text)));
  }
  return new Set(unknown.filter((text) => probed.get(text[0]!)).map((text) => text[0]!));
}
