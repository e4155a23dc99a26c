/**
 * BullMQ and ioredis are optional peer dependencies: only the distributed
 * backend needs them, so they are imported here, lazily, the first time a
 * distributed executor or worker connects. A user of the local backends never
 * loads (or installs) them.
 */
import type * as BullMQ from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';

export interface Drivers {
  bullmq: typeof BullMQ;
  Redis: new (options: RedisOptions) => Redis;
}

let loading: Promise<Drivers> | undefined;

export function loadDrivers(): Promise<Drivers> {
  loading ??= (async () => {
    const bullmq = await importOptional<typeof BullMQ>('bullmq');
    const ioredis = await importOptional<{ Redis?: Drivers['Redis']; default?: unknown }>('ioredis');
    // ioredis is CommonJS: the class is a named export on recent Node, else on `default`.
    const Redis = ioredis.Redis ?? ((ioredis.default as { Redis?: Drivers['Redis'] })?.Redis ?? ioredis.default) as Drivers['Redis'];
    return { bullmq, Redis };
  })();
  // A failed load is not cached: the user may install the package and retry.
  loading.catch(() => (loading = undefined));
  return loading;
}

async function importOptional<T>(name: string): Promise<T> {
  try {
    return (await import(name)) as T;
  } catch (error) {
    throw new Error(
      `The distributed backend needs the optional peer dependency '${name}': run \`npm install bullmq ioredis\``,
      { cause: error },
    );
  }
}
