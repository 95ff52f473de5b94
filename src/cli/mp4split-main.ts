/**
 * `mp4split` (INTERFACE §8): MP4 renditions → the IIS layout (`NAME_<bitrate>.ismv` per video
 * rendition, `NAME_<bitrate>.isma` audio, SMIL `NAME.ism`, client manifest `NAME.ismc`), the 2009
 * directory form (`--layout 2009`: `NAME.ism/NAME_<bitrate>.ismv`, audio in its own file, INTERFACE
 * §5.3), or only a client manifest (`-o NAME.ismc`). The fragments are the ones handleSmooth serves
 * (src/streaming/smooth), so a set written here and a set served on the fly agree. Outputs go to
 * temporary names and are renamed only when every file is complete: an interrupted run never leaves a
 * file that looks finished. Exit status 0 on success, 2 on a usage or input error (message naming it).
 */
import { open, rename, stat, unlink, mkdir, writeFile, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { isSgError, SgError } from '../errors';
import { indexMovie, type MovieIndex } from '../mp4/movie-index';
import { openFileRangeSource } from '../mp4/range-source';
import type { BodyPlan } from '../streaming/body-plan';
import { averageBitrateBps, buildMultiSet, setTemplates, writeManifest, writeServerManifest, SMOOTH_TIMESCALE, type SetEntry, type SmoothSet } from '../streaming/smooth';
import { buildIsmvFile } from '../streaming/smooth/ismv-writer';
import { fragmentDurationHns, fragmentStartHns, pickTrack } from '../streaming/smooth/timeline';
import { SMOOTHGATE_VERSION } from '../streaming/static-response';
import type { ManifestStream } from '../streaming/smooth/manifest';

const USAGE = `usage: mp4split -o OUT/NAME.ism [options] INPUT.mp4 [INPUT.mp4 …]
       mp4split -o OUT/NAME.ismc INPUT.mp4 …      (client manifest only)
       mp4split --help | --version

  -o PATH                    NAME.ism: IIS layout (or --layout 2009); NAME.ismc: client manifest only
  --layout iis|2009          iis (default): NAME_<bitrate>.ismv/.isma + NAME.ism (SMIL) + NAME.ismc
                             2009: the folder NAME.ism/ holding NAME_<bitrate>.ismv (served as NAME.mp4?manifest=1)
  --bitrate N                bitrate naming the next input's rendition (repeat per input, in order);
                             default: the track's average bitrate
  --fragment-duration SEC    fragment length for audio-only sources (default 2)
  --force                    overwrite existing outputs
  -q, --quiet                no progress output
  --progress                 a progress bar even when stderr is not a terminal
`;

interface Options {
  output: string;
  layout: 'iis' | '2009';
  bitrates: number[];
  fragmentSec: number;
  force: boolean;
  progress: boolean;
  inputs: string[];
}

class UsageError extends Error {}

function parseArgs(argv: string[]): Options | 'help' | 'version' {
  const options: Options = { output: '', layout: 'iis', bitrates: [], fragmentSec: 2, force: false, progress: process.stderr.isTTY === true, inputs: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = (): string => {
      const next = argv[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--help' || arg === '-h') return 'help';
    if (arg === '--version') return 'version';
    if (arg === '-o') options.output = value();
    else if (arg === '--layout') {
      const layout = value();
      if (layout !== 'iis' && layout !== '2009') throw new UsageError(`--layout must be iis or 2009, not ${layout}`);
      options.layout = layout;
    } else if (arg === '--bitrate') {
      const text = value();
      if (!/^[0-9]{1,12}$/.test(text) || Number(text) === 0) throw new UsageError(`--bitrate ${text}: a positive integer (bits per second)`);
      options.bitrates.push(Number(text));
    } else if (arg === '--fragment-duration') {
      const text = value();
      const seconds = Number(text);
      if (!/^[0-9]+(\.[0-9]+)?$/.test(text) || !(seconds > 0)) throw new UsageError(`--fragment-duration ${text}: a positive number of seconds`);
      options.fragmentSec = seconds;
    } else if (arg === '--force') options.force = true;
    else if (arg === '-q' || arg === '--quiet') options.progress = false;
    else if (arg === '--progress') options.progress = true;
    else if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option ${arg}`);
    else options.inputs.push(arg);
  }
  if (!options.output) throw new UsageError('-o OUT/NAME.ism is required');
  if (!/\.ismc?$/i.test(options.output)) throw new UsageError(`-o ${options.output}: the output must end in .ism or .ismc`);
  if (options.inputs.length === 0) throw new UsageError('no input files');
  if (options.bitrates.length > options.inputs.length) throw new UsageError('more --bitrate values than inputs');
  return options;
}

async function loadInput(path: string): Promise<MovieIndex> {
  const source = await openFileRangeSource(path);
  try {
    return await indexMovie(source);
  } finally {
    await source.close();
  }
}

/** The renditions: every input's video track, and the audio of the first input that has one. */
function entriesOf(inputs: readonly string[], movies: readonly MovieIndex[], bitrates: readonly number[], layout: Options['layout']): SetEntry[] {
  const entries: SetEntry[] = [];
  let audioTaken = false;
  inputs.forEach((path, i) => {
    const movie = movies[i]!;
    // The 2009 mp4split's Annex-B samples (SPEC-NOTES §1.4 F1) would be copied into fragments whose avc1
    // promises NAL lengths; reframing a whole file is not done here (smoothgate serves such files as
    // they are, reframing each fragment: docs/smooth-streaming.md).
    if (movie.tracks.some((t) => t.annexB)) throw new UsageError(`${path}: video samples are Annex-B (an .ismv of the 2009 mp4split): serve it as it is, converting it is not supported`);
    const video = pickTrack(movie, 'video');
    const audio = pickTrack(movie, 'audio');
    if (!video && !audio) throw new SgError('SG_ERR_STREAM_NO_TRACK', { type: `audio or video in ${path}` });
    if (video) entries.push({ type: 'video', path, movie, track: video, bitrateBps: bitrates[i] ?? averageBitrateBps(video) });
    if (audio && !audioTaken) {
      audioTaken = true;
      entries.push({ type: 'audio', path, movie, track: audio, bitrateBps: !video && bitrates[i] ? bitrates[i]! : averageBitrateBps(audio) });
    }
  });
  const seen = new Map<string, string>();
  for (const entry of entries) {
    // QualityLevels(N) must name one level per stream; in the 2009 layout N also names the file.
    const key = layout === '2009' ? String(entry.bitrateBps) : `${entry.type}:${entry.bitrateBps}`;
    const other = seen.get(key);
    if (other !== undefined) throw new UsageError(`${entry.path} and ${other} have the same bitrate ${entry.bitrateBps}: give --bitrate per input`);
    seen.set(key, entry.path);
  }
  return entries;
}

function clientManifest(set: SmoothSet): string {
  const templates = setTemplates('fragments', '');
  const streams: ManifestStream[] = [];
  for (const type of ['video', 'audio'] as const) {
    const levels = type === 'video' ? set.video : set.audio;
    if (levels.length === 0) continue;
    const timeline = levels[0]!.timeline;
    const first = timeline.fragmentFirstSample;
    const durations: number[] = [];
    for (let k = 0; k + 1 < first.length; k++) durations.push(fragmentDurationHns(timeline, k));
    streams.push({
      type, name: type, url: templates[type],
      ...(type === 'audio' && set.audioLanguage ? { language: set.audioLanguage } : {}),
      levels: levels.map((l) => ({ bitrateBps: l.bitrateBps, ...(l.video ? { video: l.video } : {}), ...(l.audio ? { audio: l.audio } : {}) })),
      firstChunkStartHns: fragmentStartHns(timeline, 0), chunkDurationsHns: durations,
    });
  }
  return writeManifest({ durationHns: set.durationHns, streams });
}

interface PlannedFile {
  readonly path: string;
  readonly plan?: BodyPlan;
  readonly text?: string;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function writePlan(plan: BodyPlan, out: FileHandle, onBytes: (n: number) => void): Promise<void> {
  const sources = new Map<string, FileHandle>();
  const buffer = Buffer.allocUnsafe(1024 * 1024);
  try {
    for (const part of plan.parts) {
      if (part.kind === 'memory') {
        await out.write(part.bytes);
        onBytes(part.bytes.length);
        continue;
      }
      let source = sources.get(part.path);
      if (!source) sources.set(part.path, (source = await open(part.path, 'r')));
      let done = 0;
      while (done < part.lengthBytes) {
        const want = Math.min(buffer.length, part.lengthBytes - done);
        const { bytesRead } = await source.read(buffer, 0, want, part.offsetBytes + done);
        if (bytesRead === 0) throw new SgError('SG_ERR_MP4_IO', { file: part.path, reason: 'file shrank while reading' });
        await out.write(buffer.subarray(0, bytesRead));
        done += bytesRead;
        onBytes(bytesRead);
      }
    }
  } finally {
    for (const handle of sources.values()) await handle.close();
  }
}

export async function main(argv: string[]): Promise<number> {
  let options: Options | 'help' | 'version';
  try {
    options = parseArgs(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`mp4split: ${error.message}\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  if (options === 'help') {
    process.stdout.write(USAGE);
    return 0;
  }
  if (options === 'version') {
    process.stdout.write(`mp4split (smoothgate) ${SMOOTHGATE_VERSION}\n`);
    return 0;
  }
  const temps: string[] = [];
  try {
    const movies: MovieIndex[] = [];
    for (const input of options.inputs) {
      try {
        movies.push(await loadInput(input));
      } catch (error) {
        throw new UsageError(`${input}: ${isSgError(error) ? error.message : String(error)}`);
      }
    }
    const entries = entriesOf(options.inputs, movies, options.bitrates, options.layout);
    const set = buildMultiSet(entries, Math.round(options.fragmentSec * SMOOTH_TIMESCALE), { dedupeAudio: false });
    const output = options.output;
    const name = basename(output).replace(/\.ismc?$/i, '');
    const files: PlannedFile[] = [];
    if (/\.ismc$/i.test(output)) {
      files.push({ path: output, text: clientManifest(set) });
    } else if (options.layout === '2009') {
      await mkdir(output, { recursive: true });
      for (const level of [...set.video, ...set.audio]) files.push({ path: join(output, `${name}_${level.bitrateBps}.ismv`), plan: buildIsmvFile(level).plan });
    } else {
      const folder = dirname(output);
      await mkdir(folder, { recursive: true });
      const smil = [];
      for (const level of set.video) {
        const file = `${name}_${level.bitrateBps}.ismv`;
        files.push({ path: join(folder, file), plan: buildIsmvFile(level).plan });
        smil.push({ type: 'video' as const, src: file, systemBitrateBps: level.bitrateBps, trackId: 1 });
      }
      for (const level of set.audio) {
        const file = `${name}_${level.bitrateBps}.isma`;
        files.push({ path: join(folder, file), plan: buildIsmvFile(level).plan });
        smil.push({ type: 'audio' as const, src: file, systemBitrateBps: level.bitrateBps, trackId: 1 });
      }
      files.push({ path: join(folder, `${name}.ismc`), text: clientManifest(set) });
      files.push({ path: output, text: writeServerManifest(smil, `${name}.ismc`) });
    }
    if (!options.force) {
      for (const file of files) if (await exists(file.path)) throw new UsageError(`${file.path} exists (use --force to overwrite)`);
    }
    const totalBytes = files.reduce((sum, f) => sum + (f.plan?.totalBytes ?? 0), 0);
    let writtenBytes = 0;
    let shownPercent = -1;
    const progress = (n: number): void => {
      writtenBytes += n;
      if (!options.progress || totalBytes === 0) return;
      const percent = Math.floor((writtenBytes * 100) / totalBytes);
      if (percent === shownPercent) return;
      shownPercent = percent;
      const bar = '#'.repeat(Math.floor(percent / 4)).padEnd(25, '.');
      process.stderr.write(`\rmp4split [${bar}] ${percent}%`);
    };
    for (const file of files) {
      const temp = join(dirname(file.path), `.${basename(file.path)}.partial-${process.pid}`);
      temps.push(temp);
      try {
        if (file.text !== undefined) await writeFile(temp, file.text);
        else {
          const out = await open(temp, 'w');
          try {
            await writePlan(file.plan!, out, progress);
          } finally {
            await out.close();
          }
        }
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code) throw new UsageError(`cannot write ${file.path}: ${code}`);
        throw error;
      }
    }
    if (options.progress && totalBytes > 0) process.stderr.write('\n');
    for (let i = 0; i < files.length; i++) await rename(temps[i]!, files[i]!.path);
    temps.length = 0;
    if (options.progress) process.stderr.write(`mp4split: wrote ${files.map((f) => basename(f.path)).join(', ')}\n`);
    return 0;
  } catch (error) {
    for (const temp of temps) await unlink(temp).catch(() => undefined);
    if (error instanceof UsageError) {
      process.stderr.write(`mp4split: ${error.message}\n`);
      return 2;
    }
    if (isSgError(error)) {
      process.stderr.write(`mp4split: ${error.message}\n`);
      return 2;
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string') {
      process.stderr.write(`mp4split: cannot write ${options.output}: ${code}\n`);
      return 2;
    }
    throw error;
  }
}
