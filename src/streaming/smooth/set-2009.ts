/**
 * The 2009 layout (issue 5 "Sources"; INTERFACE §5, §5.3; SPEC-NOTES §1.3 "mp4_scanfiles"): a folder
 * `X.ism/` beside `X.mp4` holding `X_<bitrate>.ismv` files (fragmented MP4, as ffmpeg `-f ismv` and
 * our mp4split write them). The files become QualityLevels sorted by bitrate, each Bitrate the number
 * that names its file (SPEC-NOTES §1.4 M6: not a measured rate, not 4,500,000). Unlike the original
 * (readdir order, any name, at most 8 files, no chunk list check), only `X_<digits>.ismv` count, in
 * any number, and video levels whose fragment boundaries differ are a 415 (SG_ERR_STREAM_UNALIGNED),
 * never a manifest whose chunk list fits only the first file.
 *
 * Audio (§5.3): every distinct audio track once — identical tracks in several files (the 2009 mp4split
 * muxed the same audio into each) count once — with the Bitrate of the lowest-N file carrying it, so
 * `QualityLevels(N)/Fragments(audio=T)` reaches a file that has it.
 *
 * Fragments are the ISMV's own moof+mdat bytes when those already are what players need
 * (ismv-passthrough.ts), else rebuilt from its flattened sample index (src/mp4 fragment-index) with the
 * same writer as a plain MP4, so a served moof always has data_offset, explicit sample flags and tfxd,
 * whichever muxer wrote the file (the 2009 mp4split's included: annex-b-fragment.ts).
 */
import { basename, dirname, join } from 'node:path';
import { SgError } from '../../errors';
import type { MovieIndex } from '../../mp4/movie-index';
import type { TrackIndex } from '../../mp4/track-index';
import { describeLevel, languageOf, refuseProtected, type SmoothLevel, type SmoothSet } from './smooth-set';
import {
  alignedBoundaries, createTimeline, fixedBoundaries, fragmentCount, fragmentStartHns, pickTrack, timelineSpanHns, videoBoundaries,
  type SmoothTrackTimeline,
} from './timeline';
import { mapDecodeTimes } from './time-hns';

const ISMV_NAME = /^(.+)_([0-9]{1,12})\.ismv$/i;

export interface SetMember {
  readonly path: string;
  readonly bitrateBps: number;
}

/** `X_<bitrate>.ismv` names of a folder listing, for stem X, sorted by bitrate (first of equal ones wins). */
export function setMembers(directory: string, stem: string, names: readonly string[]): SetMember[] {
  const seen = new Set<number>();
  const members: SetMember[] = [];
  for (const name of [...names].sort()) {
    const m = ISMV_NAME.exec(name);
    if (!m || m[1] !== stem) continue;
    const bitrateBps = Number(m[2]);
    if (bitrateBps <= 0 || seen.has(bitrateBps)) continue;
    seen.add(bitrateBps);
    members.push({ path: join(directory, name), bitrateBps });
  }
  return members.sort((a, b) => a.bitrateBps - b.bitrateBps);
}

/** `/d/X.mp4` → the set folder `/d/X.ism` and stem `X` (null when the name does not end in .mp4). */
export function setFolderOf(mp4Path: string): { directory: string; stem: string } | null {
  const name = basename(mp4Path);
  const m = /^(.+)\.mp4$/i.exec(name);
  return m ? { directory: join(dirname(mp4Path), `${m[1]}.ism`), stem: m[1]! } : null;
}

/** `/d/X.ism/X_N.ismv` → folder `/d/X.ism`, stem `X`, bitrate N (null when the path is no set member). */
export function memberOf(ismvPath: string): { directory: string; stem: string; bitrateBps: number } | null {
  const directory = dirname(ismvPath);
  const folder = /^(.+)\.ism$/i.exec(basename(directory));
  const m = ISMV_NAME.exec(basename(ismvPath));
  if (!folder || !m || m[1] !== folder[1]) return null;
  return { directory, stem: folder[1]!, bitrateBps: Number(m[2]) };
}

/** Tracks count as the same audio when their codec setup, samples and times agree (§5.3). */
function audioIdentity(track: TrackIndex): string {
  const asc = track.codecs[0]?.audioSpecificConfig;
  let totalBytes = 0;
  for (let i = 0; i < track.sampleCount; i++) totalBytes += track.sizeBytes[i]!;
  return [track.codecs[0]?.format, asc ? Buffer.from(asc).toString('hex') : '', track.timescale, track.sampleCount, totalBytes, track.dtsTs[track.sampleCount]].join('|');
}

function sameStarts(a: SmoothTrackTimeline, b: SmoothTrackTimeline): boolean {
  if (fragmentCount(a) !== fragmentCount(b)) return false;
  for (let k = 0; k < fragmentCount(a); k++) if (fragmentStartHns(a, k) !== fragmentStartHns(b, k)) return false;
  return true;
}

export interface LoadedMember extends SetMember {
  readonly movie: MovieIndex;
}

export function buildSet2009(members: readonly LoadedMember[], audioOnlyFragmentHns: number): SmoothSet {
  const entries: SetEntry[] = [];
  for (const member of members) {
    for (const type of ['video', 'audio'] as const) {
      const track = pickTrack(member.movie, type);
      if (track) entries.push({ type, path: member.path, bitrateBps: member.bitrateBps, movie: member.movie, track });
    }
  }
  return buildMultiSet(entries, audioOnlyFragmentHns, { dedupeAudio: true });
}

export interface SetEntry {
  readonly type: 'video' | 'audio';
  readonly path: string;
  readonly bitrateBps: number;
  readonly movie: MovieIndex;
  readonly track: TrackIndex;
}

/**
 * Levels of several files in one SmoothSet: video levels must share fragment starts (else 415), audio
 * follows the first video level's boundaries (§5.1); with `dedupeAudio`, identical audio tracks count
 * once (entries come sorted by bitrate, so the lowest N keeps it).
 */
export function buildMultiSet(entries: readonly SetEntry[], audioOnlyFragmentHns: number, options: { dedupeAudio: boolean }): SmoothSet {
  const sorted = [...entries].sort((a, b) => a.bitrateBps - b.bitrateBps);
  const video: SmoothLevel[] = [];
  for (const entry of sorted) {
    refuseProtected(entry.movie);
    if (entry.type !== 'video') continue;
    const track = entry.track;
    const timeline = createTimeline('video', track, videoBoundaries(track));
    if (video.length > 0 && !sameStarts(video[0]!.timeline, timeline)) {
      throw new SgError('SG_ERR_STREAM_UNALIGNED', { detail: `${basename(entry.path)} has keyframes at other times than ${basename(video[0]!.sourcePath)}` });
    }
    video.push(describeLevel(timeline, entry.path, entry.bitrateBps));
  }
  const audio: SmoothLevel[] = [];
  const seen = new Set<string>();
  let language: string | undefined;
  for (const entry of sorted) {
    if (entry.type !== 'audio') continue;
    const track = entry.track;
    if (options.dedupeAudio) {
      const identity = audioIdentity(track);
      if (seen.has(identity)) continue;
      seen.add(identity);
    }
    const reference = video[0]?.timeline;
    let timeline: SmoothTrackTimeline;
    if (reference) {
      timeline = createTimeline('audio', track, alignedBoundaries(track, reference.track, reference.fragmentFirstSample));
    } else {
      const sampleTimesHns = mapDecodeTimes(track.dtsTs, track.timescale);
      timeline = createTimeline('audio', track, fixedBoundaries(sampleTimesHns, audioOnlyFragmentHns, track), sampleTimesHns);
    }
    if (audio.length > 0 && !sameStarts(audio[0]!.timeline, timeline)) {
      throw new SgError('SG_ERR_STREAM_UNALIGNED', { detail: `audio of ${basename(entry.path)} does not line up with ${basename(audio[0]!.sourcePath)}` });
    }
    language ??= languageOf(track);
    audio.push(describeLevel(timeline, entry.path, entry.bitrateBps));
  }
  if (video.length === 0 && audio.length === 0) throw new SgError('SG_ERR_STREAM_NO_TRACK', { type: 'audio or video' });
  let durationHns = 0;
  for (const level of [...video, ...audio]) durationHns = Math.max(durationHns, timelineSpanHns(level.timeline).endHns);
  return { video, audio, durationHns, ...(language ? { audioLanguage: language } : {}) };
}

/**
 * The level a `X_N.ismv?<type>=T` request reads: that file's own level, or for audio carried by a
 * higher-N file as well, the level of the file the manifest names for it (same samples, §5.3).
 */
export function levelForFile(set: SmoothSet, type: 'video' | 'audio', path: string, movie: MovieIndex): SmoothLevel | null {
  const levels = type === 'video' ? set.video : set.audio;
  const own = levels.find((l) => l.sourcePath === path);
  if (own) return own;
  if (type === 'audio') {
    const track = pickTrack(movie, 'audio');
    if (!track) return null;
    const identity = audioIdentity(track);
    return levels.find((l) => audioIdentity(l.timeline.track) === identity) ?? null;
  }
  return null;
}
