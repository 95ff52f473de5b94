/**
 * `mp4split` (INTERFACE §8): the IIS layout (ismv/isma that ffmpeg decodes, SMIL, ismc), the 2009
 * folder (served as NAME.mp4?manifest=1 with audio in its own file, §5.3), `.ismc` only, --help and
 * --version, and the errors (exit 2, naming the input): unaligned keyframes, equal bitrates, existing
 * outputs without --force, missing input, unwritable output — never a partial file left behind.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeErrors, probe } from '../helpers/media-tools';
import { makeRendition, runBin } from '../helpers/smooth-inputs';
import { parseManifest } from '../helpers/smooth-init';
import { parseServerManifest } from '../../src/streaming/smooth';
import { startSmoothServer } from '../helpers/smooth-server';
import { writeIsmv2009 } from '../helpers/ismv-2009';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sg-mp4split-'));
  await Promise.all([
    makeRendition(join(dir, 'lo.mp4'), { size: '160x90', bitrate: '80k', durationSec: 4, audio: true }),
    makeRendition(join(dir, 'hi.mp4'), { size: '320x180', bitrate: '200k', durationSec: 4 }),
    makeRendition(join(dir, 'odd.mp4'), { size: '320x180', bitrate: '200k', durationSec: 4, gopFrames: 40 }),
  ]);
});
after(async () => rm(dir, { recursive: true, force: true }));

test('--help and --version exit 0; usage errors exit 2', async () => {
  const help = await runBin('mp4split', ['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--layout iis\|2009/);
  assert.equal((await runBin('mp4split', ['--version'])).code, 0);
  assert.equal((await runBin('mp4split', ['lo.mp4'])).code, 2);
  assert.equal((await runBin('mp4split', ['-o', join(dir, 'x.mp4'), join(dir, 'lo.mp4')])).code, 2);
  assert.equal((await runBin('mp4split', ['--bogus'])).code, 2);
});

test('IIS layout: ismv/isma decode, SMIL names them with systemBitrate, ismc is an MS-SSTR 2.0 manifest', async () => {
  const out = join(dir, 'iis');
  const result = await runBin('mp4split', ['-q', '-o', join(out, 'clip.ism'), '--bitrate', '80000', '--bitrate', '200000', join(dir, 'lo.mp4'), join(dir, 'hi.mp4')]);
  assert.equal(result.code, 0, result.stderr);
  const names = (await readdir(out)).sort();
  const audioName = names.find((n) => n.endsWith('.isma'))!;
  assert.deepEqual(names.filter((n) => !n.endsWith('.isma')), ['clip.ism', 'clip.ismc', 'clip_200000.ismv', 'clip_80000.ismv']);
  assert.match(audioName, /^clip_[0-9]+\.isma$/);
  const smil = parseServerManifest(await readFile(join(out, 'clip.ism'), 'utf8'), 'clip.ism');
  assert.deepEqual(smil.map((e) => [e.type, e.src, e.systemBitrateBps]), [['video', 'clip_80000.ismv', 80000], ['video', 'clip_200000.ismv', 200000], ['audio', audioName, Number(audioName.slice(5, -5))]]);
  const ismc = parseManifest(await readFile(join(out, 'clip.ismc'), 'utf8'));
  assert.equal(ismc.attributes.MajorVersion, '2');
  assert.deepEqual(ismc.streams.find((s) => s.attributes.Type === 'video')!.levels.map((l) => l.attributes.Bitrate), ['80000', '200000']);
  for (const name of ['clip_80000.ismv', 'clip_200000.ismv', audioName]) {
    assert.equal(await decodeErrors(join(out, name)), '', name);
    const probed = await probe(join(out, name));
    assert.ok(probed.packets.length > 0);
  }
  // Same packets as the source, byte for byte.
  const source = (await probe(join(dir, 'hi.mp4'))).packets.filter((p) => p.codecType === 'video').map((p) => p.hash);
  assert.deepEqual((await probe(join(out, 'clip_200000.ismv'))).packets.map((p) => p.hash), source);
  // The IIS handler serves it.
  const server = await startSmoothServer(out);
  try {
    const manifest = parseManifest(await (await fetch(`${server.baseUrl}/clip.ism/Manifest`)).text());
    const video = manifest.streams.find((s) => s.attributes.Type === 'video')!;
    assert.equal((await fetch(`${server.baseUrl}/clip.ism/QualityLevels(200000)/Fragments(video=${video.startsHns[1]})`)).status, 200);
  } finally {
    await server.close();
  }
  // Existing outputs are kept unless --force.
  const again = await runBin('mp4split', ['-q', '-o', join(out, 'clip.ism'), '--bitrate', '80000', '--bitrate', '200000', join(dir, 'lo.mp4'), join(dir, 'hi.mp4')]);
  assert.equal(again.code, 2);
  assert.match(again.stderr, /exists/);
  const forced = await runBin('mp4split', ['-q', '--force', '-o', join(out, 'clip.ism'), '--bitrate', '80000', '--bitrate', '200000', join(dir, 'lo.mp4'), join(dir, 'hi.mp4')]);
  assert.equal(forced.code, 0, forced.stderr);
  assert.ok((await readdir(out)).every((n) => !n.includes('.partial')));
});

test('--layout 2009: NAME.ism/NAME_<bitrate>.ismv with audio in its own file, served as NAME.mp4?manifest=1', async () => {
  const out = join(dir, 'old');
  const result = await runBin('mp4split', ['-q', '--layout', '2009', '-o', join(out, 'set.ism'), '--bitrate', '80000', '--bitrate', '200000', join(dir, 'lo.mp4'), join(dir, 'hi.mp4')]);
  assert.equal(result.code, 0, result.stderr);
  const names = await readdir(join(out, 'set.ism'));
  assert.equal(names.length, 3);
  const server = await startSmoothServer(out);
  try {
    const manifest = parseManifest(await (await fetch(`${server.baseUrl}/set.mp4?manifest=1`)).text());
    const audio = manifest.streams.find((s) => s.attributes.Type === 'audio')!;
    const audioFile = names.find((n) => n !== 'set_80000.ismv' && n !== 'set_200000.ismv')!;
    assert.equal(`set_${audio.levels[0]!.attributes.Bitrate}.ismv`, audioFile);
    assert.equal((await fetch(`${server.baseUrl}/${audio.attributes.Url!.replace('{bitrate}', audio.levels[0]!.attributes.Bitrate!).replace('{start time}', String(audio.startsHns[1]))}`)).status, 200);
  } finally {
    await server.close();
  }
});

test('.ismc only, and the errors: unaligned keyframes, equal bitrates, missing input, unwritable output', async () => {
  const ismc = join(dir, 'only.ismc');
  assert.equal((await runBin('mp4split', ['-q', '-o', ismc, join(dir, 'lo.mp4')])).code, 0);
  assert.equal(parseManifest(await readFile(ismc, 'utf8')).attributes.MajorVersion, '2');
  const unaligned = await runBin('mp4split', ['-q', '-o', join(dir, 'u', 'u.ism'), join(dir, 'hi.mp4'), join(dir, 'odd.mp4'), '--bitrate', '1', '--bitrate', '2']);
  assert.equal(unaligned.code, 2);
  assert.match(unaligned.stderr, /keyframes/);
  const equal = await runBin('mp4split', ['-q', '-o', join(dir, 'e', 'e.ism'), '--bitrate', '5000', '--bitrate', '5000', join(dir, 'lo.mp4'), join(dir, 'hi.mp4')]);
  assert.equal(equal.code, 2);
  assert.match(equal.stderr, /same bitrate/);
  const missing = await runBin('mp4split', ['-q', '-o', join(dir, 'm', 'm.ism'), join(dir, 'nope.mp4')]);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /nope\.mp4/);
  await writeFile(join(dir, 'blocker'), 'a file where a folder should be');
  const unwritable = await runBin('mp4split', ['-q', '-o', join(dir, 'blocker', 'x.ism'), join(dir, 'lo.mp4')]);
  assert.equal(unwritable.code, 2, unwritable.stderr);
  assert.match(unwritable.stderr, /cannot write .*(ENOTDIR|EEXIST)/);
});

test('a 2009 mp4split ISMV as input (Annex-B samples) is refused with exit 2, not split into ismv files whose avc1 samples are start codes', async () => {
  const old = join(dir, 'old.ismv');
  await writeIsmv2009(join(dir, 'lo.mp4'), old);
  const out = join(dir, 'from-old');
  const result = await runBin('mp4split', ['-q', '-o', join(out, 'o.ism'), old]);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /old\.ismv: video samples are Annex-B/);
  assert.deepEqual(await readdir(out).catch(() => []), []);
});
