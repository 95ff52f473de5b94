/**
 * A client that reads a response slowly on purpose: it takes the head and the first `pauseAfterBytes`
 * of the body, stops reading (the kernel buffers fill and the server's writes block), runs `duringPause`
 * — the fault the test causes while the server is mid-body — then reads on to the end or the close.
 */
import { connect } from 'node:net';
import { rawRequest, type RawResponse } from './raw-http';

export interface SlowReadResult {
  readonly status: number | null;
  readonly contentLength: number | null;
  readonly body: Buffer;
  /** No end within the time bound. */
  readonly hung: boolean;
}

export function slowRead(port: number, target: string, pauseAfterBytes: number, duringPause: () => Promise<void>, timeoutMs = 30_000): Promise<SlowReadResult> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let received = 0;
    let paused = false;
    let done = false;
    const finish = (hung: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const raw = Buffer.concat(chunks);
      const headEnd = raw.indexOf('\r\n\r\n');
      const head = headEnd < 0 ? '' : raw.subarray(0, headEnd).toString('latin1');
      const status = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(head);
      resolve({
        status: status ? Number(status[1]) : null,
        contentLength: length ? Number(length[1]) : null,
        body: headEnd < 0 ? Buffer.alloc(0) : raw.subarray(headEnd + 4),
        hung,
      });
    };
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.on('data', (d: Buffer) => {
      chunks.push(d);
      received += d.length;
      if (!paused && received >= pauseAfterBytes) {
        paused = true;
        socket.pause();
        void duringPause()
          .then(() => new Promise((r) => setTimeout(r, 300)))
          .then(() => socket.resume(), () => socket.resume());
      }
    });
    socket.on('end', () => finish(false));
    socket.on('close', () => finish(false));
    socket.on('error', () => finish(false));
    socket.write(`GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`);
  });
}

/** A whole response read at full speed and parsed once at the close. The request must say `Connection: close`. */
export function readWhole(port: number, request: string, timeoutMs: number): Promise<RawResponse> {
  return rawRequest(port, request, { readAll: true, timeoutMs });
}
