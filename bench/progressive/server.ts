/**
 * The bench's smoothgate side: the progressive handler and the BodyPlan sender on a bare node:http
 * server (the gateway will mount the same two functions). Usage:
 *   node dist/bench/progressive/server.js ROOT PORT [OUTPUT_CACHE_BYTES]
 * Prints "listening on 127.0.0.1:PORT" when ready.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { handleProgressive } from '../../src/streaming/progressive';
import { fileProgressiveDeps, sendStreamResponse } from '../../src/http';
import { applyServerGcTuning } from '../../src/server/gc-tuning';

// The heap settings of a serving gateway process (src/cli/serve-command.ts), so the figures are the gateway's.
applyServerGcTuning();

const [root = '.', portText = '0', outputCacheText] = process.argv.slice(2);
const deps = fileProgressiveDeps(outputCacheText !== undefined ? { outputCacheBytes: Number(outputCacheText) } : {});
const server = createServer((req, res) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const pathname = q < 0 ? url : url.slice(0, q);
  const filePath = join(root, pathname.replace(/\.\.+/g, ''));
  handleProgressive({ method: req.method ?? 'GET', filePath, query: q < 0 ? '' : url.slice(q + 1), headers: req.headers }, deps)
    .then((response) => sendStreamResponse(req, res, response))
    .catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
});
server.keepAliveTimeout = 5000;
server.listen(Number(portText), '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.stdout.write(`listening on 127.0.0.1:${port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
