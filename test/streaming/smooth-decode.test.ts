/**
 * ffprobe/ffmpeg decode every fragment of every fixture joined to an init segment built from the
 * manifest (test/helpers/smooth-init.ts, the way dash.js and Shaka build theirs: SPEC-NOTES §2.3), and
 * the fragments of one stream concatenated behind it give the source's packets in order, with the same
 * bytes (samples are copied as they are) and the manifest's durations.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { readdirSync, openSync, readSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, decodeErrors, probe } from '../helpers/media-tools';
import { buildInitSegment, parseManifest } from '../helpers/smooth-init';
import { fileProgressiveDeps } from '../../src/http';
import { handleSmooth, SmoothCache } from '../../src/streaming/smooth';
import type { BodyPlan } from '../../src/streaming/body-plan';

function materialize(plan: BodyPlan): Buffer {
  const out: Buffer[] = [];
  for (const part of plan.parts) {
    if (part.kind === 'memory') out.push(Buffer.from(part.bytes));
    else {
      const fd = openSync(part.path, 'r');
      const bytes = Buffer.alloc(part.lengthBytes);
      readSync(fd, bytes, 0, part.lengthBytes, part.offsetBytes);
      closeSync(fd);
      out.push(bytes);
    }
  }
  return Buffer.concat(out);
}

const fixtureNames = readdirSync(FIXTURES).filter((n) => n.endsWith('.mp4')).sort();

for (const name of fixtureNames) {
  test(`every fragment of ${name} decodes behind an init segment built from the manifest`, async () => {
    const deps = { ...fileProgressiveDeps(), smoothCache: new SmoothCache() };
    const filePath = join(FIXTURES, name);
    const dir = await mkdtemp(join(tmpdir(), 'sg-smooth-decode-'));
    try {
      const manifestResponse = await handleSmooth({ method: 'GET', filePath, query: 'manifest=1' }, deps);
      assert.equal(manifestResponse.status, 200, manifestResponse.reason);
      const manifest = parseManifest(materialize(manifestResponse.plan!).toString('utf8'));
      assert.equal(manifest.attributes.MajorVersion, '2');
      assert.equal(manifest.attributes.TimeScale, '10000000');
      const source = await probe(filePath);
      for (const stream of manifest.streams) {
        const type = stream.attributes.Type!;
        // The test's init builder writes avcC/mp4a sample entries (what dash.js and Shaka build for
        // H264/AACL); an HVC1 level is described in the manifest but not decoded here.
        if (stream.levels[0]!.attributes.FourCC === 'HVC1') {
          assert.match(stream.levels[0]!.attributes.CodecPrivateData ?? '', /^[0-9A-F]+$/);
          continue;
        }
        const init = buildInitSegment(stream, stream.levels[0]!, 10_000_000);
        const fragments: Buffer[] = [];
        for (let k = 0; k < stream.startsHns.length; k++) {
          const response = await handleSmooth({ method: 'GET', filePath, query: `${type}=${stream.startsHns[k]}` }, deps);
          assert.equal(response.status, 200, `${type}=${stream.startsHns[k]}: ${response.reason}`);
          const bytes = materialize(response.plan!);
          fragments.push(bytes);
          const one = join(dir, `${type}-${k}.mp4`);
          await writeFile(one, Buffer.concat([init, bytes]));
          assert.equal(await decodeErrors(one), '', `${name} ${type} fragment ${k} does not decode cleanly`);
        }
        const joined = join(dir, `${type}-all.mp4`);
        await writeFile(joined, Buffer.concat([init, ...fragments]));
        const result = await probe(joined);
        const expected = source.packets.filter((p) => p.codecType === type);
        assert.equal(result.packets.length, expected.length, `${name} ${type}: packet count`);
        assert.deepEqual(result.packets.map((p) => p.hash), expected.map((p) => p.hash), `${name} ${type}: sample bytes`);
        // Decode times as ffprobe reads them from the trun durations: every chunk start is one of them
        // (ffprobe's own packet "duration" is a frame-rate guess, so the dts are compared instead).
        const [num, den] = result.streams[0]!.timeBase;
        const dtsHns = new Set(result.packets.map((p) => Math.round(((p.dts ?? 0) * 1e7 * num) / den)));
        for (const startHns of stream.startsHns) assert.ok(dtsHns.has(startHns), `${name} ${type}: no packet at chunk start ${startHns}`);
        assert.equal(result.packets.filter((p) => p.keyframe).length >= stream.chunks.length || type === 'audio', true);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
}
