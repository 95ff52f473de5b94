/**
 * H.264 sample framing (src/mp4/annex-b.ts; ISO/IEC 14496-15 §5.3.2 length prefixes, ITU-T H.264
 * Annex B start codes; SPEC-NOTES §1.4 F1): reframing 3- and 4-byte start codes, trailing zeros, telling
 * a length-prefixed sample from an Annex-B one, and an avcC rebuilt from in-band SPS/PPS.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { annexBToLengthPrefixed, annexBUnits, avcConfigFromAnnexB, isLengthPrefixed, looksLikeAnnexB, startsWithStartCode, withFourByteLengths } from '../../src/mp4/annex-b';

const SPS = Uint8Array.of(0x67, 0x64, 0x00, 0x0d, 0xac, 0xd9);
const PPS = Uint8Array.of(0x68, 0xef, 0xbc, 0xb0);
const IDR = Uint8Array.of(0x65, 0x88, 0x84, 0x00, 0x03, 0x21);

test('4-byte and 3-byte start codes become 4-byte lengths; trailing zeros are dropped', () => {
  const stream = Buffer.concat([Uint8Array.of(0, 0, 0, 1), SPS, Uint8Array.of(0, 0, 1), PPS, Uint8Array.of(0, 0), Uint8Array.of(0, 0, 0, 1), IDR]);
  assert.deepEqual(annexBUnits(stream).map((u) => Buffer.from(u).toString('hex')), [SPS, PPS, IDR].map((u) => Buffer.from(u).toString('hex')));
  const framed = annexBToLengthPrefixed(stream);
  assert.equal(framed.length, 12 + SPS.length + PPS.length + IDR.length);
  assert.ok(isLengthPrefixed(framed, 4));
  assert.deepEqual(Buffer.from(framed.subarray(0, 4)), Buffer.of(0, 0, 0, SPS.length));
});

test('a length-prefixed sample is told from an Annex-B one', () => {
  const prefixed = Buffer.concat([Uint8Array.of(0, 0, 0, IDR.length), IDR]);
  assert.ok(isLengthPrefixed(prefixed, 4));
  assert.ok(!startsWithStartCode(prefixed));
  const annexB = Buffer.concat([Uint8Array.of(0, 0, 0, 1), SPS, Uint8Array.of(0, 0, 0, 1), IDR]);
  assert.ok(startsWithStartCode(annexB));
  assert.ok(!isLengthPrefixed(annexB, 4));
  assert.ok(!isLengthPrefixed(new Uint8Array(0), 4));
});

test('an avcC with 4-byte lengths is rebuilt from the SPS/PPS of an Annex-B sample', () => {
  const sample = Buffer.concat([Uint8Array.of(0, 0, 0, 1), SPS, Uint8Array.of(0, 0, 0, 1), PPS, Uint8Array.of(0, 0, 0, 1), IDR]);
  const record = avcConfigFromAnnexB(sample)!;
  assert.deepEqual(Buffer.from(record), Buffer.concat([Uint8Array.of(1, 0x64, 0x00, 0x0d, 0xff, 0xe1, 0, SPS.length), SPS, Uint8Array.of(1, 0, PPS.length), PPS]));
  assert.equal(avcConfigFromAnnexB(Buffer.concat([Uint8Array.of(0, 0, 0, 1), IDR])), null);
  assert.equal(withFourByteLengths(Uint8Array.of(1, 0x64, 0, 0x0d, 0xfd))[4], 0xff);
});

test('a large length-prefixed first sample opening with a 256–511-byte NAL (bytes 00 00 01 xx) is not taken for Annex-B', () => {
  // x264's leading SEI is often 256–511 bytes: its 4-byte length reads as a 3-byte start code. Only the
  // first 64 KiB of a big I-frame are probed, so the whole-sample parse cannot decide alone.
  const sei = new Uint8Array(300).fill(0x11);
  sei[0] = 0x06;
  const slice = new Uint8Array(100_000).fill(0x22);
  slice[0] = 0x65;
  const sample = Buffer.concat([Uint8Array.of(0, 0, 1, 44), sei, Uint8Array.of(0, 1, 0x86, 0xa0), slice]);
  assert.ok(startsWithStartCode(sample));
  assert.equal(looksLikeAnnexB(sample.subarray(0, 64 * 1024), sample.length, 4), false);
  assert.equal(looksLikeAnnexB(sample, sample.length, 4), false);
  const annexB = Buffer.concat([Uint8Array.of(0, 0, 0, 1), SPS, Uint8Array.of(0, 0, 0, 1), PPS, Uint8Array.of(0, 0, 1), slice]);
  assert.equal(looksLikeAnnexB(annexB.subarray(0, 64 * 1024), annexB.length, 4), true);
  assert.equal(looksLikeAnnexB(annexB, annexB.length, null), true);
  assert.equal(looksLikeAnnexB(Buffer.concat([Uint8Array.of(0, 0, 1, 0x40), new Uint8Array(320)]), 324, 4), false);
});
