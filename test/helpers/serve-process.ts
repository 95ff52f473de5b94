/**
 * Runs the built `smoothgate serve` as a child process and resolves with the port it announced
 * (`listening on 127.0.0.1:PORT`, INTERFACE.md §2); the process is killed when the test ends.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export const PROJECT_ROOT = join(__dirname, '..', '..', '..');
const CLI = join(PROJECT_ROOT, 'bin', 'smoothgate.js');

export async function startServe(t: TestContext, args: readonly string[], cwd = PROJECT_ROOT): Promise<number> {
  const child = spawn(process.execPath, [CLI, 'serve', ...args, '--listen', '127.0.0.1:0', '--metrics', 'off'], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  t.after(() => child.kill('SIGKILL'));
  let text = '';
  child.stderr!.on('data', (d: Buffer) => (text += d.toString()));
  return new Promise<number>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /listening on 127\.0\.0\.1:(\d+)/.exec(text);
      if (m) {
        clearInterval(timer);
        resolve(Number(m[1]));
      }
    }, 25);
    child.once('exit', (code) => {
      clearInterval(timer);
      reject(new Error(`serve exited ${code}: ${text}`));
    });
  });
}
