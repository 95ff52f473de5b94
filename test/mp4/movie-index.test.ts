/** The sample index of every fixture against ffprobe's packets (sizes, decode and presentation times, keyframes). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, probe } from '../helpers/media-tools';
import { indexMovie, openFileRangeSource, presentationTimeTs, isSyncSample, rescale } from '../helpers/mp4-exports';

const NAMES = ['bframes-2997-48k.mp4', 'moov-end-25-441k.mp4', 'audio-only-48k.mp4', 'video-only-24.mp4', 'irregular-gops.mp4', 'fragmented.mp4', 'ctts-v1.mp4', 'hevc-25-48k.mp4'];

for (const name of NAMES) {
  test(`index matches ffprobe: ${name}`, async () => {
    const source = await openFileRangeSource(join(FIXTURES, name));
    try {
      const movie = await indexMovie(source);
      const probed = await probe(join(FIXTURES, name));
      assert.equal(movie.fragmented, name === 'fragmented.mp4');
      for (const stream of probed.streams) {
        const track = movie.tracks.find((t) => t.handlerType === (stream.codecType === 'video' ? 'vide' : 'soun'))!;
        assert.ok(track, `${name}: ${stream.codecType} track`);
        const packets = probed.packets.filter((p) => p.streamIndex === stream.index);
        assert.equal(track.sampleCount, packets.length);
        const [num, den] = stream.timeBase;
        packets.forEach((p, i) => {
          assert.equal(track.sizeBytes[i], p.size, `${name} sample ${i} size`);
          // ffprobe's time base may differ from the track timescale (it is the same here, but stay general).
          assert.equal(rescale(presentationTimeTs(track, i), track.timescale, den / num), p.pts, `${name} sample ${i} pts`);
          if (stream.codecType === 'video') assert.equal(isSyncSample(track, i), p.keyframe, `${name} sample ${i} keyframe`);
        });
      }
      const video = movie.tracks.find((t) => t.handlerType === 'vide');
      if (video) {
        assert.match(video.codecs[0]!.format, name.startsWith('hevc') ? /^hvc1$/ : /^avc[13]$/);
        assert.equal(video.codecs[0]!.decoderConfigRecord?.[0], 1); // configurationVersion
        assert.equal(video.codecs[0]!.widthPx, 160);
      }
      const audio = movie.tracks.find((t) => t.handlerType === 'soun');
      if (audio) {
        assert.equal(audio.codecs[0]!.format, 'mp4a');
        assert.equal(audio.codecs[0]!.objectTypeIndication, 0x40);
        assert.ok((audio.codecs[0]!.audioSpecificConfig?.length ?? 0) >= 2);
        assert.ok([44100, 48000].includes(audio.codecs[0]!.sampleRateHz!));
      }
    } finally {
      await source.close();
    }
  });
}

test('mfra/tfra of the fragmented fixture point at its moofs; files without mfra give null', async () => {
  const { readRandomAccess, scanTopLevel } = await import('../helpers/mp4-exports');
  const source = await openFileRangeSource(join(FIXTURES, 'fragmented.mp4'));
  try {
    const access = await readRandomAccess(source);
    assert.ok(access);
    const moofOffsets = new Set((await scanTopLevel(source)).filter((b) => b.type === 'moof').map((b) => b.offsetBytes));
    const movie = await indexMovie(source);
    const video = movie.tracks.find((t) => t.handlerType === 'vide')!;
    const entries = access.get(video.trackId)!;
    assert.ok(entries.length >= 4);
    for (const entry of entries) assert.ok(moofOffsets.has(entry.moofOffsetBytes), `tfra offset ${entry.moofOffsetBytes}`);
    // Each entry's time is a sync sample's composition time (§8.8.10: "the presentation time of the
    // sync sample", before any edit list).
    const syncTimes = new Set([...video.syncSamples!].map((s) => video.dtsTs[s]! + (video.ctsOffsetTs?.[s] ?? 0)));
    for (const entry of entries) assert.ok(syncTimes.has(entry.timeTs), `tfra time ${entry.timeTs}`);
  } finally {
    await source.close();
  }
  const plain = await openFileRangeSource(join(FIXTURES, 'bframes-2997-48k.mp4'));
  try {
    assert.equal(await readRandomAccess(plain), null);
  } finally {
    await plain.close();
  }
});
