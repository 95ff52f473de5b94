/**
 * Issue 5 "Done when", through the gateway: `smoothgate serve` on an Apache configuration whose
 * DocumentRoot .htaccess is the seed (AddHandler h264-streaming + the Silverlight rewrite rules),
 * holding a single MP4 and two 2009-layout sets reached through those rules, and an IIS-layout set made
 * by our mp4split reached by path info (`AddHandler smooth-streaming.extensions .ism`, no rules). dash.js
 * 5.2, dash.js 4.7 and Shaka 4.16 (../shared/tools/player-check) load, play, seek to the middle, play on
 * and play every quality level, with no error.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeSet2009, makeSmoothTestMedia } from '../helpers/smooth-media';
import { makeRendition, runBin } from '../helpers/smooth-inputs';
import { SMOOTH_PLAYERS, assertPlayed, playerCheckAvailable, runPlayerCheck } from '../helpers/player-check';
import { PROJECT_ROOT, startServe } from '../helpers/serve-process';
import { siteHttpdConf } from '../helpers/site-httpd-conf';

const skip = !playerCheckAvailable() && 'player-check or chromium not installed';
let root: string;
let port = 0;

before(async (t) => {
  if (skip) return;
  root = realpathSync(await mkdtemp(join(tmpdir(), 'sg-gw-players-')));
  const htdocs = join(root, 'htdocs');
  mkdirSync(join(htdocs, 'iis'), { recursive: true });
  // The seed's .htaccess, as the bundled example carries it (a copy of shared/conformance/configs).
  copyFileSync(join(PROJECT_ROOT, 'conf', 'example', 'htdocs', '.htaccess'), join(htdocs, '.htaccess'));
  // The IIS tree needs no rules: a child .htaccess with a rewrite directive replaces the parent's.
  writeFileSync(join(htdocs, 'iis', '.htaccess'), 'RewriteEngine Off\nAddHandler smooth-streaming.extensions .ism\n');
  await Promise.all([
    makeSmoothTestMedia(join(htdocs, 'single.mp4'), { durationSec: 16 }),
    makeSet2009(htdocs, 'muxed', [{ bitrateBps: 300000, size: '320x180', withAudio: true }, { bitrateBps: 800000, size: '640x360', withAudio: true }], { durationSec: 16 }),
    makeSet2009(htdocs, 'split', [{ bitrateBps: 300000, size: '320x180' }, { bitrateBps: 800000, size: '640x360' }], { durationSec: 16, audioFileBitrateBps: 64000 }),
    makeRendition(join(root, 'in-lo.mp4'), { size: '320x180', bitrate: '300k', durationSec: 16, audio: true }),
    makeRendition(join(root, 'in-hi.mp4'), { size: '640x360', bitrate: '800k', durationSec: 16 }),
  ]);
  const split = await runBin('mp4split', ['-q', '-o', join(htdocs, 'iis', 'v.ism'), '--bitrate', '300000', '--bitrate', '800000', join(root, 'in-lo.mp4'), join(root, 'in-hi.mp4')]);
  assert.equal(split.code, 0, split.stderr);
  writeFileSync(join(root, 'mime.types'), 'video/mp4 mp4\nvideo/ismv ismv\naudio/isma isma\napplication/vnd.ms-sstr+xml ism ismc\n');
  writeFileSync(join(root, 'httpd.conf'), siteHttpdConf({ serverRoot: root, typesConfig: 'mime.types', documentRoot: htdocs, options: 'FollowSymLinks' }));
  port = await startServe(t as unknown as import('node:test').TestContext, ['--httpd-conf', join(root, 'httpd.conf')]);
});

after(async () => {
  if (skip) return;
  await rm(root, { recursive: true, force: true });
});

const SOURCES: Array<{ name: string; path: string; levels: number }> = [
  { name: 'single MP4 through the seed rules', path: '/single.ism/manifest?v=1', levels: 1 },
  { name: '2009 set (audio in every file) through the seed rules', path: '/muxed.ism/manifest?v=1', levels: 2 },
  { name: '2009 set (audio in its own file) through the seed rules', path: '/split.ism/manifest?v=1', levels: 2 },
  { name: 'IIS layout made by mp4split, path info, no rules', path: '/iis/v.ism/Manifest', levels: 2 },
];
const PLAYERS = SMOOTH_PLAYERS;

for (const source of SOURCES) {
  test(`through the gateway: ${source.name}`, { skip, timeout: 300_000 }, async () => {
    for (const player of PLAYERS) {
      const verdict = await runPlayerCheck(player, `http://127.0.0.1:${port}${source.path}`, ['--levels', 'all'], 90);
      assertPlayed(verdict, source.levels);
    }
  });
}
