/**
 * Duration fields of the source's mvhd / tkhd / mdhd (ISO/IEC 14496-12 §8.2.2, §8.3.2, §8.4.2) are
 * patched in a copy of the box, so fields we do not model (matrix, volume, language, flags) survive
 * byte for byte. A version-0 box whose new duration needs 64 bits is widened to version 1 (times and
 * duration become 64-bit; nothing else moves).
 */
import { durationFieldOffset } from '../../mp4/boxes/headers';
import { box, type BoxNode } from '../../mp4/writer';

const MAX_U32 = 0xffffffff;

function headerBytesOf(raw: Uint8Array): number {
  const view = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  return view.getUint32(0) === 1 ? 16 : 8;
}

export function patchDuration(raw: Uint8Array, type: 'mvhd' | 'tkhd' | 'mdhd', durationTs: number): BoxNode {
  const payload = Uint8Array.prototype.slice.call(raw, headerBytesOf(raw));
  const payloadView = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const version = payload[0]!;
  const at = durationFieldOffset(type, version);
  if (version === 1) {
    payloadView.setBigUint64(at, BigInt(durationTs));
    return box(type, payload);
  }
  if (durationTs <= MAX_U32) {
    payloadView.setUint32(at, durationTs);
    return box(type, payload);
  }
  // Widen: version/flags, creation and modification times 32 → 64 bits, then (tkhd) track_ID and
  // reserved, or (mvhd/mdhd) timescale, then duration 32 → 64 bits, then the rest unchanged.
  const view = payloadView;
  const creation = view.getUint32(4);
  const modification = view.getUint32(8);
  const between = payload.subarray(12, at);
  const rest = payload.subarray(at + 4);
  const widened = new Uint8Array(4 + 16 + between.length + 8 + rest.length);
  const out = new DataView(widened.buffer);
  widened.set(payload.subarray(0, 4), 0);
  widened[0] = 1;
  out.setBigUint64(4, BigInt(creation));
  out.setBigUint64(12, BigInt(modification));
  widened.set(between, 20);
  out.setBigUint64(20 + between.length, BigInt(durationTs));
  widened.set(rest, 28 + between.length);
  return box(type, widened);
}
