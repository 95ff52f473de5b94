/**
 * The bench's server for the body sender alone: `/plain` is a bare `res.end()` of a fixed 10 KB
 * buffer (node:http's ceiling), `/plan` the same bytes as a one-part in-memory BodyPlan through
 * sendStreamResponse (ETag, Last-Modified, Accept-Ranges as the handlers answer). Usage:
 *   node dist/bench/send/server.js PORT
 * 127.0.0.1 only.
 */
import { createServer } from 'node:http';
import { sendStreamResponse } from '../../src/http';
import { makeBodyPlan } from '../../src/streaming/body-plan';
import type { StreamResponse } from '../../src/streaming/stream-response';

const body = Buffer.alloc(10 * 1024, 7);
const [portText = '0'] = process.argv.slice(2);
const server = createServer((req, res) => {
  if (req.url === '/plain') {
    res.setHeader('Content-Type', 'video/mp4');
    res.setHeader('Content-Length', body.length);
    res.end(body);
    return;
  }
  const response: StreamResponse = {
    status: 200,
    headers: [['Content-Type', 'video/mp4'], ['Accept-Ranges', 'bytes']],
    plan: makeBodyPlan([{ kind: 'memory', bytes: body }]),
    etag: '"bench-1"',
    lastModified: new Date(1_700_000_000_000),
  };
  void sendStreamResponse(req, res, response);
});
server.listen(Number(portText), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
