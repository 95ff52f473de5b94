/**
 * The edge that writes a StreamResponse to a node:http ServerResponse (STYLE.md §1): conditional
 * requests (304/412), Range on the plan (206 single, multipart/byteranges for several, 416 with
 * an unsatisfiable-range Content-Range of `bytes *` + `/N`), HEAD, and the body streamed part by part with backpressure through
 * `stream/promises` pipeline(). File handles are opened before the status line (an open failure is a
 * 500 before any header is sent, INTERFACE §6) and always closed — after the last byte, on a read
 * error and when the client goes away mid-body (pipeline destroys the source, whose generator's
 * `finally` closes them).
 */
import { randomBytes } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { makeBodyPlan, sliceBodyPlan, type BodyPart, type BodyPlan } from '../streaming/body-plan';
import type { StreamResponse } from '../streaming/stream-response';
import { evaluateConditions, ifRangeAllows } from './conditional';
import { parseRangeHeader, type ByteRange } from './range';

const READ_CHUNK_BYTES = 64 * 1024;

export interface SendLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export interface SendOptions {
  readonly logger?: SendLogger;
  /** Test hook: called with the number of file handles this response opened and closed. */
  readonly onHandlesClosed?: (count: number) => void;
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found', 405: 'Method Not Allowed', 412: 'Precondition Failed',
  415: 'Unsupported Media Type', 416: 'Range Not Satisfiable', 500: 'Internal Server Error',
};

/** Apache's own error page shape (INTERFACE §4: `text/html; charset=iso-8859-1`). */
function errorPage(status: number): Buffer {
  const reason = REASONS[status] ?? 'Error';
  return Buffer.from(`<!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">\n<html><head>\n<title>${status} ${reason}</title>\n</head><body>\n<h1>${reason}</h1>\n</body></html>\n`, 'latin1');
}

function sendError(request: IncomingMessage, res: ServerResponse, status: number, headers: ReadonlyArray<readonly [string, string]> = []): void {
  const body = errorPage(status);
  for (const [name, value] of headers) res.setHeader(name, value);
  res.statusCode = status;
  res.setHeader('Content-Type', 'text/html; charset=iso-8859-1');
  res.setHeader('Content-Length', body.length);
  res.end(request.method === 'HEAD' ? undefined : body);
}

function contentRange(range: ByteRange, totalBytes: number): string {
  return `bytes ${range.startBytes}-${range.endBytes - 1}/${totalBytes}`;
}

/** multipart/byteranges (RFC 9110 §14.6) as one plan: part headers in memory, slices of the body. */
function multipartPlan(plan: BodyPlan, ranges: readonly ByteRange[], contentType: string, boundary: string): BodyPlan {
  const parts: BodyPart[] = [];
  for (const range of ranges) {
    const head = `\r\n--${boundary}\r\nContent-Type: ${contentType}\r\nContent-Range: ${contentRange(range, plan.totalBytes)}\r\n\r\n`;
    parts.push({ kind: 'memory', bytes: Buffer.from(head, 'latin1') });
    parts.push(...sliceBodyPlan(plan, range.startBytes, range.endBytes).parts);
  }
  parts.push({ kind: 'memory', bytes: Buffer.from(`\r\n--${boundary}--\r\n`, 'latin1') });
  return makeBodyPlan(parts);
}

async function openHandles(plan: BodyPlan): Promise<Map<string, FileHandle>> {
  const handles = new Map<string, FileHandle>();
  try {
    for (const part of plan.parts) {
      if (part.kind === 'file' && !handles.has(part.path)) handles.set(part.path, await open(part.path, 'r'));
    }
  } catch (error) {
    await closeAll(handles);
    throw error;
  }
  return handles;
}

async function closeAll(handles: Map<string, FileHandle>): Promise<void> {
  await Promise.allSettled([...handles.values()].map((h) => h.close()));
}

async function* planBytes(plan: BodyPlan, handles: Map<string, FileHandle>, onClosed: (() => Promise<void>)): AsyncGenerator<Uint8Array> {
  try {
    for (const part of plan.parts) {
      if (part.kind === 'memory') {
        if (part.bytes.length > 0) yield part.bytes;
        continue;
      }
      const handle = handles.get(part.path)!;
      let position = part.offsetBytes;
      const end = part.offsetBytes + part.lengthBytes;
      while (position < end) {
        const length = Math.min(READ_CHUNK_BYTES, end - position);
        const buffer = Buffer.allocUnsafe(length);
        const { bytesRead } = await handle.read(buffer, 0, length, position);
        if (bytesRead === 0) throw new Error(`${part.path} ended at ${position}, expected ${end} (file changed under us)`);
        position += bytesRead;
        yield bytesRead === length ? buffer : buffer.subarray(0, bytesRead);
      }
    }
  } finally {
    await onClosed();
  }
}

/** Writes `response` to `res` for `request` (method and headers are read from it). */
export async function sendStreamResponse(request: IncomingMessage, res: ServerResponse, response: StreamResponse, options: SendOptions = {}): Promise<void> {
  if (!response.plan || response.status !== 200) {
    sendError(request, res, response.status, response.headers);
    return;
  }
  const validators = { etag: response.etag, lastModified: response.lastModified };
  const commonHeaders: Array<readonly [string, string]> = [...response.headers];
  if (response.etag) commonHeaders.push(['ETag', response.etag]);
  if (response.lastModified) commonHeaders.push(['Last-Modified', response.lastModified.toUTCString()]);
  const method = request.method ?? 'GET';
  const outcome = evaluateConditions(method, request.headers, validators);
  if (outcome === 'precondition-failed') {
    sendError(request, res, 412);
    return;
  }
  if (outcome === 'not-modified') {
    res.statusCode = 304;
    for (const [name, value] of commonHeaders) if (name.toLowerCase() !== 'content-type') res.setHeader(name, value);
    res.end();
    return;
  }

  const contentType = response.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? 'application/octet-stream';
  let plan = response.plan;
  let status = 200;
  const headers: Array<readonly [string, string]> = [...commonHeaders];
  const rangeHeader = request.headers['range'];
  if (rangeHeader !== undefined && (method === 'GET' || method === 'HEAD') && ifRangeAllows(request.headers, validators)) {
    const decision = parseRangeHeader(rangeHeader, plan.totalBytes);
    if (decision.kind === 'unsatisfiable') {
      sendError(request, res, 416, [['Content-Range', `bytes */${plan.totalBytes}`]]);
      return;
    }
    if (decision.kind === 'ranges') {
      status = 206;
      if (decision.ranges.length === 1) {
        const range = decision.ranges[0]!;
        plan = sliceBodyPlan(plan, range.startBytes, range.endBytes);
        headers.push(['Content-Range', contentRange(range, response.plan.totalBytes)]);
      } else {
        const boundary = randomBytes(12).toString('hex');
        plan = multipartPlan(plan, decision.ranges, contentType, boundary);
        for (let i = 0; i < headers.length; i++) {
          if (headers[i]![0].toLowerCase() === 'content-type') headers[i] = ['Content-Type', `multipart/byteranges; boundary=${boundary}`];
        }
      }
    }
  }

  let handles: Map<string, FileHandle>;
  try {
    handles = method === 'HEAD' ? new Map() : await openHandles(plan);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM') {
      // As Apache and the original module: a file we may not read is 403, not 500.
      options.logger?.warn({ code: 'SG_ERR_STREAM_FORBIDDEN', err: String(error) }, 'file permissions deny server access');
      sendError(request, res, 403);
      return;
    }
    options.logger?.error({ code: 'SG_ERR_MP4_IO', err: String(error) }, 'opening the body failed');
    sendError(request, res, 500);
    return;
  }
  res.statusCode = status;
  for (const [name, value] of headers) res.setHeader(name, value);
  res.setHeader('Content-Length', plan.totalBytes);
  if (method === 'HEAD') {
    res.end();
    return;
  }
  let closed = false;
  const closeHandles = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    await closeAll(handles);
    options.onHandlesClosed?.(handles.size);
  };
  try {
    // highWaterMark 0: read the next chunk only when the socket asks for it, so a slow client holds
    // about one chunk in memory (INTERFACE §12: RSS flat with 100 slow clients).
    await pipeline(Readable.from(planBytes(plan, handles, closeHandles), { objectMode: false, highWaterMark: 0 }), res);
  } catch (error) {
    // Headers are out: the only honest signal left is a cut connection (INTERFACE §6).
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ERR_STREAM_PREMATURE_CLOSE') options.logger?.warn({ err: String(error) }, 'body stream ended early');
    res.destroy();
  } finally {
    await closeHandles();
  }
}
