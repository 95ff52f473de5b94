/**
 * A named pipe in a temp folder for the "FIFO where a file is expected" tests (issue 6 "Faults"), and
 * a bound on a promise so a blocking open() fails the test instead of hanging it. `release()` opens the
 * FIFO for writing once, which lets any open() still waiting for a writer return, so the test process
 * can exit even when the code under test did block.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Fifo {
  readonly path: string;
  release(): void;
}

export function makeFifo(name = 'media.mp4'): Fifo {
  const dir = mkdtempSync(join(tmpdir(), 'sg-fifo-'));
  const path = join(dir, name);
  execFileSync('mkfifo', [path]);
  return {
    path,
    release() {
      try { closeSync(openSync(path, constants.O_WRONLY | constants.O_NONBLOCK)); } catch { /* nobody waiting */ }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** `promise`, or a rejection naming `what` after `ms`. */
export function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} still pending after ${ms} ms (blocked?)`)), ms); }),
  ]);
}
