/**
 * The edge that writes a StreamResponse to a node:http ServerResponse (STYLE.md §1): conditional
 * requests (304/412), Range on the plan (206 single, multipart/byteranges for several, 416 with
 * an unsatisfiable-range Content-Range of `bytes *` + `/N`), HEAD, and the body.
 * Hot path (bench/README.md): headers go out with one writeHead() of a flat list; a plan that is all in
 * memory (manifests, cached Smooth fragments) is a single res.end(), no stream machinery; file ranges
 * are pumped by PlanWriter with callback fs.read into one reused buffer per response, backpressure by
 * the write callback. File descriptors are opened before the status line (an open failure is a 500
 * before any header is sent, INTERFACE §6) and always closed — after the last byte, on a read error
 * and when the client goes away mid-body.
 */
import { randomBytes } from 'node:crypto';
import { close as fsClose, constants as fsConstants, open as fsOpen, read as fsRead } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { makeBodyPlan, sliceBodyPlan, type BodyPart, type BodyPlan, type FileRangePart, type MemoryPart } from '../streaming/body-plan';
import type { StreamResponse } from '../streaming/stream-response';
import { evaluateConditions, ifRangeAllows } from './conditional';
import { parseRangeHeader, type ByteRange } from './range';

/** First read size of a file range, and the size a slow client stays at. */
const MIN_CHUNK_BYTES = 64 * 1024;
/** Largest read size, reached by doubling while the client drains each write quickly. */
const MAX_CHUNK_BYTES = 1024 * 1024;
/** A write acknowledged within this many ms counts as "the client keeps up". */
const FAST_WRITE_MS = 20;
/**
 * Bytes above MIN_CHUNK_BYTES that all responses' read buffers may hold together: fast clients get
 * large reads, while 100 slow clients cannot make the process hold 100 × MAX_CHUNK_BYTES. 16 MiB
 * (16 clients at the largest read): every new client starts "fast" while the kernel's socket buffer
 * fills, and with 32 MiB the reliability suite's 100 slow consumers peaked at 136–145 MB RSS
 * against the 150 MB of INTERFACE §12; with 16 MiB at 110–122 MB.
 */
const LARGE_BUFFER_BUDGET_BYTES = 16 * 1024 * 1024;
let largeBufferBytesInUse = 0;

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

/** Opens each distinct file of the plan once (callback API: no FileHandle objects, no promise per read). */
function openFds(plan: BodyPlan): Promise<Map<string, number>> {
  const fds = new Map<string, number>();
  const paths: string[] = [];
  for (const part of plan.parts) if (part.kind === 'file' && !paths.includes(part.path)) paths.push(part.path);
  return new Promise((resolve, reject) => {
    let i = 0;
    const next = (): void => {
      if (i === paths.length) {
        resolve(fds);
        return;
      }
      const path = paths[i++]!;
      // O_NONBLOCK: a FIFO put in the file's place after the handler stat()ed it must not hold a libuv
      // pool thread until some writer appears; reading it then ends early and the response is cut.
      fsOpen(path, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK, (error, fd) => {
        if (error) {
          closeFds(fds, () => reject(error));
          return;
        }
        fds.set(path, fd);
        next();
      });
    };
    next();
  });
}

/** Closes every fd of the map, then calls `after` with how many there were. */
function closeFds(fds: Map<string, number>, after: (count: number) => void): void {
  const count = fds.size;
  let pending = count;
  if (pending === 0) {
    after(0);
    return;
  }
  for (const fd of fds.values()) {
    fsClose(fd, () => {
      if (--pending === 0) after(count);
    });
  }
  fds.clear();
}

/**
 * Writes a plan that has file parts to `res` with backpressure: memory parts are written as they are
 * (the plan holds them anyway), file ranges are read with fs.read into one buffer per response that is
 * reused once the socket has taken the previous chunk (the write callback), so memory per response is
 * one chunk whatever the body size. The chunk grows from 64 KiB to 1 MiB while writes are acknowledged
 * quickly (within a shared budget) and falls back to 64 KiB for a client that stops reading.
 * Calls `done` exactly once, after every fd is closed: on the last byte, on a read error (the
 * connection is cut: headers are out) and when the client goes away.
 */
class PlanWriter {
  private partIndex = 0;
  private position = 0;
  private chunkBytes = MIN_CHUNK_BYTES;
  private buffer: Buffer | null = null;
  private reservedBytes = 0;
  private slowClient = false;
  private readInFlight = false;
  private finished = false;
  private fdsClosed = false;
  private writeStartedMs = 0;
  private readonly onClose = (): void => this.finish(null, true);
  private readonly onDrain = (): void => this.step();
  private readonly onRead = (error: NodeJS.ErrnoException | null, bytesRead: number): void => this.afterRead(error, bytesRead);
  private readonly onWritten = (error?: Error | null): void => this.afterWrite(error);

  constructor(
    private readonly res: ServerResponse,
    private readonly plan: BodyPlan,
    private readonly fds: Map<string, number>,
    private readonly logger: SendLogger | undefined,
    private readonly done: (closedFds: number) => void,
  ) {}

  start(): void {
    this.res.once('close', this.onClose);
    this.step();
  }

  /** Writes memory parts and starts the next file read; returns while waiting for a read or drain. */
  private step(): void {
    const parts = this.plan.parts;
    while (!this.finished) {
      if (this.partIndex === parts.length) {
        this.res.end();
        this.finish(null, false);
        return;
      }
      const part = parts[this.partIndex]!;
      if (part.kind === 'memory') {
        this.partIndex++;
        if (part.bytes.length > 0 && !this.res.write(part.bytes)) {
          this.res.once('drain', this.onDrain);
          return;
        }
        continue;
      }
      if (this.position >= part.lengthBytes) {
        this.partIndex++;
        this.position = 0;
        continue;
      }
      const length = Math.min(this.chunkBytes, part.lengthBytes - this.position);
      if (this.buffer === null || this.buffer.length < length) this.buffer = Buffer.allocUnsafe(this.chunkBytes);
      this.readInFlight = true;
      fsRead(this.fds.get(part.path)!, this.buffer, 0, length, part.offsetBytes + this.position, this.onRead);
      return;
    }
  }

  private afterRead(error: NodeJS.ErrnoException | null, bytesRead: number): void {
    this.readInFlight = false;
    if (this.finished) {
      this.closeFds();
      return;
    }
    const part = this.plan.parts[this.partIndex] as FileRangePart;
    if (error) {
      this.finish(error, false);
      return;
    }
    if (bytesRead === 0) {
      this.finish(new Error(`${part.path} ended at ${part.offsetBytes + this.position}, expected ${part.offsetBytes + part.lengthBytes} (file changed under us)`), false);
      return;
    }
    this.position += bytesRead;
    const buffer = this.buffer!;
    this.writeStartedMs = performance.now();
    // The buffer is reused for the next read, so wait for the write callback (the socket is done
    // with it) rather than for 'drain'; that is also the backpressure.
    this.res.write(bytesRead === buffer.length ? buffer : buffer.subarray(0, bytesRead), this.onWritten);
  }

  private afterWrite(error: Error | null | undefined): void {
    if (this.finished) return;
    if (error) {
      this.finish(null, true);
      return;
    }
    this.adaptChunk(performance.now() - this.writeStartedMs);
    this.step();
  }

  private adaptChunk(elapsedMs: number): void {
    if (elapsedMs > FAST_WRITE_MS) {
      this.slowClient = true;
      if (this.chunkBytes > MIN_CHUNK_BYTES) {
        this.releaseReservation();
        this.chunkBytes = MIN_CHUNK_BYTES;
        this.buffer = null;
      }
      return;
    }
    if (this.slowClient || this.chunkBytes >= MAX_CHUNK_BYTES) return;
    const next = this.chunkBytes * 2;
    const extra = next - MIN_CHUNK_BYTES - this.reservedBytes;
    if (largeBufferBytesInUse + extra > LARGE_BUFFER_BUDGET_BYTES) return;
    largeBufferBytesInUse += extra;
    this.reservedBytes += extra;
    this.chunkBytes = next;
  }

  private releaseReservation(): void {
    largeBufferBytesInUse -= this.reservedBytes;
    this.reservedBytes = 0;
  }

  private finish(error: Error | null, clientGone: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.res.removeListener('close', this.onClose);
    this.res.removeListener('drain', this.onDrain);
    this.releaseReservation();
    this.buffer = null;
    if (error) {
      // Headers are out: the only honest signal left is a cut connection (INTERFACE §6).
      this.logger?.warn({ err: String(error) }, 'body stream ended early');
      this.res.destroy();
    } else if (clientGone && !this.res.writableFinished) {
      this.res.destroy();
    }
    // A read still running keeps its fd until it returns (afterRead closes them).
    if (!this.readInFlight) this.closeFds();
  }

  private closeFds(): void {
    if (this.fdsClosed) return;
    this.fdsClosed = true;
    closeFds(this.fds, this.done);
  }
}

/** Header list → a flat [name, value, …] array for writeHead; a repeated name replaces the earlier one (as setHeader did). */
function flatHeaders(headers: ReadonlyArray<readonly [string, string]>): string[] {
  const flat: string[] = [];
  const lower: string[] = [];
  for (const [name, value] of headers) {
    const key = name.toLowerCase();
    const at = lower.indexOf(key);
    if (at >= 0) {
      flat[2 * at] = name;
      flat[2 * at + 1] = value;
    } else {
      lower.push(key);
      flat.push(name, value);
    }
  }
  return flat;
}

let lastDateMs = NaN;
let lastDateText = '';
/** Date#toUTCString, remembered for the last time value (handlers build a new Date per response). */
function httpDate(date: Date): string {
  const ms = date.getTime();
  if (ms !== lastDateMs) {
    lastDateText = date.toUTCString();
    lastDateMs = ms;
  }
  return lastDateText;
}

/**
 * The header block of a 200 answer sent whole: the response's headers flattened, its validators and
 * Content-Length. A StreamResponse is immutable, and the Smooth answer memo and the progressive output
 * cache hand the same object out again, so the block is built once per response rather than per
 * request (bench/README.md). writeHead only reads the array; paths that change headers build their own.
 */
const preparedBlocks = new WeakMap<StreamResponse, string[]>();
function preparedHeaders(response: StreamResponse, plan: BodyPlan): string[] {
  let block = preparedBlocks.get(response);
  if (!block) {
    block = flatHeaders(response.headers);
    if (response.etag) block.push('ETag', response.etag);
    if (response.lastModified) block.push('Last-Modified', httpDate(response.lastModified));
    block.push('Content-Length', String(plan.totalBytes));
    preparedBlocks.set(response, block);
  }
  return block;
}

/** Writes `response` to `res` for `request` (method and headers are read from it). */
export async function sendStreamResponse(request: IncomingMessage, res: ServerResponse, response: StreamResponse, options: SendOptions = {}): Promise<void> {
  if (!response.plan || response.status !== 200) {
    sendError(request, res, response.status, response.headers);
    return;
  }
  const validators = { etag: response.etag, lastModified: response.lastModified };
  const method = request.method ?? 'GET';
  const requestHeaders = request.headers;
  const outcome = evaluateConditions(method, requestHeaders, validators, Date.now());
  if (outcome === 'precondition-failed') {
    sendError(request, res, 412);
    return;
  }
  const rangeHeader = requestHeaders['range'];
  const ranged = rangeHeader !== undefined && (method === 'GET' || method === 'HEAD') && ifRangeAllows(requestHeaders, validators);
  if (outcome !== 'not-modified' && !ranged) {
    await sendPlan(request, res, 200, preparedHeaders(response, response.plan), response.plan, method, options);
    return;
  }
  const headers = flatHeaders(response.headers);
  if (response.etag) headers.push('ETag', response.etag);
  if (response.lastModified) headers.push('Last-Modified', httpDate(response.lastModified));
  if (outcome === 'not-modified') {
    const kept: string[] = [];
    for (let i = 0; i < headers.length; i += 2) if (headers[i]!.toLowerCase() !== 'content-type') kept.push(headers[i]!, headers[i + 1]!);
    res.writeHead(304, kept);
    res.end();
    return;
  }

  let plan = response.plan;
  let status = 200;
  if (rangeHeader !== undefined) {
    const decision = parseRangeHeader(rangeHeader, plan.totalBytes);
    if (decision.kind === 'unsatisfiable') {
      // INTERFACE §6: every error response is logged with its reason, this one too (a 416 was silent).
      options.logger?.warn({ code: 'SG_ERR_STREAM_RANGE', status: 416, range: String(rangeHeader).slice(0, 128), totalBytes: plan.totalBytes }, 'range not satisfiable');
      sendError(request, res, 416, [['Content-Range', `bytes */${plan.totalBytes}`]]);
      return;
    }
    if (decision.kind === 'ranges') {
      status = 206;
      if (decision.ranges.length === 1) {
        const range = decision.ranges[0]!;
        plan = sliceBodyPlan(plan, range.startBytes, range.endBytes);
        headers.push('Content-Range', contentRange(range, response.plan.totalBytes));
      } else {
        const contentType = response.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? 'application/octet-stream';
        const boundary = randomBytes(12).toString('hex');
        plan = multipartPlan(plan, decision.ranges, contentType, boundary);
        for (let i = 0; i < headers.length; i += 2) {
          if (headers[i]!.toLowerCase() === 'content-type') {
            headers[i] = 'Content-Type';
            headers[i + 1] = `multipart/byteranges; boundary=${boundary}`;
          }
        }
      }
    }
  }
  headers.push('Content-Length', String(plan.totalBytes));
  await sendPlan(request, res, status, headers, plan, method, options);
}

/** The status line, `headers` (already complete, Content-Length included) and the plan's bytes. */
async function sendPlan(request: IncomingMessage, res: ServerResponse, status: number, headers: string[], plan: BodyPlan, method: string, options: SendOptions): Promise<void> {
  const parts = plan.parts;
  let hasFile = false;
  for (let i = 0; i < parts.length; i++) {
    if (parts[i]!.kind === 'file') {
      hasFile = true;
      break;
    }
  }
  if (method === 'HEAD' || !hasFile) {
    // In memory (manifests, cached fragments and moovs, error-free): status line, headers and body in
    // one go, no stream machinery. The plan already holds the bytes, so writing them all at once costs
    // no extra memory (the socket keeps references, not copies).
    res.writeHead(status, headers);
    if (method === 'HEAD') {
      res.end();
      return;
    }
    if (parts.length === 1) res.end((parts[0] as MemoryPart).bytes);
    else {
      for (const part of parts) if (part.kind === 'memory' && part.bytes.length > 0) res.write(part.bytes);
      res.end();
    }
    options.onHandlesClosed?.(0);
    return;
  }

  let fds: Map<string, number>;
  try {
    fds = await openFds(plan);
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
  if (res.destroyed) {
    // The client left while the files were being opened.
    await new Promise<void>((resolve) => closeFds(fds, (count) => {
      options.onHandlesClosed?.(count);
      resolve();
    }));
    return;
  }
  res.writeHead(status, headers);
  await new Promise<void>((resolve) => {
    new PlanWriter(res, plan, fds, options.logger, (count) => {
      options.onHandlesClosed?.(count);
      resolve();
    }).start();
  });
}
