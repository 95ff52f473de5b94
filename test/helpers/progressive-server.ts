/** The progressive handler mounted on a bare node:http server on 127.0.0.1:0 (the gateway mounts it later). */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { handleProgressive, type ProgressiveDeps } from '../../src/streaming/progressive';
import { fileProgressiveDeps } from '../../src/http';
import { listenOnLoopback, recordingLogger, sendHandled, type LoggedError } from './bare-server';

export type { LoggedError } from './bare-server';

export interface TestServer {
  readonly server: Server;
  readonly baseUrl: string;
  readonly deps: ProgressiveDeps;
  readonly logged: LoggedError[];
  close(): Promise<void>;
}

/** Serves files of `root`: GET /name.mp4?query → handleProgressive on root/name.mp4. */
export async function startProgressiveServer(
  root: string,
  options: { outputCacheBytes?: number; pages?: Record<string, string> } = {},
): Promise<TestServer> {
  const logged: LoggedError[] = [];
  const logger = recordingLogger(logged);
  const deps = fileProgressiveDeps({ logger, ...(options.outputCacheBytes !== undefined ? { outputCacheBytes: options.outputCacheBytes } : {}) });
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const pathname = decodeURIComponent(q < 0 ? url : url.slice(0, q));
    const query = q < 0 ? '' : url.slice(q + 1);
    const page = options.pages?.[pathname];
    if (page !== undefined) {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': Buffer.byteLength(page) }).end(page);
      return;
    }
    const filePath = join(root, pathname.replace(/^\/+/, '').replace(/\.\.+/g, ''));
    sendHandled(req, res, handleProgressive({ method: req.method ?? 'GET', filePath, query, headers: req.headers }, deps), logged, logger);
  });
  const { baseUrl, close } = await listenOnLoopback(server);
  return { server, baseUrl, deps, logged, close };
}

/** Open descriptors of this process that point at files (sockets, pipes and event fds excluded). */
export function openFdCount(): number {
  const { readdirSync, readlinkSync } = require('node:fs') as typeof import('node:fs');
  let count = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('/')) count++;
    } catch {
      // closed between readdir and readlink
    }
  }
  return count;
}
