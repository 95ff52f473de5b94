/**
 * The Smooth Streaming player matrix (issue 5 "Done when"; INTERFACE §12 `npm run test:e2e`): dash.js
 * 5.2, dash.js 4.7 and Shaka 4.16 through ../shared/tools/player-check, each loading, playing, seeking
 * to the middle, playing on and forcing every video QualityLevel, with no error — for a single MP4 and
 * for 2009-layout sets (audio in every file / audio in its own file) and an IIS-layout set, through the manifest URL forms
 * of INTERFACE §5.2 (the seed's `X.ism/manifest?v=1` and the direct `X.mp4?manifest=1`). The handler is
 * mounted on a bare node:http server that plays the seed's rules (test/helpers/smooth-server.ts).
 * The IIS layout is a set written by our mp4split, reached by path info (handleIis). The `old` set is
 * written in the 2009 mp4split's own shape (test/helpers/ismv-2009.ts: no mvex, Annex-B samples — one
 * file without avcC, one with 3-byte start codes and PIFF uuid boxes). Not covered here:
 * the gateway's own routing and .htaccess (the server plays the seed's rules itself).
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSet2009, makeSmoothTestMedia } from '../helpers/smooth-media';
import { makeRendition, runBin } from '../helpers/smooth-inputs';
import { writeIsmv2009 } from '../helpers/ismv-2009';
import { startSmoothServer, type SmoothTestServer } from '../helpers/smooth-server';
import { SMOOTH_PLAYERS, assertPlayed, playerCheckAvailable, runPlayerCheck } from '../helpers/player-check';

const skip = !playerCheckAvailable() && 'player-check or chromium not installed';
let server: SmoothTestServer;
let root: string;

before(async () => {
  if (skip) return;
  root = await mkdtemp(join(tmpdir(), 'sg-smooth-e2e-'));
  await Promise.all([
    makeSmoothTestMedia(join(root, 'single.mp4'), { durationSec: 16 }),
    makeSet2009(root, 'muxed', [{ bitrateBps: 300000, size: '320x180', withAudio: true }, { bitrateBps: 800000, size: '640x360', withAudio: true }], { durationSec: 16 }),
    makeSet2009(root, 'split', [{ bitrateBps: 300000, size: '320x180' }, { bitrateBps: 800000, size: '640x360' }], { durationSec: 16, audioFileBitrateBps: 64000 }),
    makeRendition(join(root, 'in-lo.mp4'), { size: '320x180', bitrate: '300k', durationSec: 16, audio: true }),
    makeRendition(join(root, 'in-hi.mp4'), { size: '640x360', bitrate: '800k', durationSec: 16 }),
  ]);
  const split = await runBin('mp4split', ['-q', '-o', join(root, 'iis', 'v.ism'), '--bitrate', '300000', '--bitrate', '800000', join(root, 'in-lo.mp4'), join(root, 'in-hi.mp4')]);
  assert.equal(split.code, 0, split.stderr);
  await mkdir(join(root, 'old.ism'));
  await makeRendition(join(root, 'in-hi-audio.mp4'), { size: '640x360', bitrate: '800k', durationSec: 16, audio: true });
  await writeIsmv2009(join(root, 'in-lo.mp4'), join(root, 'old.ism', 'old_300000.ismv'), { keepAvcC: false });
  await writeIsmv2009(join(root, 'in-hi-audio.mp4'), join(root, 'old.ism', 'old_800000.ismv'), { startCodeBytes: 3, piffUuids: true });
  server = await startSmoothServer(root);
});
after(async () => {
  if (skip) return;
  await server.close();
  await rm(root, { recursive: true, force: true });
});

const SOURCES: Array<{ name: string; path: string; levels: number }> = [
  { name: 'single MP4, seed rule form', path: '/single.ism/manifest?v=1', levels: 1 },
  { name: 'single MP4, direct form', path: '/single.mp4?manifest=1', levels: 1 },
  { name: '2009 set (audio in every file), seed rule form', path: '/muxed.ism/manifest?v=1', levels: 2 },
  { name: '2009 set (audio in its own file), direct form', path: '/split.mp4?manifest=1', levels: 2 },
  { name: 'IIS layout made by mp4split, path info', path: '/iis/v.ism/Manifest', levels: 2 },
  { name: '2009 set of files written as the 2009 mp4split did, seed rule form', path: '/old.ism/manifest?v=1', levels: 2 },
];
const PLAYERS = SMOOTH_PLAYERS;

for (const source of SOURCES) {
  test(`players: ${source.name}`, { skip, timeout: 240_000 }, async () => {
    const verdicts = await Promise.all(PLAYERS.map((player) => runPlayerCheck(player, `${server.baseUrl}${source.path}`, ['--levels', 'all'], 90)));
    verdicts.forEach((verdict) => assertPlayed(verdict, source.levels));
    assert.deepEqual(server.logged.filter((l) => l.level === 'error'), []);
  });
}

test('Shaka without a MIME type finds the IIS manifest by a HEAD request (INTERFACE §5.4)', { skip, timeout: 120_000 }, async () => {
  const verdict = await runPlayerCheck('shaka', `${server.baseUrl}/iis/v.ism/Manifest`, ['--mime', 'none'], 90);
  assert.equal(verdict.ok, true, JSON.stringify(verdict));
  assert.ok(server.requests.some((r) => r.startsWith('HEAD /iis/v.ism/Manifest')), 'Shaka sniffed the type with HEAD');
});
