/**
 * The finished-answer memo of single-file fragments (src/streaming/smooth/response-memo.ts): a repeated
 * fragment request returns the kept answer, a time inside the fragment its own entry with the same bytes,
 * a rewritten file is seen at once (the key carries the request's own stat), and two option sets sharing
 * one SmoothCache keep their own headers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, rm, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSmoothTestMedia } from '../helpers/smooth-media';
import { fileSmoothDeps, handleSmooth, SmoothCache, type SmoothDeps } from '../../src/streaming/smooth';
import type { StreamResponse } from '../../src/streaming/stream-response';

function bodyOf(response: StreamResponse): Buffer {
  return Buffer.concat(response.plan!.parts.map((p) => (p.kind === 'memory' ? p.bytes : new Uint8Array(0))));
}

test('fragment answers are kept per file identity and options; a rewritten file is seen on the next request', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sg-memo-'));
  try {
    await Promise.all([
      makeSmoothTestMedia(join(dir, 'a.mp4'), { durationSec: 4 }),
      makeSmoothTestMedia(join(dir, 'b.mp4'), { durationSec: 4, size: '160x90' }),
    ]);
    const clip = join(dir, 'clip.mp4');
    await copyFile(join(dir, 'a.mp4'), clip);
    const cache = new SmoothCache();
    const deps: SmoothDeps = { ...fileSmoothDeps(), smoothCache: cache };
    const ask = (query: string, d: SmoothDeps = deps) => handleSmooth({ method: 'GET', filePath: clip, query }, d);
    const first = await ask('video=20000000');
    assert.equal(first.status, 200);
    const again = await ask('video=20000000');
    assert.equal(again, first, 'the kept answer');
    const inside = await ask('video=20000007');
    assert.deepEqual(bodyOf(inside), bodyOf(first));
    // Another option set on the same cache: its own headers, not the first set's answer.
    const noCors = await ask('video=20000000', { ...deps, smoothOptions: { corsAllowOrigin: null } });
    assert.notEqual(noCors, first);
    assert.equal(noCors.headers.some(([n]) => n === 'Access-Control-Allow-Origin'), false);
    assert.equal(first.headers.some(([n]) => n === 'Access-Control-Allow-Origin'), true);
    // The file is replaced by other media (new size and mtime): the next request answers from it.
    await copyFile(join(dir, 'b.mp4'), clip);
    await utimes(clip, new Date(), new Date(Date.now() + 5000));
    const replaced = await ask('video=20000000');
    assert.equal(replaced.status, 200);
    assert.notDeepEqual(bodyOf(replaced), bodyOf(first));
    assert.notEqual(replaced.etag, first.etag);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
