/**
 * Hostile variants of a valid MP4 for the hostile-media suite (issue 6 "Hostile media"): each mutation
 * is named after what it breaks, applies to a copy, and is deterministic given the SeededRandom. The
 * kinds follow the ways crafted files have broken MP4 parsers (nginx's mp4 module CVEs among them):
 * box sizes that lie (ISO/IEC 14496-12 §4.2), entry counts that overflow (§8.6, §8.7, §8.8), boxes that
 * contain themselves, offsets past the end, timescale or duration 0 (§8.2.2, §8.4.2), missing children
 * of stbl (§8.5.1), and a 10^7-sample table written compactly so only the parse is expensive.
 */
import { handlerOf, payloadOffset, trakOf, walkBoxes, type BoxNode } from './mp4-boxes';
import type { SeededRandom } from './seeded-random';

export interface Mutant {
  /** `<kind>` or `<kind>:<box>`: what was broken. */
  readonly name: string;
  readonly bytes: Buffer;
  /** Extend the written file to this many bytes as a sparse file (holes read as zeros, cost no disk). */
  readonly sparseSizeBytes?: number;
}

export interface Mutation {
  readonly kind: string;
  /** The mutant, or null when the file has nothing this mutation applies to. */
  apply(source: Buffer, random: SeededRandom): Mutant | null;
}

const U32_MAX = 0xffffffff;
const HALF_U32 = 0x80000000;

/** Where each table box keeps its entry count, from the payload start (after any largesize). */
const COUNT_FIELD_OFFSET: Record<string, number> = {
  stts: 4, ctts: 4, stss: 4, stsc: 4, stco: 4, co64: 4, elst: 4, stsd: 4,
  // stsz: sample_size then sample_count (§8.7.3.2); stz2: reserved+field_size then sample_count.
  stsz: 8, stz2: 8,
  // trun: sample_count right after version/flags (§8.8.8); tfra: track_ID, lengths, number_of_entry (§8.8.10).
  trun: 4, tfra: 12,
};

function boxesOf(bytes: Buffer, type: string): BoxNode[] {
  return walkBoxes(bytes).filter((b) => b.type === type);
}

function withCopy(source: Buffer, name: string, edit: (copy: Buffer) => void): Mutant {
  const copy = Buffer.from(source);
  edit(copy);
  return { name, bytes: copy };
}

function bitFlips(kind: string, count: number, inside: string | null): Mutation {
  return {
    kind,
    apply(source, random) {
      const region = inside ? boxesOf(source, inside)[0] : undefined;
      if (inside && !region) return null;
      const start = region ? region.offsetBytes : 0;
      const length = region ? region.sizeBytes : source.length;
      return withCopy(source, kind, (copy) => {
        for (let i = 0; i < count; i++) copy[start + random.below(length)]! ^= 1 << random.below(8);
      });
    },
  };
}

function truncation(kind: string, where: (source: Buffer, random: SeededRandom) => number | null): Mutation {
  return {
    kind,
    apply(source, random) {
      const at = where(source, random);
      return at === null ? null : { name: `${kind}@${at}`, bytes: Buffer.from(source.subarray(0, at)) };
    },
  };
}

/** Sets the 32-bit size of one box of `type` (or a random box when type is null). */
function boxSize(kind: string, type: string | null, size: number): Mutation {
  return {
    kind,
    apply(source, random) {
      const boxes = walkBoxes(source).filter((b) => (type === null ? b.offsetBytes > 0 : b.type === type));
      if (boxes.length === 0) return null;
      const box = random.pick(boxes);
      return withCopy(source, `${kind}:${box.type}`, (copy) => copy.writeUInt32BE(size, box.offsetBytes));
    },
  };
}

/** size = 1 and a 64-bit largesize (§4.2) written over the first payload bytes of a box. */
function largeSize(kind: string, type: string | null, largesize: bigint): Mutation {
  return {
    kind,
    apply(source, random) {
      const boxes = walkBoxes(source).filter((b) => b.sizeBytes >= 16 && (type === null || b.type === type));
      if (boxes.length === 0) return null;
      const box = random.pick(boxes);
      return withCopy(source, `${kind}:${box.type}`, (copy) => {
        copy.writeUInt32BE(1, box.offsetBytes);
        copy.writeBigUInt64BE(largesize, box.offsetBytes + 8);
      });
    },
  };
}

function entryCount(type: string, count: number): Mutation {
  const kind = `count-${count === U32_MAX ? '2^32-1' : '2^31'}:${type}`;
  return {
    kind,
    apply(source, random) {
      const boxes = boxesOf(source, type).filter((b) => b.sizeBytes >= b.headerBytes + COUNT_FIELD_OFFSET[type]! + 4);
      if (boxes.length === 0) return null;
      const box = random.pick(boxes);
      return withCopy(source, kind, (copy) => {
        // A constant-size stsz has no table, so make it a table-driven one with an impossible count.
        if (type === 'stsz') copy.writeUInt32BE(0, payloadOffset(box) + 4);
        copy.writeUInt32BE(count, payloadOffset(box) + COUNT_FIELD_OFFSET[type]!);
      });
    },
  };
}

/** Renames a box, so a required one goes missing (`free` is skipped by every reader, §8.1.2). */
function rename(kind: string, type: string, to: string): Mutation {
  return {
    kind,
    apply(source, random) {
      const boxes = boxesOf(source, type);
      if (boxes.length === 0) return null;
      const box = random.pick(boxes);
      return withCopy(source, kind, (copy) => copy.write(to, box.offsetBytes + 4, 'latin1'));
    },
  };
}

/** A child whose size reaches back over its parent: the whole parent, or "-8" read as unsigned. */
function childCoversParent(kind: string, size: (child: BoxNode, parent: BoxNode) => number): Mutation {
  return {
    kind,
    apply(source, random) {
      const children = walkBoxes(source).filter((b) => b.parent !== null && b.headerBytes === 8);
      if (children.length === 0) return null;
      const child = random.pick(children);
      return withCopy(source, `${kind}:${child.parent!.type}/${child.type}`, (copy) => copy.writeUInt32BE(size(child, child.parent!) >>> 0, child.offsetBytes));
    },
  };
}

/** Every 32-bit chunk offset (stco §8.7.5) or 64-bit (co64) moved past the end of the file. */
function chunkOffsetsPastEnd(kind: string, value: (fileSize: number) => number): Mutation {
  return {
    kind,
    apply(source) {
      const tables = [...boxesOf(source, 'stco'), ...boxesOf(source, 'co64')];
      if (tables.length === 0) return null;
      return withCopy(source, kind, (copy) => {
        for (const box of tables) {
          const at = payloadOffset(box);
          const n = copy.readUInt32BE(at + 4);
          const width = box.type === 'stco' ? 4 : 8;
          for (let i = 0; i < n && at + 8 + (i + 1) * width <= box.offsetBytes + box.sizeBytes; i++) {
            if (width === 4) copy.writeUInt32BE(Math.min(U32_MAX, value(source.length)), at + 8 + i * 4);
            else copy.writeBigUInt64BE(BigInt(value(source.length)), at + 8 + i * 8);
          }
        }
      });
    },
  };
}

/** trun data_offset (§8.8.8) and tfra moof_offset (§8.8.10) past the end of a fragmented file. */
function fragmentOffsetsPastEnd(kind: string): Mutation {
  return {
    kind,
    apply(source) {
      const truns = boxesOf(source, 'trun').filter((b) => (source.readUInt32BE(payloadOffset(b)) & 1) !== 0);
      const tfras = boxesOf(source, 'tfra');
      if (truns.length === 0 && tfras.length === 0) return null;
      return withCopy(source, kind, (copy) => {
        for (const trun of truns) copy.writeInt32BE(0x7fffff00, payloadOffset(trun) + 8);
        for (const tfra of tfras) {
          const at = payloadOffset(tfra);
          const version = copy[at]!;
          const n = copy.readUInt32BE(at + 12);
          const lengths = copy.readUInt32BE(at + 8);
          const entryBytes = (version === 1 ? 16 : 8) + ((lengths >> 4) & 3) + 1 + ((lengths >> 2) & 3) + 1 + (lengths & 3) + 1;
          for (let i = 0; i < n && at + 16 + (i + 1) * entryBytes <= tfra.offsetBytes + tfra.sizeBytes; i++) {
            const moofOffsetAt = at + 16 + i * entryBytes + (version === 1 ? 8 : 4);
            if (version === 1) copy.writeBigUInt64BE(BigInt(source.length) * 4n, moofOffsetAt);
            else copy.writeUInt32BE(U32_MAX, moofOffsetAt);
          }
        }
      });
    },
  };
}

/** mvhd/mdhd timescale or duration (§8.2.2, §8.4.2; same layout after version/flags), tkhd duration (§8.3.2). */
function headerField(kind: string, type: 'mvhd' | 'mdhd' | 'tkhd', field: 'timescale' | 'duration'): Mutation {
  return {
    kind,
    apply(source, random) {
      const boxes = boxesOf(source, type);
      if (boxes.length === 0) return null;
      const box = random.pick(boxes);
      return withCopy(source, kind, (copy) => {
        const at = payloadOffset(box);
        const v1 = copy[at] === 1;
        if (type === 'tkhd') {
          if (v1) copy.writeBigUInt64BE(0n, at + 4 + 8 + 8 + 4 + 4);
          else copy.writeUInt32BE(0, at + 4 + 4 + 4 + 4 + 4);
          return;
        }
        const timescaleAt = at + 4 + (v1 ? 16 : 8);
        if (field === 'timescale') copy.writeUInt32BE(0, timescaleAt);
        else if (v1) copy.writeBigUInt64BE(0n, timescaleAt + 4);
        else copy.writeUInt32BE(0, timescaleAt + 4);
      });
    },
  };
}

/**
 * One field of every entry of every table of `type` (entries from payload+8: version/flags, entry_count)
 * set to `value`: stts sample_delta (§8.6.1.2), ctts sample_offset (§8.6.1.3), stsc samples_per_chunk
 * (§8.7.4), elst segment_duration / media_time (§8.6.6, version 0 layout).
 */
function tableField(kind: string, type: string, entryBytes: number, fieldOffset: number, value: number): Mutation {
  return {
    kind,
    apply(source) {
      const tables = boxesOf(source, type).filter((b) => source[payloadOffset(b)] === 0 || type !== 'elst');
      if (tables.length === 0) return null;
      return withCopy(source, kind, (copy) => {
        for (const box of tables) {
          const at = payloadOffset(box);
          const n = copy.readUInt32BE(at + 4);
          for (let i = 0; i < n && at + 8 + (i + 1) * entryBytes <= box.offsetBytes + box.sizeBytes; i++) copy.writeUInt32BE(value >>> 0, at + 8 + i * entryBytes + fieldOffset);
        }
      });
    },
  };
}

export const TEN_MILLION_SAMPLES = 10_000_000;

/**
 * The first video (else first) track rewritten to `count` samples of `sizeBytes` each, all sync, in one
 * chunk in a new mdat after the original bytes: stsz constant-size, stts and stsc one entry each, stco
 * one offset; ctts/stss/sdtp dropped (renamed `free`). Each box keeps its old size (zeros after the short
 * table), so nothing else moves. Returns everything up to the new mdat's header: the caller appends
 * `count × sizeBytes` bytes of sample data (or extends the file sparse). Null without a classic stbl.
 */
export function uniformSamples(source: Buffer, count: number, sizeBytes: number, deltaTs?: number): Buffer | null {
  const boxes = walkBoxes(source);
  const traks = boxes.filter((b) => b.type === 'trak');
  const trak = traks.find((t) => handlerOf(source, boxes, t) === 'vide') ?? traks[0];
  if (!trak) return null;
  const inTrak = (type: string) => boxes.find((b) => b.type === type && trakOf(b) === trak);
  const stsz = inTrak('stsz');
  const stts = inTrak('stts');
  const stsc = inTrak('stsc');
  const stco = inTrak('stco');
  if (!stsz || !stts || !stsc || !stco) return null;
  const copy = Buffer.from(source);
  for (const box of [stsz, stts, stsc, stco]) copy.fill(0, payloadOffset(box), box.offsetBytes + box.sizeBytes);
  copy.writeUInt32BE(sizeBytes, payloadOffset(stsz) + 4);
  copy.writeUInt32BE(count, payloadOffset(stsz) + 8);
  copy.writeUInt32BE(1, payloadOffset(stts) + 4);
  copy.writeUInt32BE(count, payloadOffset(stts) + 8);
  // Default: 25 samples a second of the track's timescale (mdhd §8.4.2.2), so `?start=S` means something.
  const mdhd = inTrak('mdhd');
  const timescale = mdhd ? source.readUInt32BE(payloadOffset(mdhd) + 4 + (source[payloadOffset(mdhd)] === 1 ? 16 : 8)) : 25;
  copy.writeUInt32BE(deltaTs ?? Math.max(1, Math.round(timescale / 25)), payloadOffset(stts) + 12);
  copy.writeUInt32BE(1, payloadOffset(stsc) + 4);
  copy.writeUInt32BE(1, payloadOffset(stsc) + 8);
  copy.writeUInt32BE(count, payloadOffset(stsc) + 12);
  copy.writeUInt32BE(1, payloadOffset(stsc) + 16);
  copy.writeUInt32BE(1, payloadOffset(stco) + 4);
  copy.writeUInt32BE(source.length + 8, payloadOffset(stco) + 8);
  for (const type of ['ctts', 'stss', 'sdtp']) {
    const box = inTrak(type);
    if (box) copy.write('free', box.offsetBytes + 4, 'latin1');
  }
  // A top-level mdat (§8.1.1) holds the new samples, so the file stays a sequence of boxes.
  const mdatHeader = Buffer.alloc(8);
  mdatHeader.writeUInt32BE(8 + count * sizeBytes);
  mdatHeader.write('mdat', 4, 'latin1');
  return Buffer.concat([copy, mdatHeader]);
}

/** 10^7 one-byte samples; the file is extended sparse so a reader cannot refuse it on size alone. */
const tenMillionSamples: Mutation = {
  kind: 'samples-10^7',
  apply(source) {
    const bytes = uniformSamples(source, TEN_MILLION_SAMPLES, 1, 1);
    return bytes && { name: 'samples-10^7', bytes, sparseSizeBytes: bytes.length + TEN_MILLION_SAMPLES };
  },
};

const boxStarts = (source: Buffer) => walkBoxes(source).map((b) => b.offsetBytes).filter((o) => o > 0);

/** Every mutation, in a fixed order (the suite spreads them over the fixtures by index). */
export const MUTATIONS: readonly Mutation[] = [
  tenMillionSamples,
  truncation('truncate-random', (s, r) => 1 + r.below(s.length - 1)),
  truncation('truncate-at-box-start', (s, r) => r.pick(boxStarts(s))),
  truncation('truncate-inside-header', (s, r) => r.pick(boxStarts(s)) + 1 + r.below(7)),
  truncation('truncate-before-end', (s) => s.length - 1),
  boxSize('size-0', null, 0),
  boxSize('size-1', null, 1),
  boxSize('size-7', null, 7),
  boxSize('size-huge', null, 0x7ffffff0),
  boxSize('size-ffffffff', null, U32_MAX),
  boxSize('size-0', 'moov', 0),
  boxSize('size-ffffffff', 'stsd', U32_MAX),
  largeSize('largesize-2^64-1', null, 2n ** 64n - 1n),
  largeSize('largesize-2^63', 'moov', 2n ** 63n),
  largeSize('largesize-2^53+1', null, 2n ** 53n + 1n),
  largeSize('largesize-smaller-than-header', null, 8n),
  ...['stsz', 'stco', 'co64', 'stts', 'stsc', 'ctts', 'stss', 'trun', 'tfra', 'elst', 'stsd'].flatMap((t) => [entryCount(t, HALF_U32), entryCount(t, U32_MAX)]),
  childCoversParent('child-covers-parent', (child, parent) => parent.offsetBytes + parent.sizeBytes - child.offsetBytes + parent.headerBytes),
  childCoversParent('child-size-minus-8', () => -8),
  rename('nested-moov', 'trak', 'moov'),
  rename('stbl-in-stbl', 'stsd', 'stbl'),
  rename('moof-as-moov', 'moof', 'moov'),
  chunkOffsetsPastEnd('chunk-offsets-past-eof', (size) => size + 1000),
  chunkOffsetsPastEnd('chunk-offsets-ffffffff', () => U32_MAX),
  fragmentOffsetsPastEnd('fragment-offsets-past-eof'),
  boxSize('mdat-size-past-eof', 'mdat', 0x7fff0000),
  tableField('stts-deltas-2^32-1', 'stts', 8, 4, U32_MAX),
  tableField('stts-deltas-0', 'stts', 8, 4, 0),
  tableField('ctts-offsets-int32-min', 'ctts', 8, 4, HALF_U32),
  tableField('stsc-samples-per-chunk-0', 'stsc', 12, 4, 0),
  tableField('stsc-samples-per-chunk-2^32-1', 'stsc', 12, 4, U32_MAX),
  tableField('elst-segment-duration-2^32-1', 'elst', 12, 0, U32_MAX),
  tableField('elst-media-time-minus-2', 'elst', 12, 4, -2),
  tableField('elst-media-time-2^31-1', 'elst', 12, 4, 0x7fffffff),
  headerField('timescale-0:mdhd', 'mdhd', 'timescale'),
  headerField('timescale-0:mvhd', 'mvhd', 'timescale'),
  headerField('duration-0:mdhd', 'mdhd', 'duration'),
  headerField('duration-0:mvhd', 'mvhd', 'duration'),
  headerField('duration-0:tkhd', 'tkhd', 'duration'),
  ...['stsd', 'stts', 'stsc', 'stsz', 'stco', 'stss', 'ctts', 'mdhd', 'hdlr', 'mvex', 'trex', 'tfhd'].map((t) => rename(`missing-${t}`, t, 'free')),
];

/** Random damage on top of the named kinds: a few bits anywhere, or many inside the moov/moof. */
export const RANDOM_DAMAGE: readonly Mutation[] = [
  bitFlips('bitflips-1', 1, null),
  bitFlips('bitflips-16', 16, null),
  bitFlips('bitflips-moov-4', 4, 'moov'),
  bitFlips('bitflips-moov-32', 32, 'moov'),
  bitFlips('bitflips-moof-8', 8, 'moof'),
];
