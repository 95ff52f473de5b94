/**
 * QualityLevel codec attributes ([MS-SSTR] 2.2.2.5 QualityLevelElement; SPEC-NOTES §2.2): video
 * CodecPrivateData is Annex-B (`00000001 SPS 00000001 PPS`, 4-byte start codes) built from the avcC
 * (ISO/IEC 14496-15 §5.3.3 AVCDecoderConfigurationRecord) or hvcC (§8.3.3 HEVCDecoderConfigurationRecord)
 * — never the avcC bytes themselves, which dash.js drops silently and Shaka rejects (SPEC-NOTES §1.4 M4);
 * audio CodecPrivateData is the AudioSpecificConfig (ISO/IEC 14496-3 §1.6.2.1) in hex.
 */
import type { CodecConfig } from '../../mp4/boxes/sample-entry';
import { SgError } from '../../errors';

const START_CODE = '00000001';

function hex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex').toUpperCase();
}

function unsupported(type: string, detail: string): SgError {
  return new SgError('SG_ERR_STREAM_CODEC', { type, detail });
}

export interface VideoCodecInfo {
  /** QualityLevel FourCC: H264, or HVC1 (listed for completeness, not playable: SPEC-NOTES §2.2). */
  readonly fourCC: 'H264' | 'HVC1';
  readonly codecPrivateDataHex: string;
  readonly widthPx: number;
  readonly heightPx: number;
}

/** Parameter sets of an avcC in Annex-B form; samples must carry 4-byte NAL lengths (players assume it). */
export function avcAnnexB(record: Uint8Array): string {
  const fail = (detail: string) => unsupported('video', `avcC ${detail}`);
  if (record.length < 7 || record[0] !== 1) throw fail('is not version 1');
  const lengthSizeMinusOne = record[4]! & 0x03;
  if (lengthSizeMinusOne !== 3) throw fail(`NAL length size ${lengthSizeMinusOne + 1}, players need 4`);
  let at = 5;
  let out = '';
  const readSets = (count: number): void => {
    for (let i = 0; i < count; i++) {
      if (at + 2 > record.length) throw fail('truncated');
      const length = (record[at]! << 8) | record[at + 1]!;
      at += 2;
      if (at + length > record.length) throw fail('truncated');
      out += START_CODE + hex(record.subarray(at, at + length));
      at += length;
    }
  };
  readSets(record[at++]! & 0x1f); // numOfSequenceParameterSets
  if (at >= record.length) throw fail('truncated');
  readSets(record[at++]!); // numOfPictureParameterSets
  // dash.js and Shaka find the SPS as `00000001` + a NAL header byte ending in 7 (SPEC-NOTES §2.2).
  if (!/00000001[0-9A-F]7/.test(out)) throw fail('has no SPS');
  return out;
}

/** VPS/SPS/PPS arrays of an hvcC in Annex-B form. */
export function hevcAnnexB(record: Uint8Array): string {
  const fail = (detail: string) => unsupported('video', `hvcC ${detail}`);
  if (record.length < 23 || record[0] !== 1) throw fail('is not version 1');
  if ((record[21]! & 0x03) !== 3) throw fail('NAL length size is not 4');
  let at = 22;
  const arrays = record[at++]!;
  let out = '';
  for (let a = 0; a < arrays; a++) {
    if (at + 3 > record.length) throw fail('truncated');
    at += 1; // array_completeness, NAL_unit_type
    const count = (record[at]! << 8) | record[at + 1]!;
    at += 2;
    for (let i = 0; i < count; i++) {
      if (at + 2 > record.length) throw fail('truncated');
      const length = (record[at]! << 8) | record[at + 1]!;
      at += 2;
      if (at + length > record.length) throw fail('truncated');
      out += START_CODE + hex(record.subarray(at, at + length));
      at += length;
    }
  }
  return out;
}

export function describeVideo(codec: CodecConfig, fallbackWidthPx: number, fallbackHeightPx: number): VideoCodecInfo {
  const widthPx = codec.widthPx || Math.round(fallbackWidthPx);
  const heightPx = codec.heightPx || Math.round(fallbackHeightPx);
  if (!codec.decoderConfigRecord) throw unsupported('video', `sample entry ${codec.format} without a decoder configuration`);
  if (codec.format === 'avc1' || codec.format === 'avc3') {
    return { fourCC: 'H264', codecPrivateDataHex: avcAnnexB(codec.decoderConfigRecord), widthPx, heightPx };
  }
  if (codec.format === 'hvc1' || codec.format === 'hev1') {
    return { fourCC: 'HVC1', codecPrivateDataHex: hevcAnnexB(codec.decoderConfigRecord), widthPx, heightPx };
  }
  throw unsupported('video', `sample entry ${codec.format}`);
}

export interface AudioCodecInfo {
  /** AACL (AAC-LC and other object types), AACH (HE-AAC: SBR 5 / PS 29); SPEC-NOTES §2.1 FourCC. */
  readonly fourCC: 'AACL' | 'AACH';
  readonly codecPrivateDataHex: string;
  readonly samplingRateHz: number;
  readonly channels: number;
  /** [MS-SSTR] requires these; players ignore them (SPEC-NOTES §2.1): 16 / 4 / 255 as IIS writes. */
  readonly bitsPerSample: 16;
  readonly packetSizeBytes: 4;
  readonly audioTag: 255;
}

const SAMPLING_FREQUENCIES_HZ = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000, 7350];
const MPEG4_AUDIO_OBJECT_TYPE = 0x40;

export function describeAudio(codec: CodecConfig): AudioCodecInfo {
  if (codec.format !== 'mp4a') throw unsupported('audio', `sample entry ${codec.format}`);
  if (codec.objectTypeIndication !== undefined && codec.objectTypeIndication !== MPEG4_AUDIO_OBJECT_TYPE) {
    throw unsupported('audio', `objectTypeIndication 0x${codec.objectTypeIndication.toString(16)} (only MPEG-4 AAC)`);
  }
  const asc = codec.audioSpecificConfig;
  if (!asc || asc.length < 2) throw unsupported('audio', 'no AudioSpecificConfig');
  const objectType = asc[0]! >> 3;
  const frequencyIndex = ((asc[0]! & 0x07) << 1) | (asc[1]! >> 7);
  const channelConfiguration = (asc[1]! >> 3) & 0x0f;
  // Shaka rebuilds the esds from SamplingRate/Channels alone (SPEC-NOTES §2.2): they must be right, so
  // prefer the ASC's own values over the sample entry's (which some muxers leave at 44100/2).
  const samplingRateHz = SAMPLING_FREQUENCIES_HZ[frequencyIndex] ?? codec.sampleRateHz ?? 0;
  const channels = channelConfiguration > 0 && channelConfiguration < 7 ? channelConfiguration : channelConfiguration === 7 ? 8 : (codec.channelCount ?? 2);
  if (!samplingRateHz) throw unsupported('audio', 'unknown sampling rate');
  return {
    fourCC: objectType === 5 || objectType === 29 ? 'AACH' : 'AACL',
    codecPrivateDataHex: hex(asc),
    samplingRateHz,
    channels,
    bitsPerSample: 16,
    packetSizeBytes: 4,
    audioTag: 255,
  };
}
