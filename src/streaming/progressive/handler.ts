/**
 * The progressive handler of `h264-streaming` (issue 3; INTERFACE §5, §5.1, §6): the file as it is
 * when no cut is asked for, else a new ftyp + rewritten moov + mdat from the source's byte ranges. It
 * returns a StreamResponse (no sockets); src/http turns it into bytes and applies Range and the
 * conditional headers on the generated representation, as Apache's byterange filter did for the
 * original (SPEC-NOTES §1.1 "Range").
 */
import { createHash } from 'node:crypto';
import { isSgError, SgError } from '../../errors';
import type { MovieIndex } from '../../mp4/movie-index';
import { indexMovie } from '../../mp4/movie-index';
import type { FileIdentity, IndexCache } from '../../mp4/index-cache';
import type { ClosableRangeSource } from '../../mp4/range-source';
import type { StreamResponse } from '../stream-response';
import { resolveClip } from './clip';
import { planCut } from './cut';
import { buildCutBody } from './cut-body';
import { formatSeconds } from './decimal-seconds';
import { parseProgressiveQuery, wantsCut, type ProgressiveQuery } from './query';
import { OutputCache } from './output-cache';
import { fileIdentityETag, staticFileResponse, SMOOTHGATE_VERSION } from '../static-response';

export interface ProgressiveRequest {
  readonly method: string;
  /** The mapped file. */
  readonly filePath: string;
  /** The raw query string, without `?` (or with: it is skipped). */
  readonly query: string;
  readonly headers?: Readonly<Record<string, string | string[] | undefined>>;
}

export interface FileStat {
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  readonly inode: number;
  readonly isFile: boolean;
}

export interface ProgressiveLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface ProgressiveDeps {
  readonly indexCache: IndexCache;
  /** Opens the file for the indexer; the handler closes it. */
  readonly openSource: (path: string) => Promise<ClosableRangeSource>;
  /** stat(); null when the file does not exist. */
  readonly statFile: (path: string) => Promise<FileStat | null>;
  /** Cache of generated headers (optional; see output-cache.ts). */
  readonly outputCache?: OutputCache;
  readonly logger?: ProgressiveLogger;
  /**
   * Headers added to every answer of this handler, errors included (INTERFACE §3 `streaming.cors`
   * → Access-Control-Allow-Origin, `streaming.cacheControl.progressive` → Cache-Control).
   */
  readonly extraHeaders?: ReadonlyArray<readonly [string, string]>;
}

const ALLOWED_METHODS = 'GET, HEAD';

export function errorResponse(error: SgError, extraHeaders: ReadonlyArray<readonly [string, string]> = []): StreamResponse {
  return {
    status: error.httpStatus ?? 500,
    headers: extraHeaders,
    plan: null,
    errorCode: error.code,
    reason: error.message,
  };
}

function logError(deps: ProgressiveDeps, request: ProgressiveRequest, response: StreamResponse): void {
  if (!deps.logger || response.status < 400) return;
  const fields = { code: response.errorCode, status: response.status, file: request.filePath, query: request.query };
  if (response.status >= 500) deps.logger.error(fields, response.reason ?? 'error');
  else deps.logger.warn(fields, response.reason ?? 'error');
}

/** Canonical parameters of a cut, for the ETag and the output cache key. */
function canonicalParameters(query: ProgressiveQuery): string {
  const clip = resolveClip(query);
  return [
    clip.startSec ? `s=${formatSeconds(clip.startSec)}` : '',
    clip.endSec ? `e=${formatSeconds(clip.endSec)}` : '',
    query.adaptive ? 'a' : '',
  ].join(';');
}

export async function handleProgressive(request: ProgressiveRequest, deps: ProgressiveDeps): Promise<StreamResponse> {
  const response = await answer(request, deps);
  logError(deps, request, response);
  if (!deps.extraHeaders || deps.extraHeaders.length === 0) return response;
  return { ...response, headers: [...response.headers, ...deps.extraHeaders] };
}

async function answer(request: ProgressiveRequest, deps: ProgressiveDeps): Promise<StreamResponse> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return errorResponse(new SgError('SG_ERR_STREAM_METHOD', { method: request.method }), [['Allow', ALLOWED_METHODS]]);
  }
  let query: ProgressiveQuery;
  let parameters: string;
  try {
    query = parseProgressiveQuery(request.query);
    parameters = wantsCut(query) ? canonicalParameters(query) : '';
  } catch (error) {
    if (isSgError(error)) return errorResponse(error);
    throw error;
  }
  let stat: FileStat | null;
  try {
    stat = await deps.statFile(request.filePath);
  } catch (cause) {
    return errorResponse(new SgError('SG_ERR_MP4_IO', { file: request.filePath, reason: 'stat failed' }, { cause }));
  }
  if (!stat || !stat.isFile) return errorResponse(new SgError('SG_ERR_STREAM_NOT_FOUND', { what: 'file' }));
  const identity: FileIdentity = { path: request.filePath, sizeBytes: stat.sizeBytes, mtimeMs: stat.mtimeMs, inode: stat.inode };
  // The file as it is (INTERFACE §5). Still the handler's answer, so it carries X-Smoothgate as the
  // original's X-Mod-H264-Streaming was on every 2xx of a mapped file (SPEC-NOTES §1.1).
  if (!wantsCut(query)) return staticFileResponse(request.filePath, stat, 'video/mp4', [['X-Smoothgate', SMOOTHGATE_VERSION]]);

  const cacheKey = `${identity.path}\u0000${identity.sizeBytes}\u0000${identity.mtimeMs}\u0000${identity.inode}\u0000${parameters}`;
  const cached = deps.outputCache?.get(cacheKey);
  if (cached) return cached;
  try {
    const movie = await deps.indexCache.get(identity, () => loadIndex(deps, request.filePath));
    // Concurrent first requests for one cut all waited on the same index load; the first one to run
    // on from here fills the output cache, the rest reuse its answer instead of building their own.
    const built = deps.outputCache?.get(cacheKey);
    if (built) return built;
    refuseUnsupported(movie);
    const cut = planCut(movie, resolveClip(query));
    const body = buildCutBody(movie, cut, request.filePath, { adaptive: query.adaptive });
    const etag = `"${createHash('sha1').update(`${fileIdentityETag(stat)}|${parameters}|${body.plan.totalBytes}`).digest('base64url').slice(0, 27)}"`;
    const response: StreamResponse = {
      status: 200,
      headers: [
        ['Content-Type', 'video/mp4'],
        ['Accept-Ranges', 'bytes'],
        ['X-Smoothgate', SMOOTHGATE_VERSION],
      ],
      plan: body.plan,
      etag,
      lastModified: new Date(stat.mtimeMs),
    };
    deps.outputCache?.set(cacheKey, response, body.headerBytes);
    return response;
  } catch (error) {
    if (isSgError(error)) return errorResponse(error);
    // A RangeError or TypeError from a hostile file that slipped past a check: still the file's fault
    // as far as the client is concerned (INTERFACE §0: fuzzed MP4s get 415, never 500), but logged as
    // our bug at error level so it gets fixed.
    deps.logger?.error({ file: request.filePath, err: String(error) }, 'unexpected failure while indexing or cutting');
    return errorResponse(new SgError('SG_ERR_MP4_MALFORMED', { box: 'file', detail: `unexpected: ${String(error).slice(0, 200)}` }));
  }
}

async function loadIndex(deps: ProgressiveDeps, path: string): Promise<MovieIndex> {
  const source = await deps.openSource(path);
  try {
    return await indexMovie(source);
  } finally {
    await source.close();
  }
}

const PROTECTED_FORMATS = new Set(['encv', 'enca', 'encs', 'enct']);

/** INTERFACE §6: encrypted (PIFF/CENC) sources and sources we cannot describe answer 415. */
function refuseUnsupported(movie: MovieIndex): void {
  for (const track of movie.tracks) {
    // The 2009 mp4split's Annex-B samples (SPEC-NOTES §1.4 F1) would be copied into an avc1 track that
    // promises length-prefixed NAL units; only the Smooth path reframes them.
    if (track.annexB) throw new SgError('SG_ERR_MP4_UNSUPPORTED', { detail: `track ${track.trackId} holds Annex-B samples (2009 mp4split ISMV): served through the Smooth URLs only` });
    for (const codec of track.codecs) {
      if (PROTECTED_FORMATS.has(codec.format)) throw new SgError('SG_ERR_MP4_ENCRYPTED', { scheme: codec.format });
    }
  }
}
