/**
 * A scenario that could hang the process running it (a synchronous loop, a
 * task left queued with nothing to start it) runs in a child process of its
 * own, so a regression fails the test instead of freezing the runner. Each
 * round prints a line; a hang is a round that makes no progress for `stallMs`,
 * not a slow run (a loaded machine makes every round slow).
 */
import { spawn } from 'node:child_process';

/** Runs `node script ...args`; resolves with its stdout when it exits with 0, else rejects saying why. */
export function runScenario(script: string, args: string[], stallMs: number, explain: (code: number | null) => string = () => ''): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let stalled: NodeJS.Timeout;
    const watch = () => {
      clearTimeout(stalled);
      stalled = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`no round finished for ${stallMs / 1000} s${explain(null)}; last output:\n${stdout.slice(-200)}`));
      }, stallMs);
    };
    watch();
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      watch();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => {
      clearTimeout(stalled);
      if (code === 0) resolve(stdout);
      else reject(new Error(`exited with code ${code}${explain(code)}; last output:\n${stdout.slice(-200)}\n${stderr}`));
    });
  });
}
