/**
 * The `smooth-streaming` handler (INTERFACE §1, §4, §5; SPEC-NOTES §2.6): the IIS layout, reached by
 * path info after a SMIL server manifest `X.ism` — `X.ism/Manifest` (any case),
 * `X.ism/QualityLevels(N)/Fragments(video=T)`, `…/FragmentInfo(video=T)` — with no rewrite rule. The
 * sources (`.ismv`, `.isma`, `.mp4`) are the files the SMIL names, each track chosen by its `trackID`
 * param (else the file's first track of that type); `QualityLevels(N)` selects the level whose
 * `systemBitrate` is N within the StreamIndex named in `Fragments(<name>=T)`.
 *
 * Statuses (INTERFACE §6, SPEC-NOTES §2.6 "Errors"): unknown bitrate, track name, source file or path
 * info → 404; time outside the timeline → 404, inside a fragment → that fragment; unaligned keyframes or
 * encrypted sources → 415; malformed numbers → 400; methods other than GET/HEAD → 405.
 */
import { dirname } from 'node:path';
import { isSgError, SgError } from '../../errors';
import type { StreamResponse } from '../stream-response';
import { errorResponse, type FileStat } from '../progressive/handler';
import { fileIdentityETag } from '../static-response';
import {
  cacheOf, corsHeaders, fragmentOfLevel, identityOf, loadIndex, manifestResponse, optionsOf, statOrThrow,
  type LoadedSource, type SmoothDeps,
} from './handler';
import { parseIisTarget } from './iis-path';
import type { SmoothOptions } from './options';
import { parseServerManifest, sourcePathOf } from './server-manifest';
import { buildMultiSet, type SetEntry } from './set-2009';
import { setTemplates } from './url-template';

export interface IisRequest {
  readonly method: string;
  /** The mapped server manifest `X.ism`. */
  readonly filePath: string;
  /** The rest of the URL after `X.ism` (Apache's PATH_INFO), e.g. `/QualityLevels(300000)/Fragments(video=0)`. */
  readonly pathInfo: string;
  readonly query: string;
  readonly originalTarget?: string;
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
}

const MAX_SERVER_MANIFEST_BYTES = 1024 * 1024;

export async function handleIis(request: IisRequest, deps: SmoothDeps): Promise<StreamResponse> {
  const options = optionsOf(deps);
  const response = await answer(request, deps, options);
  if (deps.logger && response.status >= 400) {
    const fields = { code: response.errorCode, status: response.status, file: request.filePath, pathInfo: request.pathInfo, query: request.query };
    if (response.status >= 500) deps.logger.error(fields, response.reason ?? 'error');
    else deps.logger.warn(fields, response.reason ?? 'error');
  }
  return response;
}

async function answer(request: IisRequest, deps: SmoothDeps, options: SmoothOptions): Promise<StreamResponse> {
  const cors = corsHeaders(options);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return errorResponse(new SgError('SG_ERR_STREAM_METHOD', { method: request.method }), [['Allow', 'GET, HEAD'], ...cors]);
  }
  try {
    const target = parseIisTarget(request.pathInfo, request.query);
    if (target.kind === 'unknown') throw new SgError('SG_ERR_STREAM_NOT_FOUND', { what: `path ${request.pathInfo.slice(0, 128) || '(none)'}` });
    const source = await loadIisSet(request.filePath, deps, options);
    if (target.kind === 'manifest') {
      // The base of a `X.ism/Manifest` URL is `X.ism/`: QualityLevels(…) resolves beside it (§5.2).
      return manifestResponse({ ...request, originalTarget: request.originalTarget ?? '/Manifest' }, source, options, cacheOf(deps), setTemplates('fragments', ''));
    }
    const levels = target.type === 'video' ? source.set.video : source.set.audio;
    const level = levels.find((l) => l.bitrateBps === target.bitrateBps);
    if (!level) {
      if (levels.length === 0) throw new SgError('SG_ERR_STREAM_NO_TRACK', { type: target.type });
      throw new SgError('SG_ERR_STREAM_NOT_FOUND', { what: `QualityLevels(${target.bitrateBps}) of ${target.type}` });
    }
    return await fragmentOfLevel(target.type, target.timeHns, level, source, options, target.infoOnly, { cache: cacheOf(deps), openSource: deps.openSource });
  } catch (error) {
    if (isSgError(error)) return errorResponse(error, cors);
    deps.logger?.error({ file: request.filePath, err: String(error) }, 'unexpected failure in the IIS handler');
    return errorResponse(new SgError('SG_ERR_MP4_MALFORMED', { box: 'file', detail: `unexpected: ${String(error).slice(0, 200)}` }), cors);
  }
}

async function loadIisSet(ismPath: string, deps: SmoothDeps, options: SmoothOptions): Promise<LoadedSource> {
  const ismStat = await statOrThrow(deps, ismPath);
  if (!deps.readTextFile) throw new SgError('SG_ERR_STREAM_SERVER_MANIFEST', { file: ismPath, detail: 'no reader configured' });
  const text = await deps.readTextFile(ismPath, MAX_SERVER_MANIFEST_BYTES);
  if (text === null) throw new SgError('SG_ERR_STREAM_SERVER_MANIFEST', { file: ismPath, detail: 'unreadable' });
  const entries = parseServerManifest(text, ismPath);
  const folder = dirname(ismPath);
  const paths = [...new Set(entries.map((e) => sourcePathOf(folder, e.src, ismPath)))];
  const stats = new Map<string, FileStat>();
  for (const path of paths) stats.set(path, await statOrThrow(deps, path));
  const identityTag = [fileIdentityETag(ismStat), ...paths.map((p) => fileIdentityETag(stats.get(p)!))].join(',');
  const key = `iis\u0000${ismPath}\u0000${identityTag}\u0000${options.audioOnlyFragmentHns}`;
  const set = await cacheOf(deps).setForKey(key, async () => {
    const setEntries: SetEntry[] = [];
    for (const entry of entries) {
      const path = sourcePathOf(folder, entry.src, ismPath);
      const movie = await deps.indexCache.get(identityOf(path, stats.get(path)!), () => loadIndex(deps, path));
      const handler = entry.type === 'video' ? 'vide' : 'soun';
      const track = movie.tracks.find((t) => t.handlerType === handler && t.sampleCount > 0 && (entry.trackId === undefined || t.trackId === entry.trackId))
        // mp4split-style trackID 1 names the file's only track of that type; tolerate a renumbered file.
        ?? (entry.trackId !== undefined ? movie.tracks.find((t) => t.handlerType === handler && t.sampleCount > 0) : undefined);
      if (!track) throw new SgError('SG_ERR_STREAM_NOT_FOUND', { what: `${entry.type} track ${entry.trackId ?? ''} in ${entry.src}` });
      setEntries.push({ type: entry.type, path, bitrateBps: entry.systemBitrateBps, movie, track });
    }
    return buildMultiSet(setEntries, options.audioOnlyFragmentHns, { dedupeAudio: false });
  });
  const mtimeMs = Math.max(ismStat.mtimeMs, ...[...stats.values()].map((s) => s.mtimeMs));
  return { set, identityTag, mtimeMs, filePath: ismPath };
}
