// Runs one command of the matrix in a process group of its own, under a
// watchdog: its output goes to ours as it comes (and is kept, to read the
// pass counts), and when it ends or overruns, whatever it left in its group
// (a worker, a forked parent) is killed. Only that group: nothing else.
import { spawn } from 'node:child_process';

/** @returns {Promise<{ code: number | null, output: string, timedOut: boolean }>} */
export function runGroup(command, args, { cwd, env, timeoutMs, prefix = '' }) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    let timedOut = false;
    const echo = (stream) => (chunk) => {
      const text = chunk.toString();
      output += text;
      stream.write(prefix ? text.replace(/^(?=.)/gm, prefix) : text);
    };
    child.stdout.on('data', echo(process.stdout));
    child.stderr.on('data', echo(process.stderr));
    const killGroup = () => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is empty: nothing left behind.
      }
    };
    const watchdog = setTimeout(() => {
      timedOut = true;
      console.log(`${prefix}watchdog: no end after ${timeoutMs / 1000} s, killing process group ${child.pid}`);
      killGroup();
    }, timeoutMs);
    child.on('error', (error) => {
      output += String(error);
      console.log(`${prefix}${error}`);
    });
    child.on('close', (code) => {
      clearTimeout(watchdog);
      killGroup();
      resolve({ code, output, timedOut });
    });
  });
}
