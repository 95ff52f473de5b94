/**
 * What the bare node:http test servers share (progressive-server.ts, smooth-server.ts): a logger that
 * records warnings and errors for assertions, sending a handler's StreamResponse (a handler that throws
 * is a 500 before the headers, a cut connection after), and listening on 127.0.0.1:0.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sendStreamResponse } from '../../src/http';
import type { StreamResponse } from '../../src/streaming/stream-response';

export interface LoggedError {
  readonly level: 'warn' | 'error';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

export interface RecordingLogger {
  warn(fields: Record<string, unknown>, message: string): void;
  error(fields: Record<string, unknown>, message: string): void;
}

export function recordingLogger(logged: LoggedError[]): RecordingLogger {
  return {
    warn: (fields, message) => logged.push({ level: 'warn', fields, message }),
    error: (fields, message) => logged.push({ level: 'error', fields, message }),
  };
}

export function sendHandled(req: IncomingMessage, res: ServerResponse, pending: Promise<StreamResponse>, logged: LoggedError[], logger: RecordingLogger): void {
  pending
    .then((response) => sendStreamResponse(req, res, response, { logger }))
    .catch((error: unknown) => {
      logged.push({ level: 'error', fields: { err: String(error) }, message: 'handler threw' });
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
}

export async function listenOnLoopback(server: Server): Promise<{ baseUrl: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
