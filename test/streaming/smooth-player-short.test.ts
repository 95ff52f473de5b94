/**
 * The one short Smooth Streaming player run of `npm test` (INTERFACE §0, §12): a 12 s H.264 (B-frames)
 * + AAC MP4 made at test time, served by handleSmooth on a bare node:http server, played by dash.js 5.2
 * and Shaka 4.16 through ../shared/tools/player-check: loads, plays, seeks to the middle, plays on, no
 * error, both streams decoded. dash.js loads the seed's `X.ism/manifest?v=1` form (Url
 * `Fragments(…)`), Shaka the direct `X.mp4?manifest=1` form (Url `X.mp4?video=…`). The full matrix is
 * in test/e2e/smooth-players.test.ts.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSmoothTestMedia } from '../helpers/smooth-media';
import { startSmoothServer } from '../helpers/smooth-server';
import { playerCheckAvailable, runPlayerCheck } from '../helpers/player-check';

test('dash.js and Shaka 4.x play a single MP4 served by handleSmooth', { skip: !playerCheckAvailable() && 'player-check or chromium not installed', timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sg-smooth-'));
  const server = await startSmoothServer(dir);
  try {
    await makeSmoothTestMedia(join(dir, 'clip.mp4'), { durationSec: 12 });
    const [dash, shaka] = await Promise.all([
      runPlayerCheck('dashjs', `${server.baseUrl}/clip.ism/manifest?v=1`),
      runPlayerCheck('shaka', `${server.baseUrl}/clip.mp4?manifest=1`),
    ]);
    for (const verdict of [dash, shaka]) {
      assert.equal(verdict.ok, true, JSON.stringify(verdict));
      assert.deepEqual(verdict.streams, { video: 1, audio: 1 });
      assert.ok((verdict.decoded?.video_bytes ?? 0) > 0 && (verdict.decoded?.audio_bytes ?? 0) > 0, JSON.stringify(verdict));
    }
    assert.ok(server.requests.some((r) => r.includes('/clip.ism/Fragments(video=')), 'dash.js used the Fragments() form');
    assert.ok(server.requests.some((r) => r.includes('/clip.mp4?video=')), 'Shaka used the direct form');
    assert.deepEqual(server.logged.filter((l) => l.level === 'error'), []);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
