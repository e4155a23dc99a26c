// A stranger's project: the package as `npm pack` makes it, installed from
// the tarball into an empty folder, with the portable suite beside it. The
// suite imports `unified-executor` from there, never from this repository.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const SUITE = join(ROOT, 'test', 'runtimes');

/** Packs the built package (run `npm run build` first); returns the project's folder. */
export function makeConsumer() {
  const project = mkdtempSync(join(tmpdir(), 'unified-executor-runtimes-'));
  const tarball = execFileSync('npm', ['pack', '--silent', '--pack-destination', project], { cwd: ROOT, encoding: 'utf8' })
    .trim()
    .split('\n')
    .pop();
  writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }));
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', join(project, tarball)], { cwd: project, stdio: 'ignore' });
  cpSync(SUITE, project, { recursive: true });
  return project;
}
