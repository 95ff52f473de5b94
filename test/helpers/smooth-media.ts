/** Media made at test time for the Smooth tests (never committed): ffmpeg's lavfi sources. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface SmoothMediaOptions {
  readonly durationSec: number;
  readonly size?: string;
  readonly videoBitrate?: string;
  readonly gopFrames?: number;
  readonly audio?: boolean;
  readonly video?: boolean;
}

/** H.264 High with B-frames, keyframe every 2 s at 25 fps, AAC-LC 48 kHz stereo, moov first. */
export async function makeSmoothTestMedia(outPath: string, options: SmoothMediaOptions): Promise<void> {
  const { durationSec } = options;
  const args = ['-hide_banner', '-loglevel', 'error', '-y'];
  const video = options.video ?? true;
  const audio = options.audio ?? true;
  if (video) args.push('-f', 'lavfi', '-i', `testsrc2=size=${options.size ?? '320x180'}:rate=25:duration=${durationSec}`);
  if (audio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${durationSec}`);
  if (video) {
    const gop = String(options.gopFrames ?? 50);
    args.push('-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-profile:v', 'high', '-bf', '2', '-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-b:v', options.videoBitrate ?? '300k');
  }
  if (audio) args.push('-c:a', 'aac', '-b:a', '64k', '-ac', '2');
  args.push('-movflags', '+faststart', outPath);
  await run('ffmpeg', args);
}
