/**
 * A bounds-checked reader over an in-memory box payload. Every read checks the remaining length and
 * throws SG_ERR_MP4_TRUNCATED naming the box, so a malformed table can never read past its box
 * (nginx's mp4 module history: most of its CVE-class fixes were missing length checks; SPEC-NOTES §3.2).
 */
import { SgError } from '../errors';
import { safeNumberFromU64 } from './integers';

export class ByteCursor {
  private readonly view: DataView;
  positionBytes = 0;

  constructor(
    readonly bytes: Uint8Array,
    /** 4CC of the box being read, for error messages. */
    readonly boxType: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get remainingBytes(): number {
    return this.bytes.length - this.positionBytes;
  }

  need(lengthBytes: number, what: string): void {
    if (!(lengthBytes >= 0) || lengthBytes > this.remainingBytes) {
      throw new SgError('SG_ERR_MP4_TRUNCATED', {
        box: this.boxType,
        detail: `${what} needs ${lengthBytes} bytes at ${this.positionBytes}, ${this.remainingBytes} left`,
      });
    }
  }

  u8(): number {
    this.need(1, 'u8');
    return this.view.getUint8(this.positionBytes++);
  }

  u16(): number {
    this.need(2, 'u16');
    const value = this.view.getUint16(this.positionBytes);
    this.positionBytes += 2;
    return value;
  }

  u24(): number {
    this.need(3, 'u24');
    const value = (this.view.getUint8(this.positionBytes) << 16) | this.view.getUint16(this.positionBytes + 1);
    this.positionBytes += 3;
    return value;
  }

  /**
   * `count` big-endian u32 values into `out` (from index 0): one bounds check for the whole table
   * instead of one per entry — sample tables of a 2-hour file hold ~500k entries per track.
   */
  u32Into(out: Uint32Array | Float64Array, count: number, what: string): void {
    this.need(count * 4, what);
    // Native copy + byte swap instead of a per-entry DataView loop: this runs once per table, in a
    // process that has not warmed up its JIT yet (the first manifest of a source is timed, §12). A
    // Uint32Array target takes the bytes directly (fresh pages cost more than the copy here).
    const bytes = this.bytes.subarray(this.positionBytes, this.positionBytes + count * 4);
    const words = out instanceof Uint32Array ? out : new Uint32Array(count);
    const asBytes = Buffer.from(words.buffer, words.byteOffset, count * 4);
    asBytes.set(bytes);
    if (count > 0) asBytes.swap32();
    if (words !== out) out.set(words);
    this.positionBytes += count * 4;
  }

  u32(): number {
    this.need(4, 'u32');
    const value = this.view.getUint32(this.positionBytes);
    this.positionBytes += 4;
    return value;
  }

  i32(): number {
    this.need(4, 'i32');
    const value = this.view.getInt32(this.positionBytes);
    this.positionBytes += 4;
    return value;
  }

  /** A u64 as a safe number (SG_ERR_MP4_UNSAFE_INTEGER otherwise). */
  u64(field: string): number {
    this.need(8, field);
    const value = this.view.getBigUint64(this.positionBytes);
    this.positionBytes += 8;
    return safeNumberFromU64(value, `${this.boxType}.${field}`);
  }

  /**
   * A version-1 header duration (mvhd/tkhd/mdhd, ISO/IEC 14496-12 §8.2.2.3, §8.3.2.3, §8.4.2.3): all ones
   * means "indeterminate" (ffmpeg's `-f ismv` writes it) and reads as 0, like the 32-bit all-ones form
   * never reaches a safe-integer check. Other values as u64().
   */
  durationU64(field: string): number {
    this.need(8, field);
    const value = this.view.getBigUint64(this.positionBytes);
    this.positionBytes += 8;
    if (value === 0xffffffffffffffffn) return 0;
    return safeNumberFromU64(value, `${this.boxType}.${field}`);
  }

  i64(field: string): number {
    this.need(8, field);
    const value = this.view.getBigInt64(this.positionBytes);
    this.positionBytes += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new SgError('SG_ERR_MP4_UNSAFE_INTEGER', { field: `${this.boxType}.${field}`, value: value.toString() });
    }
    return Number(value);
  }

  fourCC(): string {
    this.need(4, 'fourCC');
    const b = this.bytes;
    const p = this.positionBytes;
    this.positionBytes += 4;
    return String.fromCharCode(b[p]!, b[p + 1]!, b[p + 2]!, b[p + 3]!);
  }

  bytesOf(lengthBytes: number, what: string): Uint8Array {
    this.need(lengthBytes, what);
    const out = this.bytes.subarray(this.positionBytes, this.positionBytes + lengthBytes);
    this.positionBytes += lengthBytes;
    return out;
  }

  skip(lengthBytes: number, what: string): void {
    this.need(lengthBytes, what);
    this.positionBytes += lengthBytes;
  }

  /** FullBox header (ISO/IEC 14496-12 §4.2): version and flags, read once. */
  fullBoxHeader(): { version: number; flags: number } {
    const version = this.u8();
    const flags = this.u24();
    return { version, flags };
  }

  /** An entry count whose entries take `entryBytes` each: checked against the payload before allocating. */
  entryCount(entryBytes: number, what: string): number {
    const count = this.u32();
    if (entryBytes > 0 && count * entryBytes > this.remainingBytes) {
      throw new SgError('SG_ERR_MP4_TRUNCATED', {
        box: this.boxType,
        detail: `${what}: ${count} entries of ${entryBytes} bytes, ${this.remainingBytes} bytes left`,
      });
    }
    return count;
  }
}
