/**
 * The `connection` option (a Redis URL or ioredis options) as ioredis options,
 * and a watch that says when Redis has been unreachable for too long.
 */
import type { Redis, RedisOptions } from 'ioredis';

export function redisOptions(connection: unknown): RedisOptions {
  // BullMQ needs `maxRetriesPerRequest: null` on blocking connections; we bound waits ourselves (ConnectionWatch).
  const fixed = { maxRetriesPerRequest: null };
  if (typeof connection === 'string') {
    let url: URL;
    try {
      url = new URL(connection);
    } catch {
      throw new TypeError(`Expected \`connection\` to be a redis:// URL, got '${connection}'`);
    }
    if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') {
      throw new TypeError(`Expected \`connection\` to be a redis:// or rediss:// URL, got '${connection}'`);
    }
    const db = url.pathname.replace(/^\//, '');
    return {
      host: url.hostname || '127.0.0.1',
      port: url.port ? Number(url.port) : 6379,
      ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      ...(url.password ? { password: decodeURIComponent(url.password) } : {}),
      ...(db ? { db: Number(db) } : {}),
      ...(url.protocol === 'rediss:' ? { tls: {} } : {}),
      ...fixed,
    };
  }
  if (typeof connection === 'object' && connection !== null) return { ...(connection as RedisOptions), ...fixed };
  throw new TypeError(
    `Expected \`connection\` to be a Redis URL (redis://host:port) or ioredis options, got \`${String(connection)}\` (${typeof connection})`,
  );
}

/** Where to say so in messages, without a password. */
export function describeConnection(connection: unknown): string {
  if (typeof connection === 'string') {
    try {
      const url = new URL(connection);
      url.password = url.password ? '***' : '';
      return url.href;
    } catch {
      return connection;
    }
  }
  const o = (connection ?? {}) as RedisOptions;
  return `redis://${o.host ?? '127.0.0.1'}:${o.port ?? 6379}`;
}

/**
 * ioredis reconnects forever and queues commands meanwhile, so without a bound a
 * caller would wait for ever on a Redis that never returns. The watch calls
 * `onLost` once Redis has been unreachable for `timeout` ms, and `onBack` when
 * it answers again.
 */
export class ConnectionWatch {
  #timer?: NodeJS.Timeout;
  #lost = false;
  #timeout: number;
  #onLost: () => void;
  #onBack: () => void;

  constructor(client: Redis, timeout: number, onLost: () => void, onBack: () => void) {
    this.#timeout = timeout;
    this.#onLost = onLost;
    this.#onBack = onBack;
    client.on('close', () => this.#down());
    client.on('error', () => {
      if (client.status !== 'ready') this.#down();
    });
    client.on('ready', () => this.#up());
    // Never reached Redis yet: the first connect counts as a reconnect.
    if (client.status !== 'ready') this.#down();
  }

  /** Redis has been unreachable for longer than the timeout. */
  get lost(): boolean {
    return this.#lost;
  }

  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #down(): void {
    if (this.#timer || this.#lost) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#lost = true;
      this.#onLost();
    }, this.#timeout);
    // The watch alone must not keep a process alive.
    this.#timer.unref();
  }

  #up(): void {
    this.stop();
    if (this.#lost) {
      this.#lost = false;
      this.#onBack();
    }
  }
}
