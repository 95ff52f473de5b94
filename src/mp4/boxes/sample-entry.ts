/**
 * SampleDescriptionBox `stsd` (ISO/IEC 14496-12 §8.5.2) and the codec configuration the streaming
 * outputs need: VisualSampleEntry (§12.1.3) with AVCConfigurationBox `avcC` / HEVCConfigurationBox
 * `hvcC` (ISO/IEC 14496-15 §5.3.3, §8.3.3), AudioSampleEntry (§12.2.3) with ES_Descriptor `esds`
 * (ISO/IEC 14496-1 §7.2.6.5, DecoderConfigDescriptor, DecoderSpecificInfo = AudioSpecificConfig).
 * Protected entries (`encv`, `enca`: ISO/IEC 14496-12 §8.12, CENC/PIFF) are refused by the caller.
 */
import { ByteCursor } from '../byte-cursor';
import { readChildren, findChild } from '../box-reader';

export interface CodecConfig {
  /** Sample entry 4CC: avc1, avc3, hvc1, hev1, mp4a, encv, enca, … */
  readonly format: string;
  readonly widthPx?: number;
  readonly heightPx?: number;
  readonly channelCount?: number;
  readonly sampleRateHz?: number;
  /** avcC / hvcC payload (the decoder configuration record). */
  readonly decoderConfigRecord?: Uint8Array;
  /** AudioSpecificConfig from esds. */
  readonly audioSpecificConfig?: Uint8Array;
  readonly objectTypeIndication?: number;
  readonly avgBitrateBps?: number;
  readonly maxBitrateBps?: number;
}

const VISUAL_FORMATS = new Set(['avc1', 'avc2', 'avc3', 'avc4', 'hvc1', 'hev1', 'encv', 'mp4v', 'vp09', 'av01']);
const AUDIO_FORMATS = new Set(['mp4a', 'enca', 'ac-3', 'ec-3', 'Opus', 'fLaC', 'alac']);
const SAMPLE_ENTRY_HEADER_BYTES = 8; // 6 reserved + data_reference_index
const VISUAL_FIELDS_BYTES = 70; // pre_defined … pre_defined, §12.1.3.2

export interface SampleDescriptions {
  readonly entries: CodecConfig[];
}

export function parseStsd(payload: Uint8Array): SampleDescriptions {
  const c = new ByteCursor(payload, 'stsd');
  c.fullBoxHeader();
  const n = c.u32();
  const boxes = readChildren(c.bytesOf(c.remainingBytes, 'entries'), 'stsd');
  const entries: CodecConfig[] = [];
  for (let i = 0; i < Math.min(n, boxes.length); i++) entries.push(parseSampleEntry(boxes[i]!.type, boxes[i]!.payload));
  return { entries };
}

function parseSampleEntry(format: string, payload: Uint8Array): CodecConfig {
  const c = new ByteCursor(payload, format);
  c.skip(SAMPLE_ENTRY_HEADER_BYTES, 'SampleEntry');
  if (VISUAL_FORMATS.has(format)) {
    c.skip(16, 'pre_defined/reserved');
    const widthPx = c.u16();
    const heightPx = c.u16();
    c.skip(VISUAL_FIELDS_BYTES - 20, 'resolution..depth');
    const children = readChildren(c.bytesOf(c.remainingBytes, 'children'), format);
    const config = findChild(children, 'avcC', format, false) ?? findChild(children, 'hvcC', format, false);
    return { format, widthPx, heightPx, ...(config ? { decoderConfigRecord: config.payload } : {}) };
  }
  if (AUDIO_FORMATS.has(format)) {
    // QuickTime SoundDescription versions 1 and 2 reuse the first reserved word as a version and
    // append 16 or 36 bytes; ffmpeg writes them for some PCM/ALAC files.
    const soundVersion = c.u16();
    c.skip(6, 'reserved');
    const channelCount = c.u16();
    c.skip(6, 'samplesize..reserved');
    const sampleRateHz = c.u32() >>> 16;
    if (soundVersion === 1) c.skip(16, 'SoundDescription v1');
    else if (soundVersion === 2) c.skip(36, 'SoundDescription v2');
    const children = readChildren(c.bytesOf(c.remainingBytes, 'children'), format);
    const esds = findChild(children, 'esds', format, false);
    const fromEsds = esds ? parseEsds(esds.payload) : {};
    return { format, channelCount, sampleRateHz, ...fromEsds };
  }
  return { format };
}

/** Reads an MPEG-4 descriptor's tag and its expandable size (ISO/IEC 14496-1 §8.3.3). */
function readDescriptorHeader(c: ByteCursor): { tag: number; sizeBytes: number } {
  const tag = c.u8();
  let sizeBytes = 0;
  for (let i = 0; i < 4; i++) {
    const byte = c.u8();
    sizeBytes = (sizeBytes << 7) | (byte & 0x7f);
    if ((byte & 0x80) === 0) break;
  }
  return { tag, sizeBytes };
}

const ES_DESCRIPTOR_TAG = 3;
const DECODER_CONFIG_DESCRIPTOR_TAG = 4;
const DECODER_SPECIFIC_INFO_TAG = 5;
const ES_STREAM_DEPENDENCE_FLAG = 0x80;
const ES_URL_FLAG = 0x40;
const ES_OCR_STREAM_FLAG = 0x20;

export function parseEsds(payload: Uint8Array): Pick<CodecConfig, 'audioSpecificConfig' | 'objectTypeIndication' | 'avgBitrateBps' | 'maxBitrateBps'> {
  const c = new ByteCursor(payload, 'esds');
  c.fullBoxHeader();
  const es = readDescriptorHeader(c);
  if (es.tag !== ES_DESCRIPTOR_TAG) return {};
  c.skip(2, 'ES_ID');
  const flags = c.u8();
  if (flags & ES_STREAM_DEPENDENCE_FLAG) c.skip(2, 'dependsOn_ES_ID');
  if (flags & ES_URL_FLAG) c.skip(c.u8(), 'URLstring');
  if (flags & ES_OCR_STREAM_FLAG) c.skip(2, 'OCR_ES_Id');
  const dc = readDescriptorHeader(c);
  if (dc.tag !== DECODER_CONFIG_DESCRIPTOR_TAG) return {};
  const objectTypeIndication = c.u8();
  c.skip(4, 'streamType/bufferSizeDB');
  const maxBitrateBps = c.u32();
  const avgBitrateBps = c.u32();
  if (c.remainingBytes < 2) return { objectTypeIndication, maxBitrateBps, avgBitrateBps };
  const dsi = readDescriptorHeader(c);
  if (dsi.tag !== DECODER_SPECIFIC_INFO_TAG) return { objectTypeIndication, maxBitrateBps, avgBitrateBps };
  const audioSpecificConfig = c.bytesOf(dsi.sizeBytes, 'AudioSpecificConfig').slice();
  return { objectTypeIndication, maxBitrateBps, avgBitrateBps, audioSpecificConfig };
}
