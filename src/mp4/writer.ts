/**
 * Box writer (ISO/IEC 14496-12 §4.2): a box is built as a tree of payload parts and serialised with
 * sizes taken from the real bytes (hls.js `box()` style; STYLE.md §2), never from hand-made sums.
 * Parts whose bytes depend on the final layout (chunk offsets, once the moov size is known) are
 * `DeferredPart`s of known length, written at serialisation time — nginx's "patch offsets last".
 */

export interface DeferredPart {
  readonly lengthBytes: number;
  /** Writes exactly lengthBytes at `at` of `out`. */
  write(out: DataView, at: number): void;
}

export interface BoxNode {
  readonly type: string;
  readonly parts: readonly BoxPart[];
}

export type BoxPart = Uint8Array | BoxNode | DeferredPart;

function isDeferred(part: BoxPart): part is DeferredPart {
  return (part as DeferredPart).write !== undefined;
}

export function box(type: string, ...parts: BoxPart[]): BoxNode {
  if (type.length !== 4) throw new RangeError(`box type ${type} is not a 4CC`);
  return { type, parts };
}

/** A FullBox (§4.2.2): version, flags, then the payload. */
export function fullBox(type: string, version: number, flags: number, ...parts: BoxPart[]): BoxNode {
  return box(type, Uint8Array.of(version, (flags >> 16) & 0xff, (flags >> 8) & 0xff, flags & 0xff), ...parts);
}

const MAX_U32 = 0xffffffff;

export function partLengthBytes(part: BoxPart): number {
  if (part instanceof Uint8Array) return part.length;
  if (isDeferred(part)) return part.lengthBytes;
  let payload = 0;
  for (const child of part.parts) payload += partLengthBytes(child);
  // A box whose size does not fit 32 bits takes the 64-bit largesize form (§4.2).
  return payload + 8 > MAX_U32 ? payload + 16 : payload + 8;
}

function writePart(part: BoxPart, out: Uint8Array, view: DataView, at: number): number {
  if (part instanceof Uint8Array) {
    out.set(part, at);
    return at + part.length;
  }
  if (isDeferred(part)) {
    part.write(view, at);
    return at + part.lengthBytes;
  }
  const size = partLengthBytes(part);
  const start = at;
  if (size > MAX_U32) {
    view.setUint32(at, 1);
    writeFourCC(out, at + 4, part.type);
    view.setBigUint64(at + 8, BigInt(size));
    at += 16;
  } else {
    view.setUint32(at, size);
    writeFourCC(out, at + 4, part.type);
    at += 8;
  }
  for (const child of part.parts) at = writePart(child, out, view, at);
  if (at - start !== size) throw new RangeError(`box ${part.type}: wrote ${at - start} bytes, sized ${size}`);
  return at;
}

function writeFourCC(out: Uint8Array, at: number, type: string): void {
  for (let i = 0; i < 4; i++) out[at + i] = type.charCodeAt(i) & 0xff;
}

export function serialize(...parts: BoxPart[]): Uint8Array {
  let total = 0;
  for (const part of parts) total += partLengthBytes(part);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const part of parts) at = writePart(part, out, view, at);
  return out;
}

/** A big-endian field builder for box payloads (u8 … u64), growing as needed. */
export class FieldWriter {
  private buffer: Uint8Array;
  private view: DataView;
  lengthBytes = 0;

  constructor(capacityBytes = 64) {
    this.buffer = new Uint8Array(capacityBytes);
    this.view = new DataView(this.buffer.buffer);
  }

  private ensure(extra: number): void {
    if (this.lengthBytes + extra <= this.buffer.length) return;
    let capacity = this.buffer.length * 2;
    while (capacity < this.lengthBytes + extra) capacity *= 2;
    const next = new Uint8Array(capacity);
    next.set(this.buffer.subarray(0, this.lengthBytes));
    this.buffer = next;
    this.view = new DataView(next.buffer);
  }

  u8(value: number): this {
    this.ensure(1);
    this.view.setUint8(this.lengthBytes, value);
    this.lengthBytes += 1;
    return this;
  }
  u16(value: number): this {
    this.ensure(2);
    this.view.setUint16(this.lengthBytes, value);
    this.lengthBytes += 2;
    return this;
  }
  u32(value: number): this {
    this.ensure(4);
    this.view.setUint32(this.lengthBytes, value);
    this.lengthBytes += 4;
    return this;
  }
  i32(value: number): this {
    this.ensure(4);
    this.view.setInt32(this.lengthBytes, value);
    this.lengthBytes += 4;
    return this;
  }
  u64(value: number): this {
    this.ensure(8);
    this.view.setBigUint64(this.lengthBytes, BigInt(value));
    this.lengthBytes += 8;
    return this;
  }
  i64(value: number): this {
    this.ensure(8);
    this.view.setBigInt64(this.lengthBytes, BigInt(value));
    this.lengthBytes += 8;
    return this;
  }
  bytes(value: Uint8Array): this {
    this.ensure(value.length);
    this.buffer.set(value, this.lengthBytes);
    this.lengthBytes += value.length;
    return this;
  }
  finish(): Uint8Array {
    return this.buffer.slice(0, this.lengthBytes);
  }
}
