/**
 * H.264 sample framing. In MP4 an AVC sample is a sequence of NAL units each preceded by its length
 * (ISO/IEC 14496-15 §5.3.2, length size from the avcC); the 2009 mp4split wrote `.ismv` samples in the
 * byte-stream format of ITU-T H.264 Annex B instead — every length replaced by a `00 00 00 01` start
 * code and the SPS/PPS prepended to each fragment's first sample (SPEC-NOTES §1.3 "Fragments", §1.4
 * F1), sometimes with no avcC at all. Players declare 4-byte lengths in the avcC they synthesise
 * (SPEC-NOTES §2.3 "NAL length"), so such samples are reframed before they are sent, and the decoder
 * configuration is rebuilt from the parameter sets found in the samples.
 */

const NAL_TYPE_SPS = 7;
const NAL_TYPE_PPS = 8;

/** True when `sample` parses exactly as NAL units with `lengthSizeBytes`-byte lengths (forbidden_zero_bit 0). */
export function isLengthPrefixed(sample: Uint8Array, lengthSizeBytes: number): boolean {
  let at = 0;
  if (sample.length === 0) return false;
  while (at < sample.length) {
    if (at + lengthSizeBytes > sample.length) return false;
    let length = 0;
    for (let k = 0; k < lengthSizeBytes; k++) length = length * 256 + sample[at + k]!;
    at += lengthSizeBytes;
    if (length === 0 || at + length > sample.length || (sample[at]! & 0x80) !== 0) return false;
    at += length;
  }
  return true;
}

/**
 * True when the first `probe.length` bytes of a sample of `sampleSizeBytes` read consistently as NAL
 * units with `lengthSizeBytes`-byte lengths: every length fits the sample, every unit header inside the
 * probe has forbidden_zero_bit 0, and a probe holding the whole sample ends exactly on a unit.
 */
export function probeIsLengthPrefixed(probe: Uint8Array, sampleSizeBytes: number, lengthSizeBytes: number): boolean {
  if (probe.length >= sampleSizeBytes) return isLengthPrefixed(probe.subarray(0, sampleSizeBytes), lengthSizeBytes);
  let at = 0;
  while (at + lengthSizeBytes <= probe.length) {
    let length = 0;
    for (let k = 0; k < lengthSizeBytes; k++) length = length * 256 + probe[at + k]!;
    at += lengthSizeBytes;
    if (length === 0 || at + length > sampleSizeBytes) return false;
    if (at < probe.length && (probe[at]! & 0x80) !== 0) return false;
    at += length;
  }
  return true;
}

/**
 * Whether a (first) sample is an Annex-B byte stream: it opens with a start code and does not read as
 * length-prefixed NAL units with the avcC's length size. Both tests are needed: a 3-byte start code is
 * also a 4-byte length of 256–511 (x264's leading SEI often is), and a 4-byte start code a length of 1.
 */
export function looksLikeAnnexB(probe: Uint8Array, sampleSizeBytes: number, lengthSizeBytes: number | null): boolean {
  if (!startsWithStartCode(probe)) return false;
  return lengthSizeBytes === null || !probeIsLengthPrefixed(probe, sampleSizeBytes, lengthSizeBytes);
}

/** True when `sample` opens with an Annex-B start code (`00 00 01` or `00 00 00 01`). */
export function startsWithStartCode(sample: Uint8Array): boolean {
  if (sample.length >= 4 && sample[0] === 0 && sample[1] === 0 && sample[2] === 0 && sample[3] === 1) return true;
  return sample.length >= 3 && sample[0] === 0 && sample[1] === 0 && sample[2] === 1;
}

/**
 * The NAL units of an Annex-B byte stream (H.264 Annex B.2: a unit runs from after one start code to the
 * next `00 00 00` or `00 00 01`; trailing_zero_8bits are dropped). Emulation prevention (§7.4.1)
 * guarantees a unit never contains those patterns itself.
 */
export function annexBUnits(stream: Uint8Array): Uint8Array[] {
  const units: Uint8Array[] = [];
  let unitStart = -1;
  let i = 0;
  const n = stream.length;
  while (i + 2 < n) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      if (unitStart >= 0) units.push(trimTrailingZeros(stream.subarray(unitStart, i)));
      i += 3;
      unitStart = i;
      continue;
    }
    i++;
  }
  if (unitStart >= 0 && unitStart < n) units.push(trimTrailingZeros(stream.subarray(unitStart)));
  return units.filter((u) => u.length > 0);
}

function trimTrailingZeros(unit: Uint8Array): Uint8Array {
  let end = unit.length;
  while (end > 0 && unit[end - 1] === 0) end--;
  return unit.subarray(0, end);
}

/** Annex-B units as 4-byte length-prefixed NAL units (the form players and ffmpeg read in MP4). */
export function annexBToLengthPrefixed(stream: Uint8Array): Uint8Array {
  const units = annexBUnits(stream);
  let total = 0;
  for (const unit of units) total += 4 + unit.length;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const unit of units) {
    view.setUint32(at, unit.length);
    out.set(unit, at + 4);
    at += 4 + unit.length;
  }
  return out;
}

/**
 * An AVCDecoderConfigurationRecord (ISO/IEC 14496-15 §5.3.3.1) from the SPS and PPS units of an
 * Annex-B sample, with 4-byte NAL lengths (the reframed samples' form); null when either is missing.
 * Profile, compatibility and level are the SPS's bytes 1–3, as the record requires.
 */
export function avcConfigFromAnnexB(sample: Uint8Array): Uint8Array | null {
  const units = annexBUnits(sample);
  const sps = dedupe(units.filter((u) => (u[0]! & 0x1f) === NAL_TYPE_SPS && u.length >= 4));
  const pps = dedupe(units.filter((u) => (u[0]! & 0x1f) === NAL_TYPE_PPS));
  if (sps.length === 0 || pps.length === 0 || sps.length > 31 || pps.length > 255) return null;
  let total = 7;
  for (const unit of [...sps, ...pps]) total += 2 + unit.length;
  const out = new Uint8Array(total);
  const first = sps[0]!;
  out.set([1, first[1]!, first[2]!, first[3]!, 0xfc | 3, 0xe0 | sps.length]);
  let at = 6;
  const put = (unit: Uint8Array): void => {
    out[at] = unit.length >> 8;
    out[at + 1] = unit.length & 0xff;
    out.set(unit, at + 2);
    at += 2 + unit.length;
  };
  for (const unit of sps) put(unit);
  out[at++] = pps.length;
  for (const unit of pps) put(unit);
  return out;
}

function dedupe(units: Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return units.filter((u) => {
    const key = Buffer.from(u.buffer, u.byteOffset, u.byteLength).toString('hex');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The avcC with lengthSizeMinusOne set to 3: what it describes once the samples carry 4-byte lengths. */
export function withFourByteLengths(record: Uint8Array): Uint8Array {
  const out = record.slice();
  if (out.length > 4) out[4] = out[4]! | 0x03;
  return out;
}
