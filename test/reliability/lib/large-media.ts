/**
 * A large progressive MP4 for the slow-consumer runs, made with ffmpeg at test time (never
 * committed) and cached under the OS temp folder so repeated runs skip the encode. Ultrafast x264 at
 * a high bit rate: about 35 MB in a couple of seconds, keyframe every 2 s so `?start=` cuts work.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function largeTestMp4(durationSec = 60): Promise<{ path: string; bytes: number }> {
  const dir = join(tmpdir(), 'smoothgate-reliability-media');
  mkdirSync(dir, { recursive: true });
  const path = join(dir, `large-${durationSec}s-6M.mp4`);
  if (!existsSync(path)) {
    // Written under a temporary name and renamed: a killed run never leaves a half file in the cache.
    const partial = `${path}.${process.pid}.partial.mp4`;
    await run('ffmpeg', [
      '-hide_banner', '-loglevel', 'error', '-y',
      '-f', 'lavfi', '-i', `testsrc2=size=640x360:rate=25:duration=${durationSec}`,
      '-f', 'lavfi', '-i', `sine=frequency=440:sample_rate=48000:duration=${durationSec}`,
      '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-g', '50', '-keyint_min', '50', '-sc_threshold', '0',
      '-b:v', '6M', '-maxrate', '6M', '-bufsize', '2M',
      '-c:a', 'aac', '-b:a', '64k', '-movflags', '+faststart', partial,
    ]);
    renameSync(partial, path);
  }
  return { path, bytes: statSync(path).size };
}
