/**
 * Hostile inputs (issue 3 "Fuzz"; INTERFACE §0: 415, never 500): a seeded mutator over the fixtures
 * flips bytes, overwrites 32-bit fields inside the moov/moof (sizes, counts, offsets), truncates and
 * splices. Every mutant is indexed and cut in-process (must succeed or throw an SgError — any other
 * exception is a missing check), and a sample of them goes through the HTTP handler (status 200 or a
 * §6 4xx with a logged reason; no 500; no leaked file descriptor). A per-mutant time limit catches hangs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURES } from '../helpers/media-tools';
import { startProgressiveServer, openFdCount } from '../helpers/progressive-server';
import { bufferRangeSource, indexMovie, isSgError, scanTopLevel } from '../helpers/mp4-exports';
import { planCut, buildCutBody, parseDecimalSeconds } from '../../src/streaming/progressive';

/** Mulberry32: a tiny seeded PRNG so a failure names its seed and replays. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0, 1, 2, 7, 8, 0x7f, 0xff, 0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0, 16, 0x1000];

async function mutate(original: Uint8Array, random: () => number): Promise<Uint8Array> {
  const bytes = original.slice();
  const top = await scanTopLevel(bufferRangeSource(original));
  const metadata = top.filter((b) => b.type === 'moov' || b.type === 'moof');
  const region = metadata[Math.floor(random() * metadata.length)]!;
  const inRegion = (): number => region.offsetBytes + Math.floor(random() * region.sizeBytes);
  const kind = Math.floor(random() * 5);
  const view = new DataView(bytes.buffer);
  if (kind === 0) {
    for (let i = 0, n = 1 + Math.floor(random() * 8); i < n; i++) bytes[inRegion()] = Math.floor(random() * 256);
  } else if (kind === 1) {
    for (let i = 0, n = 1 + Math.floor(random() * 3); i < n; i++) {
      const at = Math.min(inRegion(), bytes.length - 4);
      view.setUint32(at - (at % 4 === 0 ? 0 : at % 4), INTERESTING[Math.floor(random() * INTERESTING.length)]!);
    }
  } else if (kind === 2) {
    return bytes.subarray(0, Math.floor(random() * bytes.length));
  } else if (kind === 3) {
    const at = inRegion();
    const length = Math.floor(random() * 64);
    return new Uint8Array([...bytes.subarray(0, at), ...bytes.subarray(at + length)]);
  } else {
    const at = inRegion();
    const junk = Uint8Array.from({ length: Math.floor(random() * 32) }, () => Math.floor(random() * 256));
    return new Uint8Array([...bytes.subarray(0, at), ...junk, ...bytes.subarray(at)]);
  }
  return bytes;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`hang: ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const NAMES = ['bframes-2997-48k.mp4', 'moov-end-25-441k.mp4', 'audio-only-48k.mp4', 'video-only-24.mp4', 'irregular-gops.mp4', 'fragmented.mp4', 'ctts-v1.mp4', 'hevc-25-48k.mp4'];
const ITERATIONS_PER_FIXTURE = 150;

test('mutated and truncated MP4s: success or SgError, never another exception or a hang', async () => {
  const outcomes = { ok: 0, refused: 0 };
  for (const [fixtureNumber, name] of NAMES.entries()) {
    const original = new Uint8Array(await readFile(join(FIXTURES, name)));
    for (let i = 0; i < ITERATIONS_PER_FIXTURE; i++) {
      const seed = 1000 * fixtureNumber + i;
      const mutant = await mutate(original, prng(seed));
      try {
        await withTimeout(
          (async () => {
            const movie = await indexMovie(bufferRangeSource(mutant));
            const cut = planCut(movie, { startSec: parseDecimalSeconds('1.5')! });
            buildCutBody(movie, cut, '/dev/null', { adaptive: false });
          })(),
          5000,
          `${name} seed ${seed}`,
        );
        outcomes.ok++;
      } catch (error) {
        assert.ok(isSgError(error), `${name} seed ${seed}: ${String(error)}\n${(error as Error).stack}`);
        assert.ok(error.httpStatus === 415, `${name} seed ${seed}: ${error.code} → ${error.httpStatus}`);
        outcomes.refused++;
      }
    }
  }
  assert.ok(outcomes.refused > 0 && outcomes.ok + outcomes.refused === NAMES.length * ITERATIONS_PER_FIXTURE);
});

test('mutants over HTTP: 200 or 415 with a logged reason, no 500, no leaked fd', async () => {
  const root = await mkdtemp(join(tmpdir(), 'sg-fuzz-'));
  const server = await startProgressiveServer(root);
  try {
    const fdsBefore = openFdCount();
    for (const [fixtureNumber, name] of NAMES.entries()) {
      const original = new Uint8Array(await readFile(join(FIXTURES, name)));
      for (let i = 0; i < 12; i++) {
        const seed = 50_000 + 1000 * fixtureNumber + i;
        const file = `m-${seed}.mp4`;
        await writeFile(join(root, file), await mutate(original, prng(seed)));
        const loggedBefore = server.logged.length;
        const response = await fetch(`${server.baseUrl}/${file}?start=1.2&end=3`);
        await response.arrayBuffer();
        assert.ok([200, 415].includes(response.status), `${file}: ${response.status}`);
        if (response.status === 415) {
          const entry = server.logged[loggedBefore];
          assert.ok(entry && /^SG_ERR_MP4_/.test(String(entry.fields.code)), `${file}: logged reason`);
        }
        assert.ok(!server.logged.slice(loggedBefore).some((e) => e.level === 'error'), `${file}: ${JSON.stringify(server.logged.slice(loggedBefore))}`);
      }
    }
    for (let i = 0; i < 50 && openFdCount() > fdsBefore; i++) await new Promise((r) => setTimeout(r, 20));
    assert.ok(openFdCount() <= fdsBefore, `fds before ${fdsBefore}, after ${openFdCount()}`);
  } finally {
    await server.close();
    await rm(root, { recursive: true, force: true });
  }
});
