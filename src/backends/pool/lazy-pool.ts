/**
 * A pool backend loaded on first use (../lazy-backend.ts) whose first workers
 * start at once (head-start.ts): the settings and the spawner come from code
 * the library's import already holds; the pool itself, the bulk of the code,
 * comes with its chunk and takes over the workers started meanwhile.
 *
 *   createExecutor -> facts (bad options throw here) -> settings -> spawner -> HeadStart(minWorkers)
 *                  -> LazyBackend -> import(pool chunk) -> createXBackend(context, { settings, spawner })
 */
import { availableParallelism } from 'node:os';
import type { BackendContext, BackendFactory, Backend } from '../backend.js';
import { LazyBackend } from '../lazy-backend.js';
import { HeadStart } from './head-start.js';
import { poolFacts } from './pool-facts.js';
import { poolSettings, type PoolSettings } from './pool-settings.js';
import type { WorkerSpawner } from './worker-handle.js';

/** What a pool is made with. */
export interface PoolStart {
  readonly settings: PoolSettings;
  /** The spawner (the head start's, or, if that could not be made, a new one: it throws then as it did then). */
  spawner(): WorkerSpawner;
}

export type PoolFactory = (context: BackendContext, start: PoolStart) => Backend;

/** Workers kept alive when `minWorkers` is not given: piscina's default for threads (half the cores), none for processes. */
function defaultMinWorkers(kind: 'thread' | 'process'): number {
  return kind === 'thread' ? Math.max(1, Math.floor(availableParallelism() / 2)) : 0;
}

export function lazyPool(
  kind: 'thread' | 'process',
  spawnerOf: (context: BackendContext, settings: PoolSettings) => WorkerSpawner,
  load: () => Promise<PoolFactory>,
): BackendFactory {
  return (context) => {
    const facts = poolFacts(kind, context.options);
    const settings = poolSettings(context.options, defaultMinWorkers(kind));
    // The import first: its file reads proceed while the workers are spawned below.
    const loading = load();
    let headStart: HeadStart | undefined;
    try {
      headStart = new HeadStart(spawnerOf(context, settings), settings.minWorkers);
    } catch {
      // piscina missing, or the like: the pool's own attempt below fails the calls with it, as without a head start.
    }
    const start: PoolStart = { settings, spawner: () => headStart ?? spawnerOf(context, settings) };
    return new LazyBackend(context, facts, () => loading.then((factory) => (ctx: BackendContext) => factory(ctx, start)), headStart);
  };
}
