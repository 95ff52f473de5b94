/**
 * Test-time writer of `.ismv` files shaped as CodeShop's mp4split 2.2.0 (2009) wrote them
 * (SPEC-NOTES §1.3 "What mp4split 2.2 writes as .ismv" and "Fragments"; defects F1–F5, F8 of §1.4),
 * made from a plain MP4 through our own index, so no such file is committed:
 *
 * - `ftyp` of 24 bytes: major `avc1`, minor 0, compatible `isom`, `iso2`;
 * - `moov` = the source's mvhd + per track tkhd, mdhd (timescale forced to 10,000,000), hdlr,
 *   vmhd/smhd, dinf and an stbl of stsd plus *empty* stts/ctts — no stsc/stsz/stco, **no mvex/trex**;
 * - all fragments of the first track, then all of the second (not interleaved); each fragment a
 *   `moof` = mfhd (sequence_number always 1) + traf(tfhd flags 0x20 with default_sample_flags 0xC0,
 *   trun flags 0x304 [+0x800 with composition offsets], first_sample_flags 0x40, per-sample duration
 *   and size in 100 ns, **no data_offset**, no tfdt, no tfxd) + `mdat` with an 8-byte header;
 * - video samples in **Annex-B**: every NAL length replaced by `00 00 00 01`, the SPS and PPS of the
 *   avcC (each with a start code) prepended to the first sample of every fragment;
 * - `mfra` with one version-1 `tfra` per track (1-byte traf/trun/sample numbers) and an `mfro`.
 *
 * Options add the variants the field has: the avc1 entry without its avcC (parameter sets only in the
 * samples), PIFF `uuid` boxes (tfxd, an empty tfrf) in every traf, 3-byte start codes, or
 * length-prefixed samples kept as they are.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { box, fullBox, FieldWriter, serialize, readChildren, indexMovie, openFileRangeSource, type BoxNode, type TrackIndex } from './mp4-exports';

export interface Ismv2009Options {
  /** Which handler types to write ('vide', 'soun'), in this order. Default: video then audio. */
  readonly handlers?: readonly string[];
  /** Keep the avcC inside avc1 (the 2009 tool copied the source's stsd). Default true. */
  readonly keepAvcC?: boolean;
  /** Video samples as Annex-B (the 2009 tool's output). Default true; false keeps length prefixes. */
  readonly annexB?: boolean;
  /** Start code length for Annex-B: 4 (the 2009 tool) or 3 (other Annex-B writers). Default 4. */
  readonly startCodeBytes?: 3 | 4;
  /** Add PIFF uuid boxes (tfxd, an empty tfrf) to every traf, as later IIS-era tools did. */
  readonly piffUuids?: boolean;
}

const HNS = 10_000_000;
const TFXD = Buffer.from('6D1D9B0542D544E680E2141DAFF757B2', 'hex');
const TFRF = Buffer.from('D4807EF2CA3946958E5426CB9E46A79F', 'hex');

/** Truncating 100-ns time, as the 2009 writer computed `pts × 10^7 / timescale`. */
function hnsOf(valueTs: number, timescale: number): number {
  return Number((BigInt(valueTs) * BigInt(HNS)) / BigInt(timescale));
}

interface AvcParameters {
  readonly lengthSizeBytes: number;
  readonly sps: Uint8Array[];
  readonly pps: Uint8Array[];
}

function readAvcC(record: Uint8Array): AvcParameters {
  const lengthSizeBytes = (record[4]! & 3) + 1;
  let at = 5;
  const take = (count: number): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < count; i++) {
      const length = (record[at]! << 8) | record[at + 1]!;
      out.push(record.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
    return out;
  };
  const sps = take(record[at++]! & 0x1f);
  const pps = take(record[at++]!);
  return { lengthSizeBytes, sps, pps };
}

function toAnnexB(sample: Uint8Array, lengthSizeBytes: number, startCode: Uint8Array, prefix: readonly Uint8Array[]): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const unit of prefix) parts.push(startCode, unit);
  let at = 0;
  while (at + lengthSizeBytes <= sample.length) {
    let length = 0;
    for (let k = 0; k < lengthSizeBytes; k++) length = length * 256 + sample[at + k]!;
    at += lengthSizeBytes;
    parts.push(startCode, sample.subarray(at, at + length));
    at += length;
  }
  return Buffer.concat(parts);
}

/** The stsd with the avcC child of its avc1 entry removed (sizes rewritten by the box writer). */
function stsdWithoutAvcC(stsdRaw: Uint8Array): Uint8Array {
  const entries = readChildren(stsdRaw.subarray(16), 'stsd');
  const rebuilt = entries.map((entry) => {
    if (entry.type !== 'avc1') return entry.raw;
    const fields = entry.payload.subarray(0, 78);
    const children = readChildren(entry.payload.subarray(78), 'avc1').filter((c) => c.type !== 'avcC').map((c) => c.raw);
    return serialize(box('avc1', fields, ...children));
  });
  return serialize(fullBox('stsd', 0, 0, new FieldWriter(4).u32(rebuilt.length).finish(), ...rebuilt));
}

function mdhd10MHz(track: TrackIndex, durationHns: number): Uint8Array {
  const language = track.media.language;
  const packed = /^[a-z]{3}$/.test(language) ? ((language.charCodeAt(0) - 0x60) << 10) | ((language.charCodeAt(1) - 0x60) << 5) | (language.charCodeAt(2) - 0x60) : 0x55c4;
  return serialize(fullBox('mdhd', 1, 0, new FieldWriter(32).u64(0).u64(0).u32(HNS).u64(durationHns).u16(packed).u16(0).finish()));
}

/** First sample of each fragment: video at sync samples, audio at the first sample at or after each. */
function boundaries(track: TrackIndex, video: TrackIndex | undefined): number[] {
  const n = track.sampleCount;
  if (track.handlerType === 'vide') {
    const starts = track.syncSamples ? Array.from(track.syncSamples) : [...Array(n).keys()];
    if (starts[0] !== 0) starts.unshift(0);
    return [...starts, n];
  }
  if (!video) {
    const out = [0];
    for (let i = 1; i < n; i++) if (hnsOf(track.dtsTs[i]!, track.timescale) >= out.length * 2 * HNS) out.push(i);
    return [...out, n];
  }
  const out = [0];
  let sample = 0;
  const videoStarts = boundaries(video, undefined);
  for (const v of videoStarts.slice(1, -1)) {
    const timeHns = hnsOf(video.dtsTs[v]!, video.timescale);
    while (sample < n && hnsOf(track.dtsTs[sample]!, track.timescale) < timeHns) sample++;
    if (sample < n && sample > out[out.length - 1]!) out.push(sample);
  }
  return [...out, n];
}

/** Writes `outPath` in the 2009 mp4split ISMV shape from the plain MP4 at `sourcePath`. */
export async function writeIsmv2009(sourcePath: string, outPath: string, options: Ismv2009Options = {}): Promise<void> {
  const source = await openFileRangeSource(sourcePath);
  let movie;
  try {
    movie = await indexMovie(source);
  } finally {
    await source.close();
  }
  const bytes = await readFile(sourcePath);
  const handlers = options.handlers ?? ['vide', 'soun'];
  const tracks = handlers.map((h) => movie.tracks.find((t) => t.handlerType === h)).filter((t): t is TrackIndex => t !== undefined);
  const video = movie.tracks.find((t) => t.handlerType === 'vide');
  const startCode = options.startCodeBytes === 3 ? Uint8Array.of(0, 0, 1) : Uint8Array.of(0, 0, 0, 1);
  const annexB = options.annexB ?? true;

  const traks: BoxNode[] = [];
  for (const track of tracks) {
    const durationHns = hnsOf(track.dtsTs[track.sampleCount]!, track.timescale);
    const stsd = options.keepAvcC === false && track.handlerType === 'vide' ? stsdWithoutAvcC(track.raw.stsd) : track.raw.stsd;
    const empty = new FieldWriter(4).u32(0).finish();
    const stbl = box('stbl', stsd, fullBox('stts', 0, 0, empty), fullBox('ctts', 0, 0, empty));
    traks.push(box('trak', track.raw.tkhd, box('mdia', mdhd10MHz(track, durationHns), track.raw.hdlr, box('minf', ...track.raw.minfOther, stbl))));
  }
  const ftyp = serialize(box('ftyp', Buffer.from('avc1'), new FieldWriter(4).u32(0).finish(), Buffer.from('isomiso2')));
  const moov = serialize(box('moov', movie.mvhd, ...traks));
  const out: Uint8Array[] = [ftyp, moov];
  let position = ftyp.length + moov.length;
  const tfras: BoxNode[] = [];

  for (const track of tracks) {
    const isVideo = track.handlerType === 'vide';
    const avc = isVideo && track.codecs[0]?.decoderConfigRecord ? readAvcC(track.codecs[0].decoderConfigRecord) : null;
    const starts = boundaries(track, isVideo ? undefined : video);
    const cts = track.ctsOffsetTs;
    const entries = new FieldWriter();
    for (let k = 0; k + 1 < starts.length; k++) {
      const first = starts[k]!;
      const end = starts[k + 1]!;
      const samples: Uint8Array[] = [];
      for (let i = first; i < end; i++) {
        const raw = bytes.subarray(track.offsetBytes[i]!, track.offsetBytes[i]! + track.sizeBytes[i]!);
        if (!avc || !annexB) samples.push(raw);
        else samples.push(toAnnexB(raw, avc.lengthSizeBytes, startCode, i === first ? [avc.sps.at(-1)!, avc.pps.at(-1)!] : []));
      }
      const trunFlags = 0x304 | (cts ? 0x800 : 0);
      const fields = new FieldWriter().u32(end - first).u32(0x40);
      for (let i = first; i < end; i++) {
        const dtsHns = hnsOf(track.dtsTs[i]!, track.timescale);
        fields.u32(hnsOf(track.dtsTs[i + 1]!, track.timescale) - dtsHns).u32(samples[i - first]!.length);
        if (cts) fields.u32(hnsOf(track.dtsTs[i]! + cts[i]!, track.timescale) - dtsHns);
      }
      const startHns = hnsOf(track.dtsTs[first]!, track.timescale);
      const durationHns = hnsOf(track.dtsTs[end]!, track.timescale) - startHns;
      const trafChildren: BoxNode[] = [
        fullBox('tfhd', 0, 0x20, new FieldWriter(8).u32(track.trackId).u32(0xc0).finish()),
        fullBox('trun', 0, trunFlags, fields.finish()),
      ];
      if (options.piffUuids) {
        trafChildren.push(box('uuid', TFXD, Uint8Array.of(1, 0, 0, 0), new FieldWriter(16).u64(startHns).u64(durationHns).finish()));
        trafChildren.push(box('uuid', TFRF, Uint8Array.of(1, 0, 0, 0), Uint8Array.of(0)));
      }
      const moof = serialize(box('moof', fullBox('mfhd', 0, 0, new FieldWriter(4).u32(1).finish()), box('traf', ...trafChildren)));
      const payload = Buffer.concat(samples);
      const mdat = Buffer.concat([new FieldWriter(8).u32(payload.length + 8).bytes(Buffer.from('mdat')).finish(), payload]);
      entries.u64(startHns).u64(position).u8(1).u8(1).u8(1);
      out.push(moof, mdat);
      position += moof.length + mdat.length;
    }
    tfras.push(fullBox('tfra', 1, 0, new FieldWriter(12).u32(track.trackId).u32(0).u32(starts.length - 1).finish(), entries.finish()));
  }
  const tfraBytes = serialize(...tfras);
  out.push(serialize(box('mfra', tfraBytes, fullBox('mfro', 0, 0, new FieldWriter(4).u32(8 + tfraBytes.length + 16).finish()))));
  await writeFile(outPath, Buffer.concat(out));
}
