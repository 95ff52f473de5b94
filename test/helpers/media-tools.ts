/**
 * Real ffprobe/ffmpeg for the MP4 tests (STYLE.md §6 "real over mocks"): packets with their hashes,
 * stream start times and durations, and a clean-decode check.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { join } from 'node:path';

const run = promisify(execFile);

export const FIXTURES = join(__dirname, '..', '..', '..', 'test', 'fixtures');

export interface ProbePacket {
  readonly codecType: 'video' | 'audio' | string;
  readonly streamIndex: number;
  /** pts / dts in the stream's time base (integers); null when absent. */
  readonly pts: number | null;
  readonly dts: number | null;
  readonly durationTicks: number;
  readonly size: number;
  readonly keyframe: boolean;
  readonly discard: boolean;
  readonly hash: string;
}

export interface ProbeStream {
  readonly index: number;
  readonly codecType: string;
  readonly timeBase: [number, number];
  readonly startTime: number;
  readonly duration: number;
}

export interface ProbeResult {
  readonly streams: ProbeStream[];
  readonly packets: ProbePacket[];
  readonly formatDuration: number;
  readonly stderr: string;
}

export async function probe(path: string): Promise<ProbeResult> {
  const { stdout, stderr } = await run(
    'ffprobe',
    ['-v', 'error', '-show_streams', '-show_format', '-show_packets', '-show_data_hash', 'md5', '-of', 'json', path],
    { maxBuffer: 256 * 1024 * 1024 },
  );
  const json = JSON.parse(stdout) as {
    streams: Array<{ index: number; codec_type: string; time_base: string; start_time?: string; duration?: string }>;
    packets: Array<{ codec_type: string; stream_index: number; pts?: number; dts?: number; duration?: number; size: string; flags: string; data_hash: string }>;
    format: { duration?: string };
  };
  return {
    streams: json.streams.map((s) => {
      const [num, den] = s.time_base.split('/').map(Number) as [number, number];
      return { index: s.index, codecType: s.codec_type, timeBase: [num, den], startTime: Number(s.start_time ?? NaN), duration: Number(s.duration ?? NaN) };
    }),
    packets: json.packets.map((p) => ({
      codecType: p.codec_type,
      streamIndex: p.stream_index,
      pts: p.pts ?? null,
      dts: p.dts ?? null,
      durationTicks: p.duration ?? 0,
      size: Number(p.size),
      keyframe: p.flags.includes('K'),
      discard: p.flags.includes('D'),
      hash: p.data_hash,
    })),
    formatDuration: Number(json.format.duration ?? NaN),
    stderr,
  };
}

/** `ffmpeg -v error -i FILE -f null -`: the decoder's complaints, empty when the file decodes cleanly. */
export async function decodeErrors(path: string): Promise<string> {
  const { stderr } = await run('ffmpeg', ['-nostdin', '-v', 'error', '-i', path, '-f', 'null', '-'], { maxBuffer: 64 * 1024 * 1024 });
  return stderr;
}
