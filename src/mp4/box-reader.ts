/**
 * Box headers (ISO/IEC 14496-12 §4.2 "Object Structure"): 32-bit size + 4CC, size 1 = a 64-bit
 * `largesize` follows, size 0 = the box runs to the end of its container (only legal at the top level
 * in practice: a final mdat), type `uuid` = a 16-byte extended type follows. Every size is checked
 * against the header, the container and the end of the file; unknown boxes stay opaque byte ranges.
 */
import { SgError } from '../errors';
import { safeNumberFromU64 } from './integers';
import type { RangeSource } from './range-source';

export interface BoxLocation {
  readonly type: string;
  /** Offset of the box's first header byte in the file. */
  readonly offsetBytes: number;
  /** Whole box, header included. */
  readonly sizeBytes: number;
  readonly headerBytes: number;
}

export interface BoxSlice {
  readonly type: string;
  /** The whole box, header included (for copying unknown boxes verbatim). */
  readonly raw: Uint8Array;
  /** The payload after the header (and after the uuid extended type). */
  readonly payload: Uint8Array;
  /** Offset of `raw` inside the buffer it was cut from. */
  readonly offsetBytes: number;
}

const MAX_TOP_LEVEL_BOXES = 4_000_000;

function fourCCAt(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!, bytes[at + 3]!);
}

/**
 * Decodes one header at `at` inside `bytes` (which holds at least the header), for a box whose
 * container ends `availableBytes` after `at`.
 */
function decodeHeader(bytes: Uint8Array, at: number, availableBytes: number, parent: string): { type: string; sizeBytes: number; headerBytes: number } {
  if (availableBytes < 8) throw new SgError('SG_ERR_MP4_TRUNCATED', { box: parent, detail: `${availableBytes} stray bytes, no room for a box header` });
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, Math.min(bytes.length - at, 32));
  const size32 = view.getUint32(0);
  const type = fourCCAt(bytes, at + 4);
  let sizeBytes = size32;
  let headerBytes = 8;
  if (size32 === 1) {
    if (availableBytes < 16) throw new SgError('SG_ERR_MP4_TRUNCATED', { box: type, detail: 'largesize header cut short' });
    sizeBytes = safeNumberFromU64(view.getBigUint64(8), `${type}.largesize`);
    headerBytes = 16;
  } else if (size32 === 0) {
    sizeBytes = availableBytes;
  }
  if (type === 'uuid') headerBytes += 16;
  if (sizeBytes < headerBytes) throw new SgError('SG_ERR_MP4_MALFORMED', { box: type, detail: `size ${sizeBytes} smaller than its header (${headerBytes})` });
  if (sizeBytes > availableBytes) {
    throw new SgError('SG_ERR_MP4_TRUNCATED', { box: type, detail: `size ${sizeBytes} but ${availableBytes} bytes left in ${parent}` });
  }
  return { type, sizeBytes, headerBytes };
}

/** The child boxes of an in-memory container payload, in order. */
export function readChildren(payload: Uint8Array, parentType: string): BoxSlice[] {
  const out: BoxSlice[] = [];
  let at = 0;
  while (at < payload.length) {
    const { type, sizeBytes, headerBytes } = decodeHeader(payload, at, payload.length - at, parentType);
    out.push({
      type,
      raw: payload.subarray(at, at + sizeBytes),
      payload: payload.subarray(at + headerBytes, at + sizeBytes),
      offsetBytes: at,
    });
    at += sizeBytes;
  }
  return out;
}

/** The first child of `type`, or undefined. Duplicates of boxes that must be unique are rejected. */
export function findChild(children: readonly BoxSlice[], type: string, parentType: string, unique = true): BoxSlice | undefined {
  let found: BoxSlice | undefined;
  for (const child of children) {
    if (child.type !== type) continue;
    if (found && unique) throw new SgError('SG_ERR_MP4_MALFORMED', { box: parentType, detail: `duplicate ${type}` });
    found = child;
    if (!unique) break;
  }
  return found;
}

export function requireChild(children: readonly BoxSlice[], type: string, parentType: string): BoxSlice {
  const child = findChild(children, type, parentType);
  if (!child) throw new SgError('SG_ERR_MP4_MALFORMED', { box: parentType, detail: `missing ${type}` });
  return child;
}

/** Reads the header of the box at `offsetBytes` of the source (a file), checked against the file end. */
export async function readBoxHeaderAt(source: RangeSource, offsetBytes: number): Promise<BoxLocation> {
  const available = source.sizeBytes - offsetBytes;
  const head = await source.read(offsetBytes, Math.min(32, available));
  if (head.length < Math.min(32, available)) throw new SgError('SG_ERR_MP4_TRUNCATED', { box: 'file', detail: 'short read' });
  const { type, sizeBytes, headerBytes } = decodeHeader(head, 0, available, 'file');
  return { type, offsetBytes, sizeBytes, headerBytes };
}

/** The top-level boxes of a file, read header by header (moov before or after mdat, any order). */
export async function scanTopLevel(source: RangeSource): Promise<BoxLocation[]> {
  const out: BoxLocation[] = [];
  let at = 0;
  while (at < source.sizeBytes) {
    if (out.length >= MAX_TOP_LEVEL_BOXES) throw new SgError('SG_ERR_MP4_UNSUPPORTED', { detail: `more than ${MAX_TOP_LEVEL_BOXES} top-level boxes` });
    const box = await readBoxHeaderAt(source, at);
    out.push(box);
    at += box.sizeBytes;
  }
  return out;
}

/** The whole box read into memory (moov, moof): bounded by `maxBytes` so a hostile size cannot OOM us. */
export async function readWholeBox(source: RangeSource, box: BoxLocation, maxBytes: number): Promise<BoxSlice> {
  if (box.sizeBytes > maxBytes) {
    throw new SgError('SG_ERR_MP4_UNSUPPORTED', { detail: `${box.type} of ${box.sizeBytes} bytes exceeds the limit of ${maxBytes}` });
  }
  const raw = await source.read(box.offsetBytes, box.sizeBytes);
  if (raw.length !== box.sizeBytes) throw new SgError('SG_ERR_MP4_TRUNCATED', { box: box.type, detail: 'file ended inside the box' });
  return { type: box.type, raw, payload: raw.subarray(box.headerBytes), offsetBytes: box.offsetBytes };
}
