/**
 * A legacy backend that misbehaves on cue, written on node:net so it can break HTTP in ways a real
 * HTTP server never would (issue 6 "Faults": refuses, resets mid-body, stalls, returns garbage).
 * The request path names the fault: `/ok…` is a well-formed keep-alive answer (the healthy route;
 * after `/ok/closing…` the next request on that connection is dropped, as when it races a quiet
 * close), `/fault/<name>` one of FAULTS. Everything it opens is closed by `close()`.
 */
import { createServer, type Server, type Socket } from 'node:net';

/** Bytes a healthy answer carries (enough for several TCP writes through the gateway). */
const HEALTHY_BODY = Buffer.alloc(8 * 1024, 0x6f);
/** What a broken answer promises in Content-Length before it breaks. */
const PROMISED_BYTES = 1024 * 1024;

export const FAULTS = [
  'reset-at-once',
  'reset-mid-body',
  'close-after-headers',
  'close-mid-body',
  'stall-before-headers',
  'stall-mid-body',
  'garbage',
  'invalid-status-line',
  'content-length-and-chunked',
  'conflicting-content-lengths',
  'huge-headers',
  'bad-chunked',
  'bad-chunked-after-data',
  'chunked-cut-halfway',
] as const;
export type FaultName = (typeof FAULTS)[number];

export interface FaultBackend {
  readonly url: string;
  readonly port: number;
  /** Requests seen per path (what reached the backend at all). */
  readonly seen: Map<string, number>;
  close(): Promise<void>;
}

function healthyAnswer(path: string): Buffer {
  const head = `HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: ${HEALTHY_BODY.length + path.length + 1}\r\nKeep-Alive: timeout=5\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, 'latin1'), Buffer.from(`${path}\n`), HEALTHY_BODY]);
}

/** Acts out one fault on the socket that carried its request. */
function actOut(fault: FaultName, socket: Socket): void {
  const partial = Buffer.alloc(16 * 1024, 0x78);
  switch (fault) {
    case 'reset-at-once':
      // TCP RST (SO_LINGER 0) before a single byte of answer.
      socket.resetAndDestroy();
      return;
    case 'reset-mid-body':
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${PROMISED_BYTES}\r\n\r\n`);
      socket.write(partial, () => setTimeout(() => socket.resetAndDestroy(), 50));
      return;
    case 'close-after-headers':
      // A complete head promising a body, then a clean close (FIN) before any body byte.
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${PROMISED_BYTES}\r\n\r\n`, () => setTimeout(() => socket.end(), 50));
      return;
    case 'close-mid-body':
      // Part of the promised body, then a clean close: shorter than Content-Length (RFC 9112 §6.3).
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${PROMISED_BYTES}\r\n\r\n`);
      socket.write(partial, () => setTimeout(() => socket.end(), 50));
      return;
    case 'stall-before-headers':
      // Never answers: the gateway's headersTimeout must end it (→ 504).
      return;
    case 'stall-mid-body':
      // Headers and part of the body, then silence: the gateway's bodyTimeout must end it.
      socket.write(`HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: ${PROMISED_BYTES}\r\n\r\n`);
      socket.write(partial);
      return;
    case 'garbage':
      socket.end(Buffer.from('\x00\xff\xfeNOT HTTP AT ALL\r\n\x07\x08garbage garbage\r\n\r\n', 'latin1'));
      return;
    case 'invalid-status-line':
      socket.end('HTTP/1.1 2x0 Maybe\r\nContent-Length: 2\r\n\r\nok');
      return;
    case 'content-length-and-chunked':
      // Both framings at once, the response-smuggling shape (RFC 9112 §6.1: a sender MUST NOT;
      // §6.3: a recipient treats it as an error or lets chunked win — a proxy must not relay both).
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n');
      return;
    case 'conflicting-content-lengths':
      // RFC 9112 §6.3 item 5: differing Content-Length values are an unrecoverable error.
      socket.end('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\nok!');
      return;
    case 'huge-headers':
      // 64 KiB of header fields: past any HTTP parser's head limit (undici/llhttp default 16 KiB).
      socket.write('HTTP/1.1 200 OK\r\n');
      for (let i = 0; i < 64; i++) socket.write(`X-Filler-${i}: ${'f'.repeat(1000)}\r\n`);
      socket.end('Content-Length: 2\r\n\r\nok');
      return;
    case 'bad-chunked':
      // The first chunk-size is not hex (RFC 9112 §7.1: chunk-size = 1*HEXDIG): broken before
      // any body byte, so nothing has reached the client yet.
      socket.end('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nETag: "backend"\r\n\r\nzz\r\nbad\r\n0\r\n\r\n');
      return;
    case 'bad-chunked-after-data':
      // A good chunk, then a bad chunk-size: body bytes were already relayed.
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\ngood\r\n');
      setTimeout(() => socket.end('zz\r\nbad\r\n0\r\n\r\n'), 50);
      return;
    case 'chunked-cut-halfway':
      // A chunk announced as 0x4000 bytes, half of it sent, then a clean close (FIN, no last-chunk).
      socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4000\r\n');
      socket.write(partial.subarray(0, 0x2000), () => setTimeout(() => socket.end(), 50));
      return;
  }
}

/** Starts the backend on 127.0.0.1 (port 0). */
export async function startFaultBackend(): Promise<FaultBackend> {
  const sockets = new Set<Socket>();
  const seen = new Map<string, number>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    let buffered = Buffer.alloc(0);
    let closing = false;
    socket.on('data', (data: Buffer) => {
      buffered = Buffer.concat([buffered, data]);
      // Keep-alive: answer every complete request head in turn (GETs without bodies).
      for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
        const requestLine = buffered.subarray(0, buffered.indexOf('\r\n')).toString('latin1');
        buffered = buffered.subarray(end + 4);
        const path = requestLine.split(' ')[1] ?? '/';
        seen.set(path, (seen.get(path) ?? 0) + 1);
        const fault = /^\/fault\/([a-z-]+)/.exec(path)?.[1] as FaultName | undefined;
        if (fault && (FAULTS as readonly string[]).includes(fault)) {
          actOut(fault, socket);
          return;
        }
        if (closing) {
          // The close "won the race": the request arrived on a connection the backend had
          // already given up, and it is dropped without a byte.
          socket.destroy();
          return;
        }
        socket.write(healthyAnswer(path));
        // A healthy backend that closes idle keep-alive connections without saying so (no
        // `Connection: close`); whatever the gateway sends next on this connection is lost.
        if (path.startsWith('/ok/closing')) closing = true;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    seen,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export const HEALTHY_BODY_BYTES = HEALTHY_BODY.length;
