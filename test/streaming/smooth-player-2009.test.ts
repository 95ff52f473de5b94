/**
 * One short player run for the 2009 mp4split's `.ismv` files (issue 5 "Sources"; INTERFACE §12: one
 * short Chromium check per feature in `npm test`): a 2009-layout set `old.ism/old_N.ismv` written in
 * that tool's shape (test/helpers/ismv-2009.ts: no mvex, Annex-B samples, the same audio in each file),
 * reached through the seed's rules as `old.ism/manifest?v=1`, played by dash.js 5.2 with every video
 * level forced: loads, plays, seeks, no error, video decoded (so the reframed samples and the
 * CodecPrivateData work in a real MSE pipeline, SPEC-NOTES §2.5 pitfall 3).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeRendition } from '../helpers/smooth-inputs';
import { writeIsmv2009 } from '../helpers/ismv-2009';
import { startSmoothServer } from '../helpers/smooth-server';
import { assertPlayed, playerCheckAvailable, runPlayerCheck } from '../helpers/player-check';

test('dash.js plays a 2009 set of 2009 mp4split ISMV files through the seed rules, every level', { skip: !playerCheckAvailable() && 'player-check or chromium not installed', timeout: 120_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'sg-player-2009-'));
  const server = await startSmoothServer(dir);
  try {
    await Promise.all([
      makeRendition(join(dir, 'lo.mp4'), { size: '160x90', bitrate: '100k', durationSec: 10, audio: true }),
      makeRendition(join(dir, 'hi.mp4'), { size: '320x180', bitrate: '250k', durationSec: 10, audio: true }),
    ]);
    await mkdir(join(dir, 'old.ism'));
    await writeIsmv2009(join(dir, 'lo.mp4'), join(dir, 'old.ism', 'old_100000.ismv'), { keepAvcC: false });
    await writeIsmv2009(join(dir, 'hi.mp4'), join(dir, 'old.ism', 'old_250000.ismv'));
    const verdict = await runPlayerCheck('dashjs', `${server.baseUrl}/old.ism/manifest?v=1`, ['--levels', 'all']);
    assertPlayed(verdict, 2);
    assert.ok((verdict.decoded?.video_bytes ?? 0) > 0 && (verdict.decoded?.audio_bytes ?? 0) > 0, JSON.stringify(verdict));
    assert.ok(server.requests.some((r) => r.includes('/old.ism/QualityLevels(250000)/Fragments(video=')), 'the high level was fetched');
    assert.deepEqual(server.logged.filter((l) => l.level === 'error'), []);
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
});
