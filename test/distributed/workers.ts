/**
 * Worker processes standing in for machines: each runs
 * test/fixtures/distributed-worker.mjs (the built package's createWorker) and
 * is stopped by pid.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Workers still running: killed when this process exits, even after a timed-out test skipped its cleanup. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

const FIXTURE = fileURLToPath(new URL('../fixtures/distributed-worker.mjs', import.meta.url));

export class WorkerProcess {
  readonly child: ChildProcess;
  readonly lines: string[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  #waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];

  private constructor(child: ChildProcess) {
    this.child = child;
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString();
      let newline: number;
      while ((newline = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, newline);
        buffered = buffered.slice(newline + 1);
        this.lines.push(line);
        this.#waiters = this.#waiters.filter((w) => (w.match(line) ? (w.resolve(line), false) : true));
      }
    });
    this.exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  }

  /** Starts a worker on `queue` and resolves once it takes jobs. */
  static async start(url: string, queue: string, options: Record<string, unknown> = {}): Promise<WorkerProcess> {
    const child = spawn(process.execPath, [FIXTURE, url, queue, JSON.stringify(options)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    live.add(child);
    child.once('exit', () => live.delete(child));
    const worker = new WorkerProcess(child);
    const ready = worker.waitFor((line) => line.startsWith('ready'));
    const failed = worker.exited.then(({ code }) => {
      throw new Error(`worker exited with code ${code} before it was ready`);
    });
    await Promise.race([ready, failed]);
    failed.catch(() => undefined);
    return worker;
  }

  get pid(): number {
    return this.child.pid!;
  }

  waitFor(match: (line: string) => boolean): Promise<string> {
    const seen = this.lines.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  /** Sends `signal` (if still alive) and waits for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}
