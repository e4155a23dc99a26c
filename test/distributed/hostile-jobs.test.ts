/**
 * Hostile and malformed jobs, written straight into the queue with BullMQ as
 * anyone who can write to Redis could (issue 17). Each must fail at once, not
 * retried, with an error that names what is wrong and quotes no file; none of
 * the modules it names may be imported (their top level would leave a marker
 * file); and the worker must go on serving good jobs.
 *
 * Safety: every module here lives in a temp folder this test creates; the
 * "dangerous" ones only write a marker file there. Nothing runs a shell.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { deserialize, serialize } from 'node:v8';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createExecutor, defineTask, TaskNotPortableError } from 'unified-executor';
import { RedisServer } from './redis.js';
import { eventually, HAVE_REDIS } from './setup.js';
import { WorkerProcess } from './workers.js';

const QUEUE = 'hostile';
const SECRET = 'TOP-SECRET-LINE';
const b64 = (value: unknown) => serialize(value).toString('base64');

describe.skipIf(!HAVE_REDIS)('hostile jobs written straight into the queue', () => {
  let redis: RedisServer;
  let worker: WorkerProcess;
  let queue: Queue;
  let inspector: Redis;
  let dir: string;
  let root: string;
  let outside: string;
  let allowed: string;
  let markers: string;
  let next = 0;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ue-hostile-'));
    root = join(dir, 'root');
    outside = join(dir, 'outside');
    allowed = join(dir, 'allowed');
    markers = join(dir, 'markers');
    for (const d of [root, outside, allowed, markers, join(root, 'node_modules', 'pkg'), join(root, 'node_modules', '@npmcli', 'run-script')]) {
      mkdirSync(d, { recursive: true });
    }
    const marker = (name: string) => `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(join(markers, name))}, '');\n`;
    writeFileSync(join(root, 'good.mjs'), 'export function echo(x) { return x; }\nexport default function main() { return "default"; }\n');
    writeFileSync(join(root, 'counter.mjs'), `${marker('counter')}export function count() { return 1; }\n`);
    writeFileSync(join(root, 'broken.mjs'), `${SECRET} this line is not JavaScript\n`);
    writeFileSync(join(root, 'secret.txt'), `${SECRET}\n`);
    writeFileSync(join(root, 'secret'), `${SECRET}\n`);
    writeFileSync(join(root, 'not-a-function.mjs'), 'export const value = 42;\n');
    writeFileSync(join(root, 'node_modules', 'pkg', 'index.mjs'), `${marker('node-modules')}export function run() { return 'ran'; }\n`);
    // Stands in for npm's run-script: calling its export would run a shell command. Here it only marks.
    writeFileSync(
      join(root, 'node_modules', '@npmcli', 'run-script', 'index.js'),
      `${marker('run-script')}export default function runScript() { return 'a shell would have run'; }\n`,
    );
    writeFileSync(join(outside, 'side-effect.mjs'), `${marker('outside')}export function run(x) { return x; }\n`);
    // What importing /etc/passwd would quote, kept inside this test's folder.
    writeFileSync(join(outside, 'passwd.mjs'), `root:x:0:0:${SECRET}:/root:/bin/bash\n`);
    writeFileSync(join(allowed, 'ok.mjs'), 'export function run(x) { return `allowed ${x}`; }\n');
    symlinkSync(join(outside, 'side-effect.mjs'), join(root, 'link.mjs'));
    symlinkSync(outside, join(root, 'linked-dir'));

    redis = await RedisServer.start();
    worker = await WorkerProcess.start(redis.url, QUEUE, { concurrency: 4, root, allowModules: [allowed] });
    queue = new Queue(QUEUE, { connection: { host: '127.0.0.1', port: redis.port, maxRetriesPerRequest: null } });
    inspector = new Redis(redis.port, '127.0.0.1');
  });
  afterAll(async () => {
    await queue?.close();
    inspector?.disconnect();
    await worker?.stop('SIGKILL');
    await redis?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const good = (overrides: Record<string, unknown> = {}) => ({
    task: { relative: 'good.mjs', name: 'echo' },
    label: 'good.mjs#echo',
    traits: {},
    input: b64('hello'),
    batch: false,
    retries: 0,
    ...overrides,
  });

  /** Adds a job as a foreign writer would (3 attempts allowed, so a retry would show), waits until it ends. */
  async function submit(data: unknown) {
    const jobId = `hostile-${++next}`;
    await queue.add('x', data as object, { jobId, attempts: 3, backoff: { type: 'fixed', delay: 10 } });
    await eventually(async () => ['failed', 'completed'].includes(await queue.getJobState(jobId)), 30_000);
    const job = (await queue.getJob(jobId))!;
    // Where the worker stores the encoded error for the submitter (src/distributed/protocol.ts).
    const stored = await inspector.hget(`bull:${QUEUE}:${jobId}`, 'unifiedExecutorError');
    const error = stored ? (deserialize(Buffer.from(stored, 'base64')) as Record<string, unknown>) : undefined;
    return { state: await queue.getJobState(jobId), job, error };
  }

  /** Failed for good on the first attempt, with a stored error naming `what`, quoting no file. */
  async function refused(data: unknown, what: RegExp, name = /TaskLoadError|TypeError/) {
    const { state, job, error } = await submit(data);
    expect(state).toBe('failed');
    expect(job.attemptsMade).toBe(1);
    expect(job.failedReason).toMatch(what);
    expect(error).toBeDefined();
    expect(String(error!.name)).toMatch(name);
    expect(String(error!.message)).toMatch(what);
    expect(JSON.stringify(error)).not.toContain(SECRET);
    expect(job.failedReason).not.toContain(SECRET);
  }

  describe('a module the deployment does not contain is never imported', () => {
    it.each([
      ['an absolute path outside the root', { absolute: () => pathToFileURL(join(outside, 'side-effect.mjs')).href }, /not|refused/],
      ['a relative path climbing out (../)', { relative: () => '../outside/side-effect.mjs' }, /outside the worker's root/],
      ['a symlink under the root to a file outside', { relative: () => 'link.mjs' }, /outside the worker's root/],
      ['a symlinked directory under the root', { relative: () => 'linked-dir/side-effect.mjs' }, /outside the worker's root/],
      ['a package in the root\'s node_modules', { relative: () => 'node_modules/pkg/index.mjs' }, /node_modules/],
      ["npm's run-script, by its path", { relative: () => 'node_modules/@npmcli/run-script/index.js' }, /node_modules/],
      ['a query on a ref (re-runs a top level)', { relative: () => 'counter.mjs?again=1' }, /query or hash/],
      ['a hash on a ref', { relative: () => 'counter.mjs#x' }, /query or hash/],
      ['an absolute ref with a query', { absolute: () => `${pathToFileURL(join(allowed, 'ok.mjs')).href}?x` }, /query or hash/],
      ['a text file under the root', { relative: () => 'secret.txt' }, /modules are tasks/],
      ['an extensionless file under the root', { relative: () => 'secret' }, /modules are tasks/],
      ['a directory', { relative: () => 'node_modules' }, /no such file/],
      ['a file that does not exist', { relative: () => 'missing.mjs' }, /no such file/],
      ['a "passwd" file outside the root', { absolute: () => pathToFileURL(join(outside, 'passwd.mjs')).href }, /allowModules/],
      ['an absolute path that is not a file: URL', { absolute: () => join(allowed, 'ok.mjs') }, /file: URL/],
    ])('%s', async (_what, ref, message) => {
      const task = Object.fromEntries(Object.entries(ref).map(([k, v]) => [k, v()]));
      await refused(good({ task: { ...task, name: 'run' } }), message);
      // cpuBound would send it to a child process: refused before that as well.
      await refused(good({ task: { ...task, name: 'run' }, traits: { cpuBound: true } }), message);
      expect(readdirSync(markers)).toEqual([]);
    });

    it('looks up own exports only: `constructor` is not Function', async () => {
      await refused(good({ task: { relative: 'good.mjs', name: 'constructor' } }), /no such export named 'constructor'/);
      await refused(good({ task: { relative: 'good.mjs', name: 'toString' } }), /no such export named 'toString'/);
      await refused(good({ task: { relative: 'not-a-function.mjs', name: 'value' } }), /not a function/);
    });

    it('stores no text of a module that fails to load', async () => {
      await refused(good({ task: { relative: 'broken.mjs', name: 'run' } }), /importing it failed with SyntaxError/);
    });

    it('imports an absolute path that allowModules lists', async () => {
      const { state, job } = await submit(good({ task: { absolute: pathToFileURL(join(allowed, 'ok.mjs')).href, name: 'run' } }));
      expect(state).toBe('completed');
      expect(deserialize(Buffer.from(JSON.parse(JSON.stringify(job.returnvalue)).value, 'base64'))).toBe('allowed hello');
    });
  });

  describe('a malformed job fails at once, naming the field', () => {
    it.each([
      ['data null', null, /`data` must be an object/],
      ['data a string', 'job', /`data` must be an object/],
      ['task missing', good({ task: undefined }), /`data.task` must be an object/],
      ['task an array', good({ task: [] }), /`data.task` must be an object/],
      ['task without a module', good({ task: { name: 'echo' } }), /`data.task` must have exactly one of/],
      ['task with both kinds of module', good({ task: { relative: 'good.mjs', absolute: 'file:///x.mjs', name: 'echo' } }), /exactly one/],
      ['task.relative a number', good({ task: { relative: 42, name: 'echo' } }), /`data.task.relative` must be a non-empty string/],
      ['task.name missing', good({ task: { relative: 'good.mjs' } }), /`data.task.name`/],
      ['task.name an object', good({ task: { relative: 'good.mjs', name: {} } }), /`data.task.name`/],
      ['label missing', good({ label: undefined }), /`data.label`/],
      ['traits a string', good({ traits: 'fast' }), /`data.traits` must be an object/],
      ['an unknown trait', good({ traits: { cpubound: true } }), /`data.traits` is invalid/],
      ['input missing', good({ input: undefined }), /`data.input` must be a base64 string/],
      ['input a number', good({ input: 7 }), /`data.input` must be a base64 string/],
      ['input invalid base64', good({ input: 'not base64!' }), /`data.input` is not valid base64/],
      ['input base64 of no serialised value', good({ input: 'AAAA' }), /`data.input` is not a serialised value/],
      ['batch a string', good({ batch: 'yes' }), /`data.batch` must be a boolean/],
      ['batch with an input that is no array', good({ batch: true }), /`data.input` must hold an array/],
      ['timeout negative', good({ timeout: -1 }), /`data.timeout`/],
      ['timeout a string', good({ timeout: '10' }), /`data.timeout`/],
      ['retries a string', good({ retries: 'x' }), /`data.retries`/],
      ['retries huge', good({ retries: 1e9 }), /`data.retries`/],
    ])('%s', async (_what, data, message) => {
      await refused(data, message, /TypeError/);
    });

    it('a 50 MB input', async () => {
      await refused(good({ input: 'A'.repeat(50 * 1024 * 1024) }), /`data.input` is \d+ characters, over the/, /TypeError/);
    }, 60_000);
  });

  it('the worker kept serving good jobs throughout, and imported none of the hostile modules', async () => {
    const { state } = await submit(good());
    expect(state).toBe('completed');
    expect(worker.child.exitCode).toBeNull();
    expect(readdirSync(markers)).toEqual([]);
    // And through the library, from a submitter with the same root.
    const executor = createExecutor({ backend: 'distributed', connection: redis.url, queue: QUEUE, root });
    try {
      const echo = defineTask<(x: string) => string>(pathToFileURL(join(root, 'good.mjs')), 'echo');
      expect(await executor.run(echo, 'still here')).toBe('still here');
    } finally {
      await executor.close();
    }
  });

  it('a submitter is told at submit, not by a worker, that its task is outside its root', async () => {
    const executor = createExecutor({ backend: 'distributed', connection: redis.url, queue: QUEUE, root });
    try {
      const task = defineTask(pathToFileURL(join(outside, 'side-effect.mjs')), 'run');
      const error = await executor.run(task, 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TaskNotPortableError);
      expect((error as Error).message).toContain('side-effect.mjs#run');
      expect((error as Error).message).toContain(`outside the executor's root ${root}`);
      expect(existsSync(join(markers, 'outside'))).toBe(false);
    } finally {
      await executor.close();
    }
  });
});
