/**
 * Patterns must not be able to hang the process. bin/smoothgate.js runs node with
 * --enable-experimental-regexp-engine-on-excessive-backtracks, so a backtracking explosion falls
 * back to V8's linear-time engine. This runs the seed rules on an 8 KB crafted path in a child
 * process with that flag and checks the cost stays in milliseconds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const projectRoot = resolve(__dirname, '..', '..', '..');
const seed = resolve(projectRoot, '..', 'shared', 'conformance', 'configs', 'smooth-streaming.htaccess');

test('8 KB crafted URL against the Smooth Streaming seed rules costs milliseconds', { skip: !existsSync(seed) && 'seed config not present' }, () => {
  const child = spawnSync(
    process.execPath,
    ['--enable-experimental-regexp-engine-on-excessive-backtracks', join(__dirname, 'redos-child.js'), seed, '8192'],
    { encoding: 'utf8', timeout: 60_000 },
  );
  assert.equal(child.status, 0, child.stderr);
  const out = JSON.parse(child.stdout) as { elapsedMs: number; rules: number };
  assert.equal(out.rules, 4);
  assert.ok(out.elapsedMs < 250, `took ${out.elapsedMs} ms`);
});
