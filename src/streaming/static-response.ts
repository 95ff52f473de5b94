/**
 * A plain file as a StreamResponse (one file range): the progressive handler's "no start/end" answer
 * and the gateway's static files share it, so Range and conditional requests behave the same for both.
 */
import { makeBodyPlan } from './body-plan';
import type { StreamResponse } from './stream-response';

/** The package version for the `X-Smoothgate` header (INTERFACE §1). */
// eslint-disable-next-line @typescript-eslint/no-var-requires
export const SMOOTHGATE_VERSION: string = (require('../../../package.json') as { version: string }).version;

export interface StaticStat {
  readonly sizeBytes: number;
  readonly mtimeMs: number;
  readonly inode: number;
}

/** node:fs Stats (or anything with size/mtimeMs/ino), accepted where a StaticStat is. */
export interface FsStatsLike {
  readonly size: number;
  readonly mtimeMs: number;
  readonly ino: number;
}

export function toStaticStat(stat: StaticStat | FsStatsLike): StaticStat {
  if ('sizeBytes' in stat) return stat;
  return { sizeBytes: stat.size, mtimeMs: stat.mtimeMs, inode: stat.ino };
}

/** Apache's default FileETag (INode MTime Size) spelled in hex, as a strong tag body without quotes. */
export function fileIdentityETag(stat: StaticStat): string {
  return `${stat.inode.toString(16)}-${stat.sizeBytes.toString(16)}-${Math.floor(stat.mtimeMs * 1000).toString(16)}`;
}

export function staticFileResponse(
  path: string,
  statLike: StaticStat | FsStatsLike,
  contentType: string,
  extraHeaders: ReadonlyArray<readonly [string, string]> = [],
): StreamResponse {
  const stat = toStaticStat(statLike);
  return {
    status: 200,
    headers: [['Content-Type', contentType], ['Accept-Ranges', 'bytes'], ...extraHeaders],
    plan: makeBodyPlan(stat.sizeBytes > 0 ? [{ kind: 'file', path, offsetBytes: 0, lengthBytes: stat.sizeBytes }] : []),
    etag: `"${fileIdentityETag(stat)}"`,
    lastModified: new Date(Math.floor(stat.mtimeMs / 1000) * 1000),
  };
}
