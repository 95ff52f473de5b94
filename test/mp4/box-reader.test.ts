/** Box headers (ISO/IEC 14496-12 §4.2): 32/64-bit sizes, size 0, uuid, bounds; opaque unknown boxes. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bufferRangeSource, readChildren, scanTopLevel, serialize, box, fullBox, isSgError } from '../helpers/mp4-exports';

function u32(n: number): Uint8Array {
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, n);
  return out;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

test('64-bit largesize, size 0 to the end, unknown boxes kept opaque', async () => {
  const large = new Uint8Array(16 + 4);
  const view = new DataView(large.buffer);
  view.setUint32(0, 1);
  large.set(ascii('free'), 4);
  view.setBigUint64(8, 20n);
  const unknown = concat(u32(12), ascii('zzzz'), ascii('abcd'));
  const tail = concat(u32(0), ascii('mdat'), new Uint8Array(100));
  const file = concat(large, unknown, tail);
  const top = await scanTopLevel(bufferRangeSource(file));
  assert.deepEqual(top.map((b) => [b.type, b.offsetBytes, b.sizeBytes, b.headerBytes]), [
    ['free', 0, 20, 16],
    ['zzzz', 20, 12, 8],
    ['mdat', 32, 108, 8],
  ]);
  const children = readChildren(file.subarray(0, 32), 'root');
  assert.equal(children[1]!.type, 'zzzz');
  assert.deepEqual([...children[1]!.payload], [...ascii('abcd')]);
});

test('uuid boxes skip their 16-byte extended type', () => {
  const uuid = concat(u32(8 + 16 + 2), ascii('uuid'), new Uint8Array(16).fill(7), Uint8Array.of(1, 2));
  const [child] = readChildren(uuid, 'root');
  assert.deepEqual([...child!.payload], [1, 2]);
});

test('sizes past the container, smaller than the header, or stray bytes → SgError', async () => {
  const cases = [
    concat(u32(100), ascii('moov'), new Uint8Array(10)),
    concat(u32(4), ascii('moov')),
    concat(u32(8), ascii('free'), Uint8Array.of(1, 2, 3)),
  ];
  for (const bytes of cases) {
    assert.throws(() => readChildren(bytes, 'root'), (e: unknown) => isSgError(e) && /^SG_ERR_MP4_/.test(e.code));
    await assert.rejects(scanTopLevel(bufferRangeSource(bytes)), (e: unknown) => isSgError(e) && /^SG_ERR_MP4_/.test(e.code));
  }
});

test('a largesize beyond 2^53 → SG_ERR_MP4_UNSAFE_INTEGER', () => {
  const large = new Uint8Array(16);
  const view = new DataView(large.buffer);
  view.setUint32(0, 1);
  large.set(ascii('mdat'), 4);
  view.setBigUint64(8, 2n ** 60n);
  assert.throws(() => readChildren(large, 'root'), (e: unknown) => isSgError(e) && e.code === 'SG_ERR_MP4_UNSAFE_INTEGER');
});

test('writer: sizes from the real bytes, nested, FullBox header', () => {
  const bytes = serialize(box('moov', fullBox('mvhd', 1, 0x000102, Uint8Array.of(9, 9)), box('udta')));
  const [moov] = readChildren(bytes, 'root');
  assert.equal(moov!.type, 'moov');
  assert.equal(moov!.raw.length, 8 + 14 + 8);
  const [mvhd, udta] = readChildren(moov!.payload, 'moov');
  assert.deepEqual([...mvhd!.payload], [1, 0, 1, 2, 9, 9]);
  assert.equal(udta!.raw.length, 8);
});
