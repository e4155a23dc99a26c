/**
 * Real parent processes started with the Node flags of issue 11 (`node -e`,
 * `node -p`, `--expose-gc`, `--max-old-space-size`, an inspector), importing
 * the built package and running tasks on `process`, `thread` and `auto`.
 *
 * A regression here forks without end and takes the machine down within
 * seconds, so every parent runs in a process group of its own that a watcher
 * counts every 50 ms (from /proc) and kills as soon as it holds more than the
 * parent and its pool; the group is killed whatever happens. To check the
 * watcher against a broken build, point UE_E2E_DIST at it (inside a pids cgroup).
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { killGroup, liveGroups } from './process-groups.js';

const MAX_WORKERS = 2;
/**
 * The parent and its pool: what a group may hold. The pool is its children
 * and its orphan guard (src/backends/process/orphan-guard.ts): the guard runs
 * in a session of its own, but between its fork and its setsid() it is still
 * in the parent's group for an instant, and the watcher can catch it there.
 */
const GROUP_BOUND = 1 + MAX_WORKERS + 1;
const root = new URL('../../', import.meta.url);
const fixture = (file: string) => new URL(`test/fixtures/${file}`, root);
const parentFile = fixture('flags-parent.mjs').pathname;
const parentSource = readFileSync(parentFile, 'utf8');
const childEntry = new URL('dist/process-child.js', root).pathname;
const ENV = {
  UE_E2E_DIST: process.env.UE_E2E_DIST ?? pathToFileURL(new URL('dist/index.js', root).pathname).href,
  UE_E2E_FIXTURE: fixture('worker-flags.mjs').href,
};

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
  /** Most processes seen in the group at once. */
  maxGroup: number;
  overBound: boolean;
  timedOut: boolean;
}

/** Processes whose process group is `pgid` (field 5 of /proc/<pid>/stat). */
function groupSize(pgid: number): number {
  let count = 0;
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) > 57) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // exited meanwhile
    }
    // "pid (comm) state ppid pgrp ...": comm may hold spaces and ')', so count from the last ')'.
    if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]) === pgid) count++;
  }
  return count;
}

interface RunOptions {
  bound?: number;
  timeoutMs?: number;
  /** Called with all stdout so far, and the group, on each chunk. */
  onStdout?: (stdout: string, pgid: number) => void;
}

function runParent(args: string[], options: RunOptions = {}): Promise<Run> {
  const { bound = GROUP_BOUND, timeoutMs = 45_000, onStdout } = options;
  const env: NodeJS.ProcessEnv = { ...process.env, ...ENV };
  // The flags under test are exactly those on the command line.
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, args, { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  const pgid = child.pid!;
  liveGroups.add(pgid);
  const run: Run = { code: null, stdout: '', stderr: '', maxGroup: 0, overBound: false, timedOut: false };
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    run.stdout += text;
    onStdout?.(run.stdout, pgid);
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (run.stderr += text));
  const watch = setInterval(() => {
    const size = groupSize(pgid);
    run.maxGroup = Math.max(run.maxGroup, size);
    if (size > bound) {
      run.overBound = true;
      killGroup(pgid);
    }
  }, 50);
  const timer = setTimeout(() => {
    run.timedOut = true;
    killGroup(pgid);
  }, timeoutMs);
  return new Promise<Run>((resolve) => {
    // 'close': stdout and stderr have ended, so the parent's pool children are gone too (they hold them).
    child.on('close', (code) => {
      run.code = code;
      resolve(run);
    });
  }).finally(() => {
    clearInterval(watch);
    clearTimeout(timer);
    killGroup(pgid);
    liveGroups.delete(pgid);
  });
}

interface Described {
  pid: number;
  thread: boolean;
  execArgv: string[];
  heapMb: number;
  maxOldGenerationSizeMb?: number;
  gc: string;
}
interface ParentResult {
  parent: number;
  process: Described[];
  thread: Described[];
  auto: { cpu: Described; ioFew: Described; routes: string[] };
}

function resultOf(run: Run): ParentResult {
  const context = `exit ${run.code}, group of ${run.maxGroup} at most${run.overBound ? ' (over its bound: killed)' : ''}` +
    `${run.timedOut ? ', timed out' : ''}\n` +
    `stdout: ${run.stdout}\nstderr: ${run.stderr}`;
  expect(run.overBound, context).toBe(false);
  expect(run.maxGroup, context).toBeLessThanOrEqual(GROUP_BOUND);
  expect(run.timedOut, context).toBe(false);
  expect(run.code, context).toBe(0);
  const line = run.stdout.split('\n').find((l) => l.startsWith('RESULT '));
  expect(line, context).toBeDefined();
  return JSON.parse(line!.slice('RESULT '.length)) as ParentResult;
}

/** Every task ran in a child process of the parent, or in one of its threads, as routed. */
function checkPlacement(result: ParentResult): { children: Described[]; threads: Described[] } {
  const children = [...result.process, result.auto.cpu];
  const threads = [...result.thread, result.auto.ioFew];
  for (const child of children) {
    expect(child.thread).toBe(false);
    expect(child.pid).not.toBe(result.parent);
  }
  for (const thread of threads) {
    expect(thread.thread).toBe(true);
    expect(thread.pid).toBe(result.parent);
  }
  expect(result.auto.routes).toEqual(['process', 'thread']);
  return { children, threads };
}

describe.skipIf(process.platform !== 'linux')('a parent started with Node flags', () => {
  // The flags that run something else: before the fix, each child ran the parent's script and forked again.
  it.each([
    ['node -e <script>', ['-e', parentSource]],
    ['node --eval=<script>', [`--eval=${parentSource}`]],
    ['node --input-type=module -e <script>', ['--input-type=module', '-e', parentSource]],
    ['node -p <script>', ['-p', parentSource]],
  ])('%s runs its tasks in workers that run the library entry, without forking more', async (_name, args) => {
    const { children, threads } = checkPlacement(resultOf(await runParent(args)));
    for (const worker of [...children, ...threads]) expect(worker.execArgv).toEqual([]);
  });

  it('node --expose-gc: threads work (they share the flag), children get it', async () => {
    const result = resultOf(await runParent(['--expose-gc', parentFile]));
    const { children, threads } = checkPlacement(result);
    for (const child of children) expect(child).toMatchObject({ execArgv: ['--expose-gc'], gc: 'function' });
    for (const thread of threads) expect(thread).toMatchObject({ execArgv: [], gc: 'function' });
  });

  it('node --max-old-space-size: threads get it as resourceLimits, children as the flag', async () => {
    const result = resultOf(await runParent(['--max-old-space-size=200', '--title=ue-e2e-parent', parentFile]));
    const { children, threads } = checkPlacement(result);
    for (const child of children) {
      expect(child.execArgv).toEqual(['--max-old-space-size=200', '--title=ue-e2e-parent']);
      // heap_size_limit is the old generation plus the young one, which V8 sizes
      // from it: 48 MB more on Node 20 and 22, 192 on Node 24, 96 on Node 26.
      // The default is GBs.
      expect(child.heapMb).toBeGreaterThanOrEqual(200);
      expect(child.heapMb).toBeLessThan(500);
    }
    for (const thread of threads) {
      expect(thread).toMatchObject({ execArgv: [], maxOldGenerationSizeMb: 200 });
      expect(thread.heapMb).toBeLessThan(500);
    }
  });

  it('node --inspect: each child listens on a free port of its own; threads do not inspect', async () => {
    const run = await runParent(['--inspect=127.0.0.1:0', parentFile]);
    const { children, threads } = checkPlacement(resultOf(run));
    for (const child of children) expect(child.execArgv).toEqual(['--inspect=127.0.0.1:0']);
    for (const thread of threads) expect(thread.execArgv).toEqual([]);
    // The parent's port and each child's (the OS picked them: all different).
    const ports = [...run.stderr.matchAll(/Debugger listening on ws:\/\/127\.0\.0\.1:(\d+)\//g)].map((m) => m[1]);
    expect(ports.length).toBeGreaterThanOrEqual(1 + new Set(children.map((c) => c.pid)).size);
    expect(new Set(ports).size).toBe(ports.length);
  });
});

describe.skipIf(process.platform !== 'linux')('defence in depth', () => {
  it('the child entry exits at once with a message when no pool started it', async () => {
    const noChannel = await runParent([childEntry], { timeoutMs: 15_000 });
    expect(noChannel).toMatchObject({ code: 1, timedOut: false });
    expect(noChannel.stderr).toMatch(/runs only as a child forked by the process backend .*has no IPC channel/);

    // An IPC channel, but not from a pool: no mark in its environment.
    const script = `const c = require('node:child_process').fork(${JSON.stringify(childEntry)}, [], { stdio: 'inherit' });
      c.on('exit', (code) => console.log('EXIT ' + code));`;
    const noMark = await runParent(['-e', script], { timeoutMs: 15_000 });
    expect(noMark.stdout.trim()).toBe('EXIT 1');
    expect(noMark.stderr).toMatch(/has no pool mark in its environment/);
  });

  it('a child that runs other code which forks (a preload running tasks) exits instead; the pool gives up', async () => {
    const run = await runParent(['--import', fixture('fork-at-import.mjs').href, '-e', '0']);
    const context = `stdout: ${run.stdout}\nstderr: ${run.stderr}`;
    expect(run.overBound, context).toBe(false);
    expect(run.timedOut, context).toBe(false);
    expect(run.stdout, context).toMatch(/REFUSED "Cannot start a child process: 5 in a row exited before they were ready/);
    expect(run.stderr, context).toMatch(/was forked by the process pool of process \d+ .*It exits instead of forking again/);
  });

  it('a child that never says ready is ended by the start bound (a failed start for the back-off)', async () => {
    const script = `
      const { createExecutor, defineTask } = await import(process.env.UE_E2E_DIST);
      const executor = createExecutor({ backend: 'process', maxWorkers: 1 });
      executor.on('workerExit', (event) => {
        console.log('EXIT ' + JSON.stringify(event));
        void executor.destroy();
      });
      await executor.run(defineTask(new URL(process.env.UE_E2E_FIXTURE), 'describeWorker')).catch((e) => console.log('REJECTED ' + e.message));`;
    const started = performance.now();
    const run = await runParent(['--import', fixture('hang-before-ready.mjs').href, '--input-type=module', '-e', script], {
      timeoutMs: 50_000,
    });
    const context = `stdout: ${run.stdout}\nstderr: ${run.stderr}`;
    expect(run.timedOut, context).toBe(false);
    // Ended by the start bound (15 s), not by the test's own timeout.
    expect(run.stdout, context).toMatch(/EXIT \{"backend":"process","id":\d+,"code":null,"signal":"SIGKILL"\}/);
    expect(run.stdout, context).toMatch(/REJECTED .*destroyed|REJECTED .*closed/);
    expect(performance.now() - started).toBeGreaterThanOrEqual(14_000);
  }, 60_000);
});

describe.skipIf(process.platform !== 'linux')('signals of the whole process group', () => {
  it('Ctrl-C (SIGINT to the group) leaves running tasks to a parent that closes gracefully', async () => {
    const script = `
      const { createExecutor, defineTask } = await import(process.env.UE_E2E_DIST);
      const spin = defineTask(new URL('timing.mjs', process.env.UE_E2E_FIXTURE), 'spin');
      const executor = createExecutor({ backend: 'process', maxWorkers: 1 });
      await executor.run(spin, 1);
      process.on('SIGINT', () => void executor.close().then(() => console.log('CLOSED')));
      executor.run(spin, 1500).then(() => console.log('FINISHED'), (e) => console.log('FAILED ' + e.message));
      console.log('RUNNING');`;
    let running!: (pgid: number) => void;
    const started = new Promise<number>((resolve) => (running = resolve));
    const parent = runParent(['--input-type=module', '-e', script], {
      timeoutMs: 30_000,
      onStdout: (stdout, pgid) => stdout.includes('RUNNING') && running(pgid),
    });
    // As a terminal does on Ctrl-C: to every process of the foreground group.
    process.kill(-(await started), 'SIGINT');
    const run = await parent;
    expect(run.stdout, run.stderr).toMatch(/RUNNING\s+FINISHED\s+CLOSED/);
  });
});
