/**
 * Table parsers on crafted payloads for the shapes the fixtures do not carry (STYLE.md §6 "keep awkward
 * fixtures"): stz2 with 4/8/16-bit fields, co64, elst version 1 with an empty edit, ctts v1 negatives,
 * hostile entry counts; and the header patcher widening a version-0 duration to version 1.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseStsz, parseStz2, parseChunkOffsets, parseCtts, parseStts } from '../../src/mp4/boxes/sample-tables';
import { parseElst, summarizeEdits } from '../../src/mp4/boxes/edit-list';
import { parseMdhd, parseTkhd } from '../../src/mp4/boxes/headers';
import { patchDuration } from '../../src/streaming/progressive/header-patch';
import { FieldWriter, serialize, readChildren, isSgError } from '../helpers/mp4-exports';

const fullHeader = (version = 0): FieldWriter => new FieldWriter().u8(version).u8(0).u8(0).u8(0);

test('stz2: 4-, 8- and 16-bit sample sizes', () => {
  const four = fullHeader().u8(0).u8(0).u8(0).u8(4).u32(3).u8(0x12).u8(0x30).finish();
  assert.deepEqual([...parseStz2(four).sizes!], [1, 2, 3]);
  const eight = fullHeader().u8(0).u8(0).u8(0).u8(8).u32(2).u8(200).u8(7).finish();
  assert.deepEqual([...parseStz2(eight).sizes!], [200, 7]);
  const sixteen = fullHeader().u8(0).u8(0).u8(0).u8(16).u32(2).u16(65535).u16(1).finish();
  assert.deepEqual([...parseStz2(sixteen).sizes!], [65535, 1]);
  const bad = fullHeader().u8(0).u8(0).u8(0).u8(12).u32(0).finish();
  assert.throws(() => parseStz2(bad), (e: unknown) => isSgError(e) && e.code === 'SG_ERR_MP4_MALFORMED');
});

test('co64 offsets above 4 GiB; a count larger than the payload is refused before allocating', () => {
  const co64 = fullHeader().u32(2).u64(2 ** 33 + 5).u64(7).finish();
  assert.deepEqual([...parseChunkOffsets(co64, 'co64')], [2 ** 33 + 5, 7]);
  const hostile = fullHeader().u32(0xffffffff).u32(1).finish();
  assert.throws(() => parseChunkOffsets(hostile, 'stco'), (e: unknown) => isSgError(e) && e.code === 'SG_ERR_MP4_TRUNCATED');
  assert.throws(() => parseStts(hostile), (e: unknown) => isSgError(e) && e.code === 'SG_ERR_MP4_TRUNCATED');
});

test('ctts version 1: signed offsets', () => {
  const ctts = fullHeader(1).u32(2).u32(3).i32(-1001).u32(1).i32(2002).finish();
  const parsed = parseCtts(ctts);
  assert.equal(parsed.version, 1);
  assert.deepEqual([...parsed.values], [-1001, 2002]);
});

test('elst version 1 with an empty edit then a media edit', () => {
  const elst = fullHeader(1).u32(2).u64(500).i64(-1).u16(1).u16(0).u64(9000).i64(2002).u16(1).u16(0).finish();
  const entries = parseElst(elst);
  assert.deepEqual(entries.map((e) => [e.segmentDurationTs, e.mediaTimeTs]), [[500, -1], [9000, 2002]]);
  assert.deepEqual(summarizeEdits(entries), { emptyDurationTs: 500, mediaTimeTs: 2002 });
});

test('patchDuration keeps version 0 when it fits and widens to version 1 when it does not', () => {
  const mdhd0 = serialize({ type: 'mdhd', parts: [fullHeader(0).u32(11).u32(22).u32(48000).u32(100).u16(0x55c4).u16(0).finish()] });
  const [box0] = readChildren(mdhd0, 'test');
  const kept = readChildren(serialize(patchDuration(box0!.raw, 'mdhd', 12345)), 'test')[0]!;
  assert.deepEqual(parseMdhd(kept.payload), { timescale: 48000, durationTs: 12345, language: 'und' });
  const widened = readChildren(serialize(patchDuration(box0!.raw, 'mdhd', 2 ** 33)), 'test')[0]!;
  assert.equal(widened.payload[0], 1);
  assert.deepEqual(parseMdhd(widened.payload), { timescale: 48000, durationTs: 2 ** 33, language: 'und' });

  const tkhdPayload = fullHeader(0).u32(1).u32(2).u32(7).u32(0).u32(100).u32(0).u32(0).u16(0).u16(0).u16(0).u16(0);
  for (let i = 0; i < 9; i++) tkhdPayload.u32(i === 0 || i === 4 ? 0x10000 : i === 8 ? 0x40000000 : 0);
  tkhdPayload.u32(160 << 16).u32(90 << 16);
  const tkhd = readChildren(serialize({ type: 'tkhd', parts: [tkhdPayload.finish()] }), 'test')[0]!;
  const wideTkhd = readChildren(serialize(patchDuration(tkhd.raw, 'tkhd', 2 ** 34)), 'test')[0]!;
  assert.deepEqual(parseTkhd(wideTkhd.payload), { trackId: 7, durationTs: 2 ** 34, widthPx: 160, heightPx: 90 });
});

test('stsz and stco tables of many entries read in one pass equal the entry-by-entry reading', () => {
  const values = Array.from({ length: 1000 }, (_, i) => (i * 2654435761) >>> 0);
  let stsz = fullHeader().u32(0).u32(values.length);
  for (const v of values) stsz = stsz.u32(v);
  assert.deepEqual([...parseStsz(stsz.finish()).sizes!], values);
  let stco = fullHeader().u32(values.length);
  for (const v of values) stco = stco.u32(v);
  assert.deepEqual([...parseChunkOffsets(stco.finish(), 'stco')], values);
  // One entry short of its count: truncated, not read past the box.
  const short = fullHeader().u32(0).u32(3).u32(1).u32(2);
  assert.throws(() => parseStsz(short.finish()), (e: unknown) => isSgError(e) && e.code === 'SG_ERR_MP4_TRUNCATED');
});
