/**
 * A real redis-server for tests and the benchmark: on a free port of
 * 127.0.0.1, without persistence (`--save '' --appendonly no`), stopped
 * afterwards. `stop()` then `start()` again on the same port stands in for
 * Redis going away and coming back (empty, as an unpersisted Redis does).
 *
 * redis-server does not notice its parent dying, and a test process can die
 * without running any exit handler (a runner ending a worker after a hook
 * timed out left servers behind). So a shell holds each server: it waits on
 * its stdin, a pipe from this process, and kills the server when a signal name
 * arrives there or the pipe closes, however this process ended.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';

/** `read` returns on a line (the signal to send) or on end of file (our process is gone): then SIGKILL. */
const GUARD = 'redis-server "$@" & server=$!; read signal; kill -"${signal:-KILL}" $server; wait $server';

export function redisInstalled(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RedisServerOptions {
  /**
   * Persist with an append-only file in this directory (fsync every second, Redis's default
   * for AOF): a restart then keeps what reached the disk, like a production Redis.
   */
  aofDir?: string;
}

export class RedisServer {
  readonly port: number;
  #options: RedisServerOptions;
  #child?: ChildProcess;

  private constructor(port: number, options: RedisServerOptions) {
    this.port = port;
    this.#options = options;
  }

  static async start(port?: number, options: RedisServerOptions = {}): Promise<RedisServer> {
    const server = new RedisServer(port ?? (await freePort()), options);
    await server.start();
    return server;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.#child) return;
    const { aofDir } = this.#options;
    const persistence = aofDir ? ['--appendonly', 'yes', '--appendfsync', 'everysec', '--dir', aofDir] : ['--appendonly', 'no'];
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', ...persistence, '--loglevel', 'warning'];
    const child = spawn('sh', ['-c', GUARD, 'redis-guard', ...args], { stdio: ['pipe', 'ignore', 'ignore'] });
    this.#child = child;
    const deadline = Date.now() + 10_000;
    while (!(await answers(this.port))) {
      if (child.exitCode !== null) throw new Error(`redis-server on port ${this.port} exited with code ${child.exitCode}`);
      if (Date.now() > deadline) throw new Error(`redis-server on port ${this.port} did not answer within 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Stops the server (SIGKILL by default: Redis going away without goodbye) and waits until it has exited. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.stdin!.end(`${signal.replace(/^SIG/, '')}\n`);
    await exited;
  }
}

/** True when something on the port answers PING with PONG. */
function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
  });
}
