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

export interface SetRendition {
  readonly bitrateBps: number;
  readonly size: string;
  readonly gopFrames?: number;
  /** Mux the (identical) audio into this file too, as the 2009 mp4split did (INTERFACE §5.3). */
  readonly withAudio?: boolean;
  readonly encrypted?: boolean;
}

/**
 * A 2009-layout set `dir/stem.ism/stem_<bitrate>.ismv` written by ffmpeg `-f ismv` (fragmented, mfra):
 * one file per video rendition, plus `stem_<audioBitrate>.ismv` holding the audio alone when
 * `audioFileBitrateBps` is given. Same test pattern in every rendition, keyframes every `gopFrames`.
 */
export async function makeSet2009(dir: string, stem: string, renditions: readonly SetRendition[], options: { durationSec: number; audioFileBitrateBps?: number }): Promise<string> {
  const { mkdir } = await import('node:fs/promises');
  const { join } = await import('node:path');
  const folder = join(dir, `${stem}.ism`);
  await mkdir(folder, { recursive: true });
  const common = ['-hide_banner', '-loglevel', 'error', '-y', '-bitexact'];
  const audioArgs = ['-c:a', 'aac', '-b:a', '64k', '-ac', '2'];
  const audioInput = ['-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${options.durationSec}`];
  await Promise.all(renditions.map((r) => {
    const gop = String(r.gopFrames ?? 50);
    const args = [...common, '-f', 'lavfi', '-i', `testsrc2=size=${r.size}:rate=25:duration=${options.durationSec}`];
    if (r.withAudio) args.push(...audioInput);
    args.push('-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-profile:v', 'high', '-bf', '2', '-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-b:v', String(r.bitrateBps));
    if (r.withAudio) args.push(...audioArgs);
    if (r.encrypted) args.push('-encryption_scheme', 'cenc-aes-ctr', '-encryption_key', '00112233445566778899aabbccddeeff', '-encryption_kid', '00112233445566778899aabbccddeeff');
    args.push('-f', 'ismv', join(folder, `${stem}_${r.bitrateBps}.ismv`));
    return run('ffmpeg', args);
  }));
  if (options.audioFileBitrateBps) {
    await run('ffmpeg', [...common, ...audioInput, ...audioArgs, '-f', 'ismv', join(folder, `${stem}_${options.audioFileBitrateBps}.ismv`)]);
  }
  return folder;
}
