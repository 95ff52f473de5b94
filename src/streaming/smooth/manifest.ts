/**
 * The [MS-SSTR] 2.0 client manifest (2.2.2 Manifest Response; SPEC-NOTES §2.0–§2.1): MajorVersion 2,
 * MinorVersion 0, root TimeScale 10^7 (never a different StreamIndex TimeScale: Shaka ignores it),
 * Duration always present, no IsLive/DVRWindowLength/LookaheadCount (VOD). Every StreamIndex carries
 * Type, Name, Chunks, QualityLevels and Url (`{bitrate}` and `{start time}` tokens only, §2.4); every
 * QualityLevel Index, Bitrate, FourCC and CodecPrivateData; chunks as `<c t d>` then `<c d>` (no `r`,
 * no `n`: SPEC-NOTES §2.5 pitfall 5). The original wrote MajorVersion 1 with avcC data and `<c n d>`
 * (SPEC-NOTES §1.4 M1–M7); this writer fixes each of those.
 */
import type { AudioCodecInfo, VideoCodecInfo } from './codec-private-data';
import { SMOOTH_TIMESCALE } from './time-hns';

export interface ManifestQualityLevel {
  readonly bitrateBps: number;
  readonly video?: VideoCodecInfo;
  readonly audio?: AudioCodecInfo;
}

export interface ManifestStream {
  readonly type: 'video' | 'audio';
  /** StreamIndex Name; also the key in `Fragments(<name>={start time})`. */
  readonly name: string;
  readonly url: string;
  /** ISO 639-2 code for audio (`und` when unknown). */
  readonly language?: string;
  readonly levels: readonly ManifestQualityLevel[];
  readonly firstChunkStartHns: number;
  readonly chunkDurationsHns: ArrayLike<number>;
}

export interface ManifestModel {
  readonly durationHns: number;
  readonly streams: readonly ManifestStream[];
}

/** XML attribute value escaping (XML 1.0 §2.4, §3.3.3). */
function attr(value: string | number): string {
  return String(value).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attributes(pairs: ReadonlyArray<readonly [string, string | number | undefined]>): string {
  let out = '';
  for (const [name, value] of pairs) if (value !== undefined) out += ` ${name}="${attr(value)}"`;
  return out;
}

function levelElement(level: ManifestQualityLevel, index: number): string {
  if (level.video) {
    const v = level.video;
    return `    <QualityLevel${attributes([
      ['Index', index], ['Bitrate', level.bitrateBps], ['FourCC', v.fourCC], ['MaxWidth', v.widthPx], ['MaxHeight', v.heightPx],
      ['CodecPrivateData', v.codecPrivateDataHex], ['NALUnitLengthField', 4],
    ])}/>\n`;
  }
  const a = level.audio!;
  return `    <QualityLevel${attributes([
    ['Index', index], ['Bitrate', level.bitrateBps], ['FourCC', a.fourCC], ['SamplingRate', a.samplingRateHz], ['Channels', a.channels],
    ['BitsPerSample', a.bitsPerSample], ['PacketSize', a.packetSizeBytes], ['AudioTag', a.audioTag], ['CodecPrivateData', a.codecPrivateDataHex],
  ])}/>\n`;
}

function streamElement(stream: ManifestStream): string {
  const videoLevels = stream.levels.filter((l) => l.video);
  const maxWidth = videoLevels.length ? Math.max(...videoLevels.map((l) => l.video!.widthPx)) : undefined;
  const maxHeight = videoLevels.length ? Math.max(...videoLevels.map((l) => l.video!.heightPx)) : undefined;
  const chunks = stream.chunkDurationsHns.length;
  let out = `  <StreamIndex${attributes([
    ['Type', stream.type], ['Name', stream.name], ['Language', stream.type === 'audio' ? (stream.language ?? 'und') : undefined],
    ['Chunks', chunks], ['QualityLevels', stream.levels.length], ['Url', stream.url],
    ['MaxWidth', maxWidth], ['MaxHeight', maxHeight], ['DisplayWidth', maxWidth], ['DisplayHeight', maxHeight],
  ])}>\n`;
  stream.levels.forEach((level, index) => (out += levelElement(level, index)));
  for (let k = 0; k < chunks; k++) {
    out += k === 0 ? `    <c t="${stream.firstChunkStartHns}" d="${stream.chunkDurationsHns[0]}"/>\n` : `    <c d="${stream.chunkDurationsHns[k]}"/>\n`;
  }
  return `${out}  </StreamIndex>\n`;
}

export function writeManifest(model: ManifestModel): string {
  let out = '<?xml version="1.0" encoding="utf-8"?>\n';
  out += `<SmoothStreamingMedia MajorVersion="2" MinorVersion="0" TimeScale="${SMOOTH_TIMESCALE}" Duration="${model.durationHns}">\n`;
  for (const stream of model.streams) out += streamElement(stream);
  return `${out}</SmoothStreamingMedia>\n`;
}
