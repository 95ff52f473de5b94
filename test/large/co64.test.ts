/**
 * > 4 GiB (`npm run test:large`; issue 3 "a file whose moov needs co64"; SPEC-NOTES §3.3 "> 4 GiB").
 *
 * Built at test time, sparse: every video sample of the B-frame fixture is padded with a 40 MiB H.264
 * filler-data NAL unit (nal_unit_type 12, ISO/IEC 14496-10 §7.3.2.7: decoders skip it), mostly zero
 * bytes left as holes in the file. The padded sample bytes are laid out in a scratch file and the
 * whole movie is written through the progressive writer (no cut), so its offsets pass 2^32: it must
 * choose co64 and a 64-bit mdat header, and ffprobe/ffmpeg must accept the result. That > 4 GiB MP4
 * (co64 input, largesize mdat) is then served through the HTTP handler with ?start=&end= and checked
 * the same way.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { open, mkdtemp, rm, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES, decodeErrors } from '../helpers/media-tools';
import { indexMovie, openFileRangeSource, readChildren, scanTopLevel, type MovieIndex, type TrackIndex } from '../helpers/mp4-exports';
import { buildCutBody, planCut } from '../../src/streaming/progressive';
import type { BodyPlan } from '../../src/streaming/body-plan';
import { startProgressiveServer, type TestServer } from '../helpers/progressive-server';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PAD_BYTES = 40 * 1024 * 1024;
const COPY_CHUNK = 8 * 1024 * 1024;
const ZEROS = Buffer.alloc(COPY_CHUNK);

let work: string;
before(async () => {
  work = await mkdtemp(join(tmpdir(), 'sg-large-'));
});
after(async () => {
  await rm(work, { recursive: true, force: true });
});

/** The padding after a sample: a filler NAL of PAD_BYTES (4-byte length prefix), zeros as holes. */
async function writePadding(handle: import('node:fs/promises').FileHandle, at: number): Promise<void> {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(PAD_BYTES - 4, 0);
  head[4] = 0x0c;
  await handle.write(head, 0, 5, at);
  await handle.write(Buffer.of(0x80), 0, 1, at + PAD_BYTES - 1); // rbsp_trailing_bits
}

/** Scratch file with each video sample followed by its padding; the index describing it. */
async function padVideo(sourcePath: string, scratchPath: string): Promise<MovieIndex> {
  const source = await openFileRangeSource(sourcePath);
  const movie = await indexMovie(source);
  await source.close();
  const bytes = await readFile(sourcePath);
  const video = movie.tracks.find((t) => t.handlerType === 'vide')!;
  const padAfter = [...video.offsetBytes].map((o, i) => o + video.sizeBytes[i]!).sort((a, b) => a - b);
  const shift = (offset: number): number => {
    let n = 0;
    while (n < padAfter.length && padAfter[n]! <= offset) n++;
    return offset + n * PAD_BYTES;
  };
  const handle = await open(scratchPath, 'w');
  let from = 0;
  let out = 0;
  for (const cut of padAfter) {
    await handle.write(bytes, from, cut - from, out);
    out += cut - from;
    await writePadding(handle, out);
    out += PAD_BYTES;
    from = cut;
  }
  await handle.write(bytes, from, bytes.length - from, out);
  await handle.close();
  const tracks: TrackIndex[] = movie.tracks.map((t) => ({
    ...t,
    offsetBytes: Float64Array.from(t.offsetBytes, (o) => shift(o)),
    sizeBytes: t === video ? Uint32Array.from(t.sizeBytes, (s) => s + PAD_BYTES) : t.sizeBytes,
  }));
  return { ...movie, tracks, fileSizeBytes: out + bytes.length - from };
}

/** Writes a plan to a file, leaving all-zero stretches of file parts as holes. */
async function materialize(plan: BodyPlan, outPath: string): Promise<void> {
  const out = await open(outPath, 'w');
  const sources = new Map<string, import('node:fs/promises').FileHandle>();
  let at = 0;
  const buffer = Buffer.alloc(COPY_CHUNK);
  for (const part of plan.parts) {
    if (part.kind === 'memory') {
      await out.write(part.bytes, 0, part.bytes.length, at);
      at += part.bytes.length;
      continue;
    }
    if (!sources.has(part.path)) sources.set(part.path, await open(part.path, 'r'));
    const handle = sources.get(part.path)!;
    for (let done = 0; done < part.lengthBytes; ) {
      const length = Math.min(COPY_CHUNK, part.lengthBytes - done);
      const { bytesRead }: { bytesRead: number } = await handle.read(buffer, 0, length, part.offsetBytes + done);
      assert.equal(bytesRead, length);
      const chunk = buffer.subarray(0, length);
      if (!chunk.equals(ZEROS.subarray(0, length))) await out.write(chunk, 0, length, at);
      at += length;
      done += length;
    }
  }
  await out.truncate(at);
  await out.close();
  for (const handle of sources.values()) await handle.close();
}

async function probePackets(path: string): Promise<{ stderr: string; packets: Array<{ type: string; size: number }> }> {
  const { stdout, stderr } = await run('ffprobe', ['-v', 'error', '-show_entries', 'packet=codec_type,size', '-of', 'csv=p=0', path], { maxBuffer: 64 * 1024 * 1024 });
  return { stderr, packets: stdout.trim().split('\n').map((line) => { const [type, size] = line.split(','); return { type: type!, size: Number(size) }; }) };
}

async function chunkOffsetBoxTypes(path: string): Promise<{ types: string[]; mdatHeaderBytes: number }> {
  const source = await openFileRangeSource(path);
  try {
    const top = await scanTopLevel(source);
    const moovLocation = top.find((b) => b.type === 'moov')!;
    const moov = await source.read(moovLocation.offsetBytes + moovLocation.headerBytes, moovLocation.sizeBytes - moovLocation.headerBytes);
    const types: string[] = [];
    const walk = (payload: Uint8Array, parent: string): void => {
      for (const child of readChildren(payload, parent)) {
        if (['trak', 'mdia', 'minf', 'stbl'].includes(child.type)) walk(child.payload, child.type);
        if (child.type === 'stco' || child.type === 'co64') types.push(child.type);
      }
    };
    walk(moov, 'moov');
    return { types, mdatHeaderBytes: top.find((b) => b.type === 'mdat')!.headerBytes };
  } finally {
    await source.close();
  }
}

let largePath: string;
const source = join(FIXTURES, 'bframes-2997-48k.mp4');

test('a movie whose output offsets pass 4 GiB is written with co64 and a 64-bit mdat; ffprobe and ffmpeg accept it', async () => {
  const scratch = join(work, 'padded-samples.bin');
  const padded = await padVideo(source, scratch);
  const body = buildCutBody(padded, planCut(padded, {}), scratch, { adaptive: false });
  assert.equal(body.usedCo64, true);
  assert.ok(body.plan.totalBytes > 2 ** 32);
  largePath = join(work, 'large.mp4');
  await materialize(body.plan, largePath);
  await rm(scratch);
  const { types, mdatHeaderBytes } = await chunkOffsetBoxTypes(largePath);
  assert.deepEqual(types, ['co64', 'co64']);
  assert.equal(mdatHeaderBytes, 16);

  const original = await probePackets(source);
  const large = await probePackets(largePath);
  assert.equal(large.stderr, '');
  assert.equal(large.packets.length, original.packets.length);
  large.packets.forEach((p, i) => {
    const o = original.packets[i]!;
    assert.equal(p.type, o.type);
    assert.equal(p.size, o.size + (p.type === 'video' ? PAD_BYTES : 0), `packet ${i}`);
  });
  assert.equal(await decodeErrors(largePath), '');
});

test('the > 4 GiB co64 file as input: ?start=&end= through the handler gives an MP4 ffprobe and ffmpeg accept', async () => {
  assert.ok(largePath, 'needs the previous test');
  const server: TestServer = await startProgressiveServer(work);
  try {
    const response = await fetch(`${server.baseUrl}/large.mp4?start=2.1&end=3.1`);
    assert.equal(response.status, 200, JSON.stringify(server.logged));
    const cutPath = join(work, 'cut.mp4');
    const out = await open(cutPath, 'w');
    let at = 0;
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
      await out.write(chunk, 0, chunk.length, at);
      at += chunk.length;
    }
    await out.close();
    assert.equal(at, Number(response.headers.get('content-length')));
    const cut = await probePackets(cutPath);
    assert.equal(cut.stderr, '');
    // Keyframes every 30 frames at 29.97 fps: 2.1 → the keyframe at 2.002 s, 3.1 → up to 3.003 s.
    assert.equal(cut.packets.filter((p) => p.type === 'video').length, 30);
    assert.ok(cut.packets.filter((p) => p.type === 'video').every((p) => p.size > PAD_BYTES));
    assert.equal(await decodeErrors(cutPath), '');
  } finally {
    await server.close();
  }
});
