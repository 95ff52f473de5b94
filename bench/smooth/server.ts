/**
 * The bench's smoothgate side for Smooth Streaming: handleSmooth and the BodyPlan sender on a bare
 * node:http server (the gateway mounts the same functions). Usage:
 *   node dist/bench/smooth/server.js ROOT PORT
 * Prints "listening on 127.0.0.1:PORT" when ready. 127.0.0.1 only.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { handleSmooth, fileSmoothDeps } from '../../src/streaming/smooth';
import { sendStreamResponse } from '../../src/http';
import { applyServerGcTuning } from '../../src/server/gc-tuning';

// The heap settings of a serving gateway process (src/cli/serve-command.ts), so the figures are the gateway's.
applyServerGcTuning();

const [root = '.', portText = '0'] = process.argv.slice(2);
const deps = fileSmoothDeps();
const server = createServer((req, res) => {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const filePath = join(root, decodeURIComponent(q < 0 ? url : url.slice(0, q)).replace(/^\/+/, '').replace(/\.\.+/g, ''));
  handleSmooth({ method: req.method ?? 'GET', filePath, query: q < 0 ? '' : url.slice(q + 1), originalTarget: url, headers: req.headers }, deps)
    .then((response) => sendStreamResponse(req, res, response))
    .catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
      else res.destroy();
    });
});
server.listen(Number(portText), '127.0.0.1', () => {
  process.stdout.write(`listening on 127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
