/**
 * Submitters cancel a running job by publishing its id (see protocol.ts);
 * every worker listens, and the one running the job aborts it. Pub/sub is
 * fire-and-forget: a worker that is disconnected at that moment never hears
 * it, which is why cancelling a running job is documented as best effort.
 */
import type { Redis } from 'ioredis';
import { redisOptions } from './connection.js';
import type { Drivers } from './load-drivers.js';
import { cancelChannel, PREFIX } from './protocol.js';

export class CancelListener {
  #redis: Redis;

  private constructor(redis: Redis) {
    this.#redis = redis;
  }

  static async open(Redis: Drivers['Redis'], connection: unknown, queue: string, onCancel: (jobId: string) => void): Promise<CancelListener> {
    const redis = new Redis(redisOptions(connection));
    redis.on('error', () => undefined); // ioredis reconnects and re-subscribes by itself
    const channel = cancelChannel(PREFIX, queue);
    redis.on('message', (from: string, jobId: string) => {
      if (from === channel) onCancel(jobId);
    });
    await redis.subscribe(channel);
    return new CancelListener(redis);
  }

  close(): void {
    this.#redis.disconnect();
  }
}
