/**
 * SIGTERM to a whole process group, as systemd stops a service
 * (KillMode=control-group): the pool's children must not die of it while
 * their parent lives, so a parent that answers SIGTERM with `close()` gets
 * every running result; a parent that dies of it still takes them along.
 *
 * Each parent runs in a process group of its own (detached), under a watchdog
 * that kills the group if the test goes wrong. "No process left" is checked
 * twice: the group is empty, and no process anywhere carries this run's mark
 * in its environment (the orphan guard runs in a session of its own).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { groupAlive, killGroup, liveGroups } from './process-groups.js';

const parentFile = new URL('../fixtures/group-sigterm-parent.mjs', import.meta.url).pathname;
const MARK = 'UE_GROUP_SIGTERM_RUN';

/** Pids of processes whose environment holds `MARK=run` (the parent, its children, its orphan guard). */
function marked(run: string): number[] {
  const needle = `${MARK}=${run}\0`;
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (entry.charCodeAt(0) > 57) continue;
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'latin1').includes(needle)) pids.push(Number(entry));
    } catch {
      // exited meanwhile, or not ours to read
    }
  }
  return pids;
}

async function waitUntil(check: () => boolean, ms: number): Promise<boolean> {
  const end = performance.now() + ms;
  while (performance.now() < end) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return check();
}

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  run: string;
  pgid: number;
}

/** Starts the parent in its own group, sends SIGTERM to the group once 2 tasks run, and waits for the parent's end. */
async function sigtermGroup(mode: 'graceful' | 'plain', timeoutMs = 20_000): Promise<Run> {
  const run = randomUUID();
  const env: NodeJS.ProcessEnv = { ...process.env, [MARK]: run };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [parentFile, mode], { detached: true, stdio: ['ignore', 'pipe', 'pipe'], env });
  const pgid = child.pid!;
  liveGroups.add(pgid);
  const result: Run = { code: null, signal: null, stdout: '', stderr: '', timedOut: false, run, pgid };
  const watchdog = setTimeout(() => {
    result.timedOut = true;
    killGroup(pgid);
  }, timeoutMs);
  let signalled = false;
  child.stdout.setEncoding('utf8').on('data', (text: string) => {
    result.stdout += text;
    if (!signalled && result.stdout.includes('RUNNING')) {
      signalled = true;
      process.kill(-pgid, 'SIGTERM');
    }
  });
  child.stderr.setEncoding('utf8').on('data', (text: string) => (result.stderr += text));
  await new Promise<void>((resolve) =>
    child.on('close', (code, signal) => {
      result.code = code;
      result.signal = signal;
      resolve();
    }),
  );
  clearTimeout(watchdog);
  return result;
}

describe.skipIf(process.platform !== 'linux')('SIGTERM to the whole process group', () => {
  it('a parent that answers it with close() gets all 4 results ok, and no process is left', async () => {
    const run = await sigtermGroup('graceful');
    const context = `stdout: ${run.stdout}\nstderr: ${run.stderr}`;
    expect(run.timedOut, context).toBe(false);
    expect(run.stdout, context).toContain(`RESULTS ${JSON.stringify(['ok', 'ok', 'ok', 'ok'])}`);
    expect(run.code, context).toBe(0);
    expect(await waitUntil(() => !groupAlive(run.pgid) && marked(run.run).length === 0, 3_000), `left: ${marked(run.run)}`).toBe(true);
  });

  it('a parent that dies of it takes its children along (their tasks spin), and no process is left', async () => {
    const run = await sigtermGroup('plain');
    const context = `stdout: ${run.stdout}\nstderr: ${run.stderr}`;
    expect(run.timedOut, context).toBe(false);
    expect(run.signal, context).toBe('SIGTERM');
    // The children see their channel close when their 700 ms spin ends, or the orphan guard kills them first.
    expect(await waitUntil(() => !groupAlive(run.pgid) && marked(run.run).length === 0, 3_000), `left: ${marked(run.run)}`).toBe(true);
  });
});
