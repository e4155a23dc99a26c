/**
 * The floor of a process pool, moved here from bench/process-vs-peers.ts: N
 * children forked with `serialization: 'advanced'`, requests by id, round
 * robin, every request sent at once. No queue, no timeouts, no abort, no crash
 * handling: what any process pool must pay at least.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The child answering `[id, task, input]` with `[id, result]` (tasks echo and spin). */
const CHILD = fileURLToPath(new URL('../process/fork-child.mjs', import.meta.url));

export class ForkPool {
  #children: ChildProcess[] = [];
  #pending = new Map<number, (value: unknown) => void>();
  #next = 0;

  constructor(size: number) {
    for (let i = 0; i < size; i++) {
      // execArgv: [] so the children do not inherit the bench's `--import tsx`.
      const child = fork(CHILD, [], { serialization: 'advanced', execArgv: [] });
      child.on('message', ([id, value]: [number, unknown]) => {
        const resolve = this.#pending.get(id)!;
        this.#pending.delete(id);
        resolve(value);
      });
      this.#children.push(child);
    }
  }

  run(task: string, input: unknown): Promise<unknown> {
    const id = this.#next++;
    return new Promise((resolve) => {
      this.#pending.set(id, resolve);
      this.#children[id % this.#children.length]!.send([id, task, input]);
    });
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#children.map(
        (child) =>
          new Promise((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
            child.once('exit', resolve);
            child.disconnect();
          }),
      ),
    );
  }
}
