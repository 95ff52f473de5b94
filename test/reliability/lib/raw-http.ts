/**
 * A raw HTTP/1.1 client for hostile requests: sends exactly the bytes given (no header validation,
 * no normalisation of the target), reads until the server closes or the first response is complete,
 * and reports a hang when nothing conclusive arrives within the time bound.
 */
import { connect } from 'node:net';

export interface RawResponse {
  /** Status of the first response, null when none arrived (connection closed or hang). */
  readonly status: number | null;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** No complete answer and no close within `timeoutMs`. */
  readonly hung: boolean;
  /** Milliseconds from connect to the verdict. */
  readonly ms: number;
  /** Every byte received (for smuggling checks: a second response must never appear). */
  readonly raw: Buffer;
}

export interface RawOptions {
  readonly timeoutMs?: number;
  /**
   * Keep reading after the first response until close/timeout (to see smuggled second responses);
   * the bytes are parsed once at the end, so this is also the way to read a large body whole.
   */
  readonly readAll?: boolean;
  /** Write the request in these chunks, waiting `gapMs` between them (slow senders). */
  readonly chunks?: readonly (string | Buffer)[];
  readonly gapMs?: number;
}

export function rawRequest(port: number, request: string | Buffer, options: RawOptions = {}): Promise<RawResponse> {
  const timeoutMs = options.timeoutMs ?? 5000;
  const started = Date.now();
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    let done = false;
    const finish = (hung: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(received);
      resolve({ ...parseFirstResponse(raw), hung, ms: Date.now() - started, raw });
    };
    const timer = setTimeout(() => {
      // A complete-looking first response with a keep-alive connection is not a hang; a body still
      // short of its length when time is up is one (with readAll too).
      const parsed = parseFirstResponse(Buffer.concat(received));
      finish(parsed.status === null || !parsed.complete);
    }, timeoutMs);
    socket.on('data', (d: Buffer) => {
      received.push(d);
      if (!options.readAll && parseFirstResponse(Buffer.concat(received)).complete) finish(false);
    });
    socket.on('close', () => finish(false));
    socket.on('error', () => finish(false));
    socket.on('connect', async () => {
      if (options.chunks) {
        for (const chunk of options.chunks) {
          if (socket.destroyed) return;
          socket.write(chunk);
          await new Promise((r) => setTimeout(r, options.gapMs ?? 100));
        }
      } else {
        socket.write(request);
      }
    });
  });
}

/** Parses the status line, headers and (Content-Length or chunked) body of the first response. */
export function parseFirstResponse(raw: Buffer): { status: number | null; headers: Record<string, string>; body: Buffer; complete: boolean } {
  const headEnd = raw.indexOf('\r\n\r\n');
  if (headEnd < 0) return { status: null, headers: {}, body: Buffer.alloc(0), complete: false };
  const lines = raw.subarray(0, headEnd).toString('latin1').split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const i = line.indexOf(':');
    if (i > 0) headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  const rest = raw.subarray(headEnd + 4);
  const status = m ? Number(m[1]) : null;
  if (headers['content-length'] !== undefined) {
    const n = Number(headers['content-length']);
    return { status, headers, body: rest.subarray(0, n), complete: rest.length >= n };
  }
  if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
    return { status, headers, body: rest, complete: rest.includes('\r\n0\r\n\r\n') || rest.subarray(0, 5).toString() === '0\r\n\r\n' };
  }
  // 1xx/204/304 have no body; otherwise the body ends at close.
  const bodyless = status !== null && (status < 200 || status === 204 || status === 304);
  return { status, headers, body: rest, complete: bodyless };
}
