/**
 * readTextFile, the IIS server manifest reader's file access (issue 6 "Faults"): a FIFO named like a
 * `.ism` is "not a file" at once (null → 404), never an open() waiting for a writer in a pool thread.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readTextFile } from '../../src/streaming/smooth';
import { makeFifo, within } from '../helpers/fifo';

test('readTextFile of a FIFO answers null at once instead of blocking in open()', async (t) => {
  const fifo = makeFifo('set.ism');
  t.after(() => fifo.release());
  assert.equal(await within(readTextFile(fifo.path, 1024 * 1024), 2000, 'readTextFile(FIFO)'), null);
});

test('readTextFile reads at most maxBytes of a regular file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-text-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.ism'), '<smil>0123456789</smil>');
  assert.equal(await readTextFile(join(dir, 'a.ism'), 1024), '<smil>0123456789</smil>');
  assert.equal(await readTextFile(join(dir, 'a.ism'), 6), '<smil>');
  writeFileSync(join(dir, 'empty.ism'), '');
  assert.equal(await readTextFile(join(dir, 'empty.ism'), 1024), '');
});
