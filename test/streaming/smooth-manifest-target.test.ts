/**
 * The client's own URL picks the manifest's `Url` template (INTERFACE §5.2), so the handler reads the
 * raw target: a %-escape there that is no UTF-8 (`/b%E0.mp4?manifest=1`, which routing maps to a real
 * file `bà.mp4`) made decodeURIComponent throw, and a servable 2009 set answered 415 as an "unexpected
 * failure". It is a manifest like any other.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { FIXTURES } from '../helpers/media-tools';
import { fileSmoothDeps, handleSmooth } from '../../src/streaming/smooth';

const run = promisify(execFile);

test('a manifest asked with a non-UTF-8 %-escape in its name is served, not an unexpected failure', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-target-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  await run(process.execPath, [join(__dirname, '..', '..', '..', 'bin', 'mp4split.js'), '-q', '--layout', '2009', '-o', join(dir, 'bà.ism'), join(FIXTURES, 'bframes-2997-48k.mp4')]);
  const logged: string[] = [];
  const deps = fileSmoothDeps({ logger: { warn: (_f, m) => logged.push(m), error: (_f, m) => logged.push(m) } });
  const response = await handleSmooth({ method: 'GET', filePath: join(dir, 'bà.mp4'), query: 'manifest=1', originalTarget: '/b%E0.mp4?manifest=1' }, deps);
  assert.equal(response.status, 200, response.reason);
  assert.deepEqual(logged, []);
});
