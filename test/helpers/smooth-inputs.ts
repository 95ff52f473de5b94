/** Progressive MP4 renditions for mp4split and IIS-layout tests, made at test time (never committed). */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** H.264 (B-frames, keyframe every gopFrames at 25 fps) [+ AAC 48 kHz], plain MP4. */
export async function makeRendition(outPath: string, options: { size: string; bitrate: string; durationSec: number; audio?: boolean; gopFrames?: number }): Promise<void> {
  const gop = String(options.gopFrames ?? 50);
  const args = ['-hide_banner', '-loglevel', 'error', '-y', '-bitexact', '-f', 'lavfi', '-i', `testsrc2=size=${options.size}:rate=25:duration=${options.durationSec}`];
  if (options.audio) args.push('-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${options.durationSec}`);
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-bf', '2', '-g', gop, '-keyint_min', gop, '-sc_threshold', '0', '-b:v', options.bitrate);
  if (options.audio) args.push('-c:a', 'aac', '-b:a', '64k', '-ac', '2');
  args.push('-movflags', '+faststart', outPath);
  await run('ffmpeg', args);
}

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a bin script of this package (bin/NAME.js) with node. */
export function runBin(name: string, args: readonly string[]): Promise<CliResult> {
  const { join } = require('node:path') as typeof import('node:path');
  const script = join(__dirname, '..', '..', '..', 'bin', `${name}.js`);
  return new Promise((resolve) => {
    execFile(process.execPath, [script, ...args], { maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}
