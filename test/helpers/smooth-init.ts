/**
 * Test-side Smooth Streaming client pieces (issue 5 "ffprobe/ffmpeg decode every fragment when joined to
 * an init segment built from the manifest"): a small manifest reader and an init-segment builder that
 * does what dash.js's MssFragmentMoovProcessor and Shaka's mp4_generator do (SPEC-NOTES §2.3): ftyp +
 * moov(mvhd, trak with mdhd timescale = TimeScale, stsd from FourCC/CodecPrivateData, empty tables,
 * mvex/trex) for track_ID 1. Written independently of src/streaming/smooth so it checks, not mirrors.
 */
import { box, fullBox, FieldWriter, serialize } from '../../src/mp4/writer';

export interface ParsedLevel {
  readonly attributes: Record<string, string>;
}

export interface ParsedChunk {
  readonly t?: number;
  readonly d?: number;
}

export interface ParsedStream {
  readonly attributes: Record<string, string>;
  readonly levels: ParsedLevel[];
  readonly chunks: ParsedChunk[];
  /** Start time of every chunk as a player computes it (t, else previous start + previous d). */
  readonly startsHns: number[];
}

export interface ParsedManifest {
  readonly attributes: Record<string, string>;
  readonly streams: ParsedStream[];
}

function readAttributes(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/([A-Za-z]+)="([^"]*)"/g)) out[m[1]!] = m[2]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
  return out;
}

export function parseManifest(xml: string): ParsedManifest {
  const root = /<SmoothStreamingMedia([^>]*)>/.exec(xml);
  if (!root) throw new Error('no SmoothStreamingMedia');
  const streams: ParsedStream[] = [];
  for (const m of xml.matchAll(/<StreamIndex([^>]*)>([\s\S]*?)<\/StreamIndex>/g)) {
    const levels = [...m[2]!.matchAll(/<QualityLevel([^>]*)\/>/g)].map((l) => ({ attributes: readAttributes(l[1]!) }));
    const chunks = [...m[2]!.matchAll(/<c([^>]*)\/>/g)].map((c) => {
      const a = readAttributes(c[1]!);
      return { ...(a.t !== undefined ? { t: Number(a.t) } : {}), ...(a.d !== undefined ? { d: Number(a.d) } : {}) };
    });
    const startsHns: number[] = [];
    let next = 0;
    for (const chunk of chunks) {
      const start = chunk.t ?? next;
      startsHns.push(start);
      next = start + (chunk.d ?? 0);
    }
    streams.push({ attributes: readAttributes(m[1]!), levels, chunks, startsHns });
  }
  return { attributes: readAttributes(root[1]!), streams };
}

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(Buffer.from(hex, 'hex'));
}

function avcC(codecPrivateData: string): Uint8Array {
  const units = codecPrivateData.toLowerCase().split('00000001').filter((s) => s.length > 0).map(hexBytes);
  const sps = units.filter((u) => (u[0]! & 0x1f) === 7);
  const pps = units.filter((u) => (u[0]! & 0x1f) === 8);
  if (sps.length === 0 || pps.length === 0) throw new Error('CodecPrivateData lacks SPS/PPS');
  const w = new FieldWriter().u8(1).u8(sps[0]![1]!).u8(sps[0]![2]!).u8(sps[0]![3]!).u8(0xff).u8(0xe0 | sps.length);
  for (const s of sps) w.u16(s.length).bytes(s);
  w.u8(pps.length);
  for (const p of pps) w.u16(p.length).bytes(p);
  return w.finish();
}

function descriptor(tag: number, payload: Uint8Array): Uint8Array {
  return new FieldWriter().u8(tag).u8(payload.length).bytes(payload).finish();
}

function esds(asc: Uint8Array): Uint8Array {
  const decoderSpecific = descriptor(5, asc);
  const decoderConfig = descriptor(4, new FieldWriter().u8(0x40).u8(0x15).u8(0).u16(0).u32(0).u32(0).bytes(decoderSpecific).finish());
  const es = descriptor(3, new FieldWriter().u16(0).u8(0).bytes(decoderConfig).bytes(descriptor(6, Uint8Array.of(2))).finish());
  return serialize(fullBox('esds', 0, 0, es));
}

const MATRIX = new FieldWriter().u32(0x10000).u32(0).u32(0).u32(0).u32(0x10000).u32(0).u32(0).u32(0).u32(0x40000000).finish();

/** ftyp + moov for one StreamIndex QualityLevel: track_ID 1, timescale = the manifest's TimeScale. */
export function buildInitSegment(stream: ParsedStream, level: ParsedLevel, timescale: number): Uint8Array {
  const a = level.attributes;
  const isVideo = stream.attributes.Type === 'video';
  let entry;
  if (isVideo) {
    const width = Number(a.MaxWidth);
    const height = Number(a.MaxHeight);
    entry = box('avc1',
      new FieldWriter().u32(0).u16(0).u16(1).bytes(new Uint8Array(16)).u16(width).u16(height).u32(0x480000).u32(0x480000).u32(0).u16(1).bytes(new Uint8Array(32)).u16(0x18).u16(0xffff).finish(),
      box('avcC', avcC(a.CodecPrivateData!)));
  } else {
    entry = box('mp4a',
      new FieldWriter().u32(0).u16(0).u16(1).u32(0).u32(0).u16(Number(a.Channels)).u16(16).u16(0).u16(0).u32(Number(a.SamplingRate) * 65536).finish(),
      esds(hexBytes(a.CodecPrivateData!)));
  }
  const empty = new FieldWriter().u32(0).finish();
  const stbl = box('stbl', fullBox('stsd', 0, 0, new FieldWriter().u32(1).finish(), entry), fullBox('stts', 0, 0, empty), fullBox('stsc', 0, 0, empty), fullBox('stsz', 0, 0, new FieldWriter().u32(0).u32(0).finish()), fullBox('stco', 0, 0, empty));
  const minf = box('minf',
    isVideo ? fullBox('vmhd', 0, 1, new Uint8Array(8)) : fullBox('smhd', 0, 0, new Uint8Array(4)),
    box('dinf', fullBox('dref', 0, 0, new FieldWriter().u32(1).finish(), fullBox('url ', 0, 1))),
    stbl);
  const hdlr = fullBox('hdlr', 0, 0, new FieldWriter().u32(0).bytes(Buffer.from(isVideo ? 'vide' : 'soun')).u32(0).u32(0).u32(0).bytes(Buffer.from(isVideo ? 'Video\0' : 'Audio\0')).finish());
  const mdhd = fullBox('mdhd', 0, 0, new FieldWriter().u32(0).u32(0).u32(timescale).u32(0).u16(0x55c4).u16(0).finish());
  const tkhd = fullBox('tkhd', 0, 3, new FieldWriter().u32(0).u32(0).u32(1).u32(0).u32(0).u32(0).u32(0).u16(0).u16(0).u16(isVideo ? 0 : 0x100).u16(0).bytes(MATRIX)
    .u32(isVideo ? Number(a.MaxWidth) * 65536 : 0).u32(isVideo ? Number(a.MaxHeight) * 65536 : 0).finish());
  const mvhd = fullBox('mvhd', 0, 0, new FieldWriter().u32(0).u32(0).u32(timescale).u32(0).u32(0x10000).u16(0x100).u16(0).u32(0).u32(0).bytes(MATRIX).bytes(new Uint8Array(24)).u32(2).finish());
  const mvex = box('mvex', fullBox('trex', 0, 0, new FieldWriter().u32(1).u32(1).u32(0).u32(0).u32(0).finish()));
  const ftyp = box('ftyp', Buffer.from('isom'), new FieldWriter().u32(0).finish(), Buffer.from('isomiso6avc1'));
  return serialize(ftyp, box('moov', mvhd, box('trak', tkhd, box('mdia', mdhd, hdlr, minf)), mvex));
}
