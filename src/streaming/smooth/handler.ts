/**
 * The Smooth Streaming side of `h264-streaming` (issue 5; INTERFACE §5, §5.2, §6, §7): client manifests
 * and fragments of a single MP4, built on the fly from the cached sample index. Same shape as the
 * progressive handler — `handleSmooth(request, deps) → StreamResponse`, no sockets — so the gateway
 * dispatches on the query (`isSmoothQuery`) and src/http sends the answer (Range, conditionals, HEAD).
 */
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { isSgError, SgError } from '../../errors';
import { indexMovie, type MovieIndex } from '../../mp4/movie-index';
import type { FileIdentity } from '../../mp4/index-cache';
import { makeBodyPlan } from '../body-plan';
import { errorResponse, type FileStat, type ProgressiveDeps } from '../progressive/handler';
import { fileIdentityETag, SMOOTHGATE_VERSION } from '../static-response';
import type { StreamResponse } from '../stream-response';
import { buildFragment } from './fragment';
import { writeManifest, type ManifestStream } from './manifest';
import { resolveSmoothOptions, type SmoothOptions } from './options';
import { parseSmoothQuery, type SmoothQuery } from './query';
import { SmoothCache } from './smooth-cache';
import { levelsOf, singleMovieSet, type SmoothLevel, type SmoothSet } from './smooth-set';
import { findFragment, type SmoothTrackType } from './timeline';
import { singleFileTemplates, urlFormOf, type UrlTemplates } from './url-template';

export interface SmoothRequest {
  readonly method: string;
  /** The mapped file (`X.mp4` after the site's rewrite rules). */
  readonly filePath: string;
  /** The raw query string of the mapped request, without `?` (or with: it is skipped). */
  readonly query: string;
  /** The raw request target the client sent, before any rewriting: picks the Url template (§5.2). */
  readonly originalTarget?: string;
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
}

/** The progressive handler's dependencies, plus the `streaming` options and the Smooth cache. */
export interface SmoothDeps extends ProgressiveDeps {
  readonly smoothOptions?: Partial<SmoothOptions>;
  /** Timelines and manifest bytes per index (created on first use when absent; share one per server). */
  readonly smoothCache?: SmoothCache;
}

const ALLOWED_METHODS = 'GET, HEAD';

function corsHeaders(options: SmoothOptions): Array<[string, string]> {
  return options.corsAllowOrigin === null ? [] : [['Access-Control-Allow-Origin', options.corsAllowOrigin]];
}

function acceptsGzip(headers: SmoothRequest['headers']): boolean {
  const raw = headers?.['accept-encoding'];
  const value = Array.isArray(raw) ? raw.join(',') : (raw ?? '');
  for (const item of value.split(',')) {
    const [coding, ...params] = item.trim().toLowerCase().split(';');
    if (coding !== 'gzip' && coding !== 'x-gzip') continue;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return !q || Number(q.slice(2)) > 0;
  }
  return false;
}

const fallbackCaches = new WeakMap<ProgressiveDeps, SmoothCache>();
function cacheOf(deps: SmoothDeps): SmoothCache {
  if (deps.smoothCache) return deps.smoothCache;
  let cache = fallbackCaches.get(deps);
  if (!cache) fallbackCaches.set(deps, (cache = new SmoothCache()));
  return cache;
}

export async function handleSmooth(request: SmoothRequest, deps: SmoothDeps): Promise<StreamResponse> {
  const options = resolveSmoothOptions(deps.smoothOptions);
  const response = await answer(request, deps, options);
  if (deps.logger && response.status >= 400) {
    const fields = { code: response.errorCode, status: response.status, file: request.filePath, query: request.query };
    if (response.status >= 500) deps.logger.error(fields, response.reason ?? 'error');
    else deps.logger.warn(fields, response.reason ?? 'error');
  }
  return response;
}

async function answer(request: SmoothRequest, deps: SmoothDeps, options: SmoothOptions): Promise<StreamResponse> {
  const cors = corsHeaders(options);
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return errorResponse(new SgError('SG_ERR_STREAM_METHOD', { method: request.method }), [['Allow', ALLOWED_METHODS], ...cors]);
  }
  try {
    const query = parseSmoothQuery(request.query);
    if (query.kind === 'none') throw new SgError('SG_ERR_STREAM_BAD_PARAMETER', { name: 'query', value: 'no manifest/video/audio key' });
    const source = await loadSingle(request.filePath, deps, options);
    if (query.kind === 'manifest') return manifestResponse(request, source, options, cacheOf(deps));
    return fragmentResponse(query, source, options);
  } catch (error) {
    if (isSgError(error)) return errorResponse(error, cors);
    deps.logger?.error({ file: request.filePath, err: String(error) }, 'unexpected failure in the Smooth handler');
    return errorResponse(new SgError('SG_ERR_MP4_MALFORMED', { box: 'file', detail: `unexpected: ${String(error).slice(0, 200)}` }), cors);
  }
}

interface LoadedSource {
  readonly set: SmoothSet;
  readonly stat: FileStat;
  readonly filePath: string;
}

async function loadSingle(filePath: string, deps: SmoothDeps, options: SmoothOptions): Promise<LoadedSource> {
  let stat: FileStat | null;
  try {
    stat = await deps.statFile(filePath);
  } catch (cause) {
    throw new SgError('SG_ERR_MP4_IO', { file: filePath, reason: 'stat failed' }, { cause });
  }
  if (!stat || !stat.isFile) throw new SgError('SG_ERR_STREAM_NOT_FOUND', { what: 'file' });
  const identity: FileIdentity = { path: filePath, sizeBytes: stat.sizeBytes, mtimeMs: stat.mtimeMs, inode: stat.inode };
  const movie = await deps.indexCache.get(identity, () => loadIndex(deps, filePath));
  const set = cacheOf(deps).setFor(movie, `single\u0000${options.audioOnlyFragmentHns}`, () => singleMovieSet(movie, filePath, options.audioOnlyFragmentHns));
  return { set, stat, filePath };
}

async function loadIndex(deps: SmoothDeps, path: string): Promise<MovieIndex> {
  const source = await deps.openSource(path);
  try {
    return await indexMovie(source);
  } finally {
    await source.close();
  }
}

function manifestStreams(set: SmoothSet, templates: UrlTemplates): ManifestStream[] {
  const streams: ManifestStream[] = [];
  for (const type of ['video', 'audio'] as const) {
    const levels = levelsOf(set, type);
    if (levels.length === 0) continue;
    // The chunk list of a StreamIndex is its first level's (a set's levels share boundaries: checked
    // when the set is built).
    const timeline = levels[0]!.timeline;
    const first = timeline.fragmentFirstSample;
    const durations = new Float64Array(first.length - 1);
    for (let k = 0; k < durations.length; k++) durations[k] = timeline.sampleTimesHns[first[k + 1]!]! - timeline.sampleTimesHns[first[k]!]!;
    streams.push({
      type,
      name: type,
      url: templates[type],
      ...(type === 'audio' && set.audioLanguage ? { language: set.audioLanguage } : {}),
      levels: levels.map((level) => ({ bitrateBps: level.bitrateBps, ...(level.video ? { video: level.video } : {}), ...(level.audio ? { audio: level.audio } : {}) })),
      firstChunkStartHns: timeline.sampleTimesHns[first[0]!]!,
      chunkDurationsHns: durations,
    });
  }
  return streams;
}

function validators(stat: FileStat, parts: string): { etag: string; lastModified: Date } {
  const etag = `"${createHash('sha1').update(`${fileIdentityETag(stat)}|${parts}`).digest('base64url').slice(0, 27)}"`;
  return { etag, lastModified: new Date(Math.floor(stat.mtimeMs / 1000) * 1000) };
}

export function manifestResponse(request: SmoothRequest, source: LoadedSource, options: SmoothOptions, cache: SmoothCache, templates?: UrlTemplates): StreamResponse {
  const form = urlFormOf(request.originalTarget);
  const chosen = templates ?? singleFileTemplates(form, source.filePath, request.originalTarget);
  const key = `${chosen.video}\u0000${chosen.audio}`;
  const gzip = options.gzip && acceptsGzip(request.headers);
  const bytes = cache.manifestFor(source.set, key, gzip, () => writeManifest({ durationHns: source.set.durationHns, streams: manifestStreams(source.set, chosen) }), gzipSync);
  const headers: Array<[string, string]> = [
    ['Content-Type', options.manifestContentType],
    ['X-Smoothgate', SMOOTHGATE_VERSION],
    ['Vary', 'Accept-Encoding'],
  ];
  if (gzip) headers.push(['Content-Encoding', 'gzip']);
  if (options.cacheControlManifest !== null) headers.push(['Cache-Control', options.cacheControlManifest]);
  headers.push(...corsHeaders(options));
  return { status: 200, headers, plan: makeBodyPlan([{ kind: 'memory', bytes }]), ...validators(source.stat, `manifest|${key}|${gzip ? 'gz' : ''}`) };
}

export function fragmentResponse(query: Extract<SmoothQuery, { kind: 'fragment' }>, source: LoadedSource, options: SmoothOptions, level?: SmoothLevel, infoOnly = false): StreamResponse {
  const chosen = level ?? levelsOf(source.set, query.type)[0];
  if (!chosen) throw new SgError('SG_ERR_STREAM_NO_TRACK', { type: query.type });
  return fragmentOfLevel(query.type, query.timeHns, chosen, source.stat, options, infoOnly);
}

export function fragmentOfLevel(type: SmoothTrackType, timeHns: number, level: SmoothLevel, stat: FileStat, options: SmoothOptions, infoOnly: boolean): StreamResponse {
  const index = findFragment(level.timeline, timeHns);
  if (index < 0) throw new SgError('SG_ERR_STREAM_NO_FRAGMENT', { type, timeHns: String(timeHns) });
  const fragment = buildFragment(level.timeline, index, level.sourcePath);
  const headers: Array<[string, string]> = [
    ['Content-Type', type === 'video' ? 'video/mp4' : 'audio/mp4'],
    ['Accept-Ranges', 'bytes'],
    ['X-Smoothgate', SMOOTHGATE_VERSION],
  ];
  if (options.cacheControlFragment !== null) headers.push(['Cache-Control', options.cacheControlFragment]);
  headers.push(...corsHeaders(options));
  const plan = infoOnly ? makeBodyPlan([{ kind: 'memory', bytes: fragment.moof }]) : fragment.plan;
  return { status: 200, headers, plan, ...validators(stat, `${type}|${level.timeline.track.trackId}|${fragment.startHns}|${infoOnly ? 'info' : ''}`) };
}
