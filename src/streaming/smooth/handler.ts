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
import { makeBodyPlan, type BodyPlan } from '../body-plan';
import { errorResponse, type FileStat, type ProgressiveDeps } from '../progressive/handler';
import { fileIdentityETag, SMOOTHGATE_VERSION } from '../static-response';
import type { StreamResponse } from '../stream-response';
import { buildFragment, type ReframedSamples } from './fragment';
import { reframeFragmentSamples } from './annex-b-fragment';
import { verbatimFragment } from './ismv-passthrough';
import { gatherPlan, memoryPlan, worthGathering } from './fragment-bytes';
import { writeManifest, type ManifestStream } from './manifest';
import { resolveSmoothOptions, type SmoothOptions } from './options';
import { parseSmoothQuery, type SmoothQuery } from './query';
import { SmoothCache } from './smooth-cache';
import { levelsOf, singleMovieSet, type SmoothLevel, type SmoothSet } from './smooth-set';
import { findFragment, fragmentDurationHns, fragmentStartHns, type SmoothTrackType } from './timeline';
import { setTemplates, singleFileTemplates, urlFormOf, type UrlTemplates } from './url-template';
import { buildSet2009, levelForFile, memberOf, setFolderOf, setMembers, type LoadedMember } from './set-2009';

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
  /** Names in a folder; null when it does not exist. Needed for the 2009 layout (`X.ism/` sets). */
  readonly readDirectory?: (path: string) => Promise<string[] | null>;
  /** A small text file (the IIS server manifest), at most maxBytes; null when it does not exist. */
  readonly readTextFile?: (path: string, maxBytes: number) => Promise<string | null>;
}

const ALLOWED_METHODS = 'GET, HEAD';

export function corsHeaders(options: SmoothOptions): Array<[string, string]> {
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
export function cacheOf(deps: SmoothDeps): SmoothCache {
  if (deps.smoothCache) return deps.smoothCache;
  let cache = fallbackCaches.get(deps);
  if (!cache) fallbackCaches.set(deps, (cache = new SmoothCache()));
  return cache;
}

/** Resolved options per deps: the defaults are merged once per server, not once per request. */
const resolvedOptions = new WeakMap<SmoothDeps, SmoothOptions>();
export function optionsOf(deps: SmoothDeps): SmoothOptions {
  let options = resolvedOptions.get(deps);
  if (!options) resolvedOptions.set(deps, (options = resolveSmoothOptions(deps.smoothOptions)));
  return options;
}

export async function handleSmooth(request: SmoothRequest, deps: SmoothDeps): Promise<StreamResponse> {
  const options = optionsOf(deps);
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
    const cache = cacheOf(deps);
    const member = memberOf(request.filePath);
    if (query.kind === 'fragment' && member) {
      // `X.ism/X_N.ismv?video=T` (2009 layout): the file's level within its set, so audio fragments
      // follow the set's video boundaries exactly as the manifest lists them.
      const stat = await statOrThrow(deps, request.filePath);
      const movie = await deps.indexCache.get(identityOf(request.filePath, stat), () => loadIndex(deps, request.filePath));
      const set = await loadSet(member.directory, member.stem, deps, options, cache);
      if (!set) throw new SgError('SG_ERR_STREAM_NOT_FOUND', { what: 'set' });
      const level = levelForFile(set.set, query.type, request.filePath, movie);
      if (!level) throw new SgError('SG_ERR_STREAM_NO_TRACK', { type: query.type });
      return await fragmentOfLevel(query.type, query.timeHns, level, stat, options, false, { cache, openSource: deps.openSource });
    }
    if (query.kind === 'manifest') {
      const folder = setFolderOf(request.filePath);
      const set = folder ? await loadSet(folder.directory, folder.stem, deps, options, cache) : null;
      if (set && folder) {
        const form = urlFormOf(request.originalTarget);
        const stem = request.originalTarget !== undefined ? stemOfTarget(request.originalTarget, folder.stem) : folder.stem;
        return manifestResponse(request, set, options, cache, setTemplates(form, stem));
      }
    }
    if (query.kind === 'manifest') return manifestResponse(request, await loadSingle(request.filePath, deps, options), options, cache);
    // A single file's fragment: this request's stat, then the finished answer when one is kept
    // (response-memo.ts), else the full lookup.
    const stat = await statOrThrow(deps, request.filePath);
    const memoKey = `${request.filePath}\u0000${fileIdentityETag(stat)}\u0000${query.type}\u0000${query.timeHns}`;
    const answers = cache.answersFor(options);
    const memo = answers.get(memoKey);
    if (memo) return memo;
    const response = await fragmentResponse(query, await loadSingle(request.filePath, deps, options, stat), options, { cache, openSource: deps.openSource });
    answers.set(memoKey, response);
    return response;
  } catch (error) {
    if (isSgError(error)) return errorResponse(error, cors);
    deps.logger?.error({ file: request.filePath, err: String(error) }, 'unexpected failure in the Smooth handler');
    return errorResponse(new SgError('SG_ERR_MP4_MALFORMED', { box: 'file', detail: `unexpected: ${String(error).slice(0, 200)}` }), cors);
  }
}

/** X of the client's `…/X.mp4?manifest=1` (its spelling, for the direct set template), else `fallback`. */
function stemOfTarget(originalTarget: string, fallback: string): string {
  const q = originalTarget.indexOf('?');
  const path = q < 0 ? originalTarget : originalTarget.slice(0, q);
  const m = /([^/]+)\.mp4$/i.exec(path);
  if (!m) return fallback;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    // A %-escape that is no UTF-8 (`/b%E0.mp4?manifest=1`, which routing maps to a real file) threw a
    // URIError here and turned a servable set into an "unexpected failure" 415: use the folder's stem.
    return fallback;
  }
}

export interface LoadedSource {
  readonly set: SmoothSet;
  /** Identity of the source(s) for the validators, and the newest mtime. */
  readonly identityTag: string;
  readonly mtimeMs: number;
  readonly filePath: string;
}

export async function statOrThrow(deps: SmoothDeps, filePath: string): Promise<FileStat> {
  let stat: FileStat | null;
  try {
    stat = await deps.statFile(filePath);
  } catch (cause) {
    throw new SgError('SG_ERR_MP4_IO', { file: filePath, reason: 'stat failed' }, { cause });
  }
  if (!stat || !stat.isFile) throw new SgError('SG_ERR_STREAM_NOT_FOUND', { what: 'file' });
  return stat;
}

export function identityOf(filePath: string, stat: FileStat): FileIdentity {
  return { path: filePath, sizeBytes: stat.sizeBytes, mtimeMs: stat.mtimeMs, inode: stat.inode };
}

async function loadSingle(filePath: string, deps: SmoothDeps, options: SmoothOptions, knownStat?: FileStat): Promise<LoadedSource> {
  const stat = knownStat ?? (await statOrThrow(deps, filePath));
  const movie = await deps.indexCache.get(identityOf(filePath, stat), () => loadIndex(deps, filePath));
  const set = cacheOf(deps).setFor(movie, `single\u0000${options.audioOnlyFragmentHns}`, () => singleMovieSet(movie, filePath, options.audioOnlyFragmentHns));
  return { set, identityTag: fileIdentityETag(stat), mtimeMs: stat.mtimeMs, filePath };
}

/** The 2009 set in `directory` (null when the folder is missing or holds no `stem_N.ismv`). */
async function loadSet(directory: string, stem: string, deps: SmoothDeps, options: SmoothOptions, cache: SmoothCache): Promise<LoadedSource | null> {
  if (!deps.readDirectory) return null;
  const names = await deps.readDirectory(directory);
  if (!names) return null;
  const members = setMembers(directory, stem, names);
  if (members.length === 0) return null;
  const stats: FileStat[] = [];
  for (const member of members) stats.push(await statOrThrow(deps, member.path));
  const identityTag = members.map((m, i) => `${m.bitrateBps}:${fileIdentityETag(stats[i]!)}`).join(',');
  const key = `${directory}\u0000${identityTag}\u0000${options.audioOnlyFragmentHns}`;
  const set = await cache.setForKey(key, async () => {
    const loaded: LoadedMember[] = [];
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!;
      const movie = await deps.indexCache.get(identityOf(member.path, stats[i]!), () => loadIndex(deps, member.path));
      loaded.push({ ...member, movie });
    }
    return buildSet2009(loaded, options.audioOnlyFragmentHns);
  });
  return { set, identityTag, mtimeMs: Math.max(...stats.map((s) => s.mtimeMs)), filePath: directory };
}

export async function loadIndex(deps: SmoothDeps, path: string): Promise<MovieIndex> {
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
    for (let k = 0; k < durations.length; k++) durations[k] = fragmentDurationHns(timeline, k);
    streams.push({
      type,
      name: type,
      url: templates[type],
      ...(type === 'audio' && set.audioLanguage ? { language: set.audioLanguage } : {}),
      levels: levels.map((level) => ({ bitrateBps: level.bitrateBps, ...(level.video ? { video: level.video } : {}), ...(level.audio ? { audio: level.audio } : {}) })),
      firstChunkStartHns: fragmentStartHns(timeline, 0),
      chunkDurationsHns: durations,
    });
  }
  return streams;
}

/** Entity tags by their input: a hot fragment or manifest is hashed once, not per request. */
const etags = new Map<string, string>();
const MAX_MEMO_ETAGS = 4096;

function validators(identityTag: string, mtimeMs: number, parts: string): { etag: string; lastModified: Date } {
  const input = `${identityTag}|${parts}`;
  let etag = etags.get(input);
  if (etag === undefined) {
    etag = `"${createHash('sha1').update(input).digest('base64url').slice(0, 27)}"`;
    if (etags.size >= MAX_MEMO_ETAGS) etags.clear();
    etags.set(input, etag);
  }
  return { etag, lastModified: new Date(Math.floor(mtimeMs / 1000) * 1000) };
}

export function manifestResponse(request: Pick<SmoothRequest, 'originalTarget' | 'headers' | 'filePath'>, source: LoadedSource, options: SmoothOptions, cache: SmoothCache, templates?: UrlTemplates): StreamResponse {
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
  return { status: 200, headers, plan: makeBodyPlan([{ kind: 'memory', bytes }]), ...validators(source.identityTag, source.mtimeMs, `manifest|${key}|${gzip ? 'gz' : ''}`) };
}

/** A single MP4's fragment: its only level of the asked type (415 when the source lacks that type, §6). */
export function fragmentResponse(query: Extract<SmoothQuery, { kind: 'fragment' }>, source: LoadedSource, options: SmoothOptions, gather?: GatherDeps): Promise<StreamResponse> {
  const level = levelsOf(source.set, query.type)[0];
  if (!level) throw new SgError('SG_ERR_STREAM_NO_TRACK', { type: query.type });
  return fragmentOfLevel(query.type, query.timeHns, level, source, options, false, gather);
}

export interface GatherDeps {
  readonly cache: SmoothCache;
  readonly openSource: SmoothDeps['openSource'];
}

/** The fragment of `level` containing `timeHns` (404 outside the timeline), or its moof alone. */
export async function fragmentOfLevel(type: SmoothTrackType, timeHns: number, level: SmoothLevel, source: FileStat | { identityTag: string; mtimeMs: number }, options: SmoothOptions, infoOnly: boolean, gather?: GatherDeps): Promise<StreamResponse> {
  const identityTag = 'identityTag' in source ? source.identityTag : fileIdentityETag(source);
  const index = findFragment(level.timeline, timeHns);
  if (index < 0) throw new SgError('SG_ERR_STREAM_NO_FRAGMENT', { type, timeHns: String(timeHns) });
  const headers: Array<[string, string]> = [
    ['Content-Type', type === 'video' ? 'video/mp4' : 'audio/mp4'],
    ['Accept-Ranges', 'bytes'],
    ['X-Smoothgate', SMOOTHGATE_VERSION],
  ];
  if (options.cacheControlFragment !== null) headers.push(['Cache-Control', options.cacheControlFragment]);
  headers.push(...corsHeaders(options));
  const parts = `${type}|${level.sourcePath}|${level.timeline.track.trackId}|${fragmentStartHns(level.timeline, index)}|${infoOnly ? 'info' : ''}`;
  const key = `${identityTag}|${parts}`;
  // A gathered fragment is served from memory without rebuilding its moof (fragment-bytes.ts).
  const cached = !infoOnly && gather ? gather.cache.fragments.get(key) : undefined;
  let plan: BodyPlan;
  if (cached) plan = memoryPlan(cached);
  else {
    // A source moof+mdat that already is this fragment goes out as it is (ismv-passthrough.ts).
    const verbatim = verbatimFragment(level.timeline, index);
    if (verbatim) {
      plan = makeBodyPlan([{ kind: 'file', path: level.sourcePath, offsetBytes: verbatim.offsetBytes, lengthBytes: infoOnly ? verbatim.moofBytes : verbatim.lengthBytes }]);
    } else {
      let reframed: ReframedSamples | undefined;
      if (level.timeline.track.annexB) {
        if (!gather) throw new SgError('SG_ERR_MP4_UNSUPPORTED', { detail: 'Annex-B samples need reframing and no file access was given' });
        reframed = await reframeFragmentSamples(level.timeline, index, level.sourcePath, gather.openSource);
      }
      const fragment = buildFragment(level.timeline, index, level.sourcePath, reframed);
      plan = infoOnly ? makeBodyPlan([{ kind: 'memory', bytes: fragment.moof }]) : fragment.plan;
      if (reframed && !infoOnly && gather) {
        // Reframing read and copied every sample: keep the result like a gathered fragment.
        const bytes = Buffer.concat(plan.parts.map((part) => (part.kind === 'memory' ? part.bytes : new Uint8Array(0))));
        gather.cache.fragments.set(key, bytes);
        plan = memoryPlan(bytes);
      }
    }
    if (!infoOnly && gather && worthGathering(plan)) {
      const bytes = await gatherPlan(plan, gather.openSource);
      gather.cache.fragments.set(key, bytes);
      plan = memoryPlan(bytes);
    }
  }
  return { status: 200, headers, plan, ...validators(identityTag, source.mtimeMs, parts) };
}
