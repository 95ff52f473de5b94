/**
 * Slow clients against a real `smoothgate serve` (issue 6, INTERFACE.md §3 limits and §12): a
 * slowloris crowd is cut by the header timeout (408 or close, mod_reqtimeout's role), slow body
 * senders of an upload proxied to a backend are cut by the request timeout, slow consumers of a large MP4 cannot make the process
 * buffer the file (RSS stays under 150 MB and far below the bytes they asked for), and throughout,
 * ordinary clients are served with bounded latency. Afterwards the descriptors return to the start.
 */
import { after, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { settledFdCount, FD_SLACK } from './lib/fd-settle';
import { makeHostileSite } from './lib/hostile-site';
import { largeTestMp4 } from './lib/large-media';
import { rawRequest, type RawResponse } from './lib/raw-http';
import { startServeUnderTest, type ServeUnderTest } from './lib/serve-under-test';
import { PacedReader } from './lib/paced-reader';
import { percentile, Tally } from './lib/summary';

const tally = new Tally('slow-clients');
after(() => tally.write());

/** The limits the test configures: short, so the run is fast (INTERFACE.md §3 keys). */
const HEADERS_TIMEOUT_MS = 2000;
const REQUEST_TIMEOUT_MS = 4000;
/** How late a cut may come: Node checks timeouts every headersTimeout/4, and the machine is shared. */
const CUT_SLACK_MS = 2500;
const SLOWLORIS_CONNECTIONS = 200;
const SLOW_BODY_CONNECTIONS = 50;
const SLOW_CONSUMERS = 100;
const SLOW_CONSUMER_SECONDS = 8;
/** INTERFACE.md §12: RSS with 100 slow clients on a large file stays under 150 MB. */
const RSS_BOUND_BYTES = 150 * 1024 * 1024;
/** RSS growth allowed per slow consumer: buffers, not bodies (measured: about 0.6 MB). */
const PER_CLIENT_BYTES = 2 * 1024 * 1024;
/** Ordinary requests while the slow clients hold their connections. */
const NORMAL_P99_BOUND_MS = 1500;

/**
 * The legacy host behind the gateway: it reads a request body to the end before it answers, so an
 * upload that trickles in holds the gateway's request open until the request timeout cuts it.
 */
async function startUploadBackend(t: TestContext): Promise<number> {
  const server: Server = createServer((req, res) => {
    let bytes = 0;
    req.on('data', (d: Buffer) => (bytes += d.length));
    req.on('end', () => res.end(`received ${bytes}`));
    req.on('error', () => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  t.after(() => {
    server.closeAllConnections();
    server.close();
  });
  return (server.address() as AddressInfo).port;
}

/** Sends ordinary requests one after another until `stop()`; bounded by `maxRequests`. */
function ordinaryTraffic(serve: ServeUnderTest, targets: readonly string[], maxRequests = 400) {
  const results: RawResponse[] = [];
  let stopped = false;
  const done = (async () => {
    for (let i = 0; !stopped && i < maxRequests; i++) {
      const target = targets[i % targets.length];
      results.push(await rawRequest(serve.port, `GET ${target} HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n`, { timeoutMs: 5000 }));
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return {
    results,
    stop: async () => {
      stopped = true;
      await done;
    },
  };
}

/** Records and checks ordinary traffic: every answer 200, p99 under the bound. */
function checkOrdinary(phase: string, results: readonly RawResponse[], failures: string[]): number {
  const p99 = percentile(results.map((r) => r.ms), 99);
  tally.notes.push(`${phase}: ${results.length} ordinary requests, p99 ${p99} ms`);
  for (const r of results) tally.saw(r.status);
  const bad = results.filter((r) => r.status !== 200 || r.hung);
  if (results.length < 1) failures.push(`${phase}: only ${results.length} ordinary requests completed`);
  if (bad.length > 0) failures.push(`${phase}: ${bad.length} ordinary requests failed (${bad.map((r) => r.status).join(',')})`);
  if (p99 >= NORMAL_P99_BOUND_MS) failures.push(`${phase}: ordinary p99 ${p99} ms ≥ ${NORMAL_P99_BOUND_MS} ms`);
  return p99;
}

test('slowloris, slow body senders and slow consumers: limits hold, others are served, nothing leaks', async (t) => {
  const media = await largeTestMp4();
  const site = makeHostileSite({ limits: [`headersTimeout: ${HEADERS_TIMEOUT_MS}ms`, `requestTimeout: ${REQUEST_TIMEOUT_MS}ms`, 'keepAliveTimeout: 2s'] });
  copyFileSync(media.path, join(site.docroot, 'video', 'large.mp4'));
  const backendPort = await startUploadBackend(t);
  const serve = await startServeUnderTest(t, { args: ['--config', site.yaml, '--backend', `http://127.0.0.1:${backendPort}`] });
  const ordinaryTargets = ['/a.txt', '/video/clip.mp4?start=1'];
  assert.equal((await rawRequest(serve.port, 'GET /video/large.mp4?start=20 HTTP/1.1\r\nHost: www.example.com\r\nConnection: close\r\n\r\n', { timeoutMs: 10000 })).status, 200, 'the large file is served');
  const fdStart = serve.fdCount();
  const rssStart = serve.rssBytes();
  tally.fdStart = fdStart;
  tally.rssStartBytes = rssStart;
  const failures: string[] = [];
  const p99s: number[] = [];

  // 1. Slowloris: each connection sends its head a field at a time and never finishes it.
  {
    const ordinary = ordinaryTraffic(serve, ordinaryTargets);
    const fields = Array.from({ length: 30 }, (_, k) => `X-Slow-${k}: ${'z'.repeat(8)}\r\n`);
    const lorises = await Promise.all(
      Array.from({ length: SLOWLORIS_CONNECTIONS }, () =>
        rawRequest(serve.port, '', { chunks: ['GET /a.txt HTTP/1.1\r\nHost: www.example.com\r\n', ...fields], gapMs: 300, timeoutMs: HEADERS_TIMEOUT_MS + CUT_SLACK_MS + 2000 }),
      ),
    );
    await ordinary.stop();
    for (const r of lorises) {
      tally.saw(r.status);
      if (r.hung) tally.hang('slowloris connection never cut');
    }
    const notCut = lorises.filter((r) => r.hung || !(r.status === 408 || r.status === null));
    const late = lorises.filter((r) => r.ms > HEADERS_TIMEOUT_MS + CUT_SLACK_MS);
    const early = lorises.filter((r) => r.ms < HEADERS_TIMEOUT_MS - 200);
    if (notCut.length > 0) failures.push(`slowloris: ${notCut.length} connections not answered 408/closed (${notCut.slice(0, 5).map((r) => `${r.status}${r.hung ? ' hung' : ''}`).join(', ')})`);
    if (late.length > 0) failures.push(`slowloris: ${late.length} cut later than ${HEADERS_TIMEOUT_MS + CUT_SLACK_MS} ms (max ${Math.max(...late.map((r) => r.ms))} ms)`);
    if (early.length > 0) failures.push(`slowloris: ${early.length} cut before the header timeout (min ${Math.min(...early.map((r) => r.ms))} ms)`);
    tally.notes.push(`slowloris: ${SLOWLORIS_CONNECTIONS} cut after ${Math.min(...lorises.map((r) => r.ms))}–${Math.max(...lorises.map((r) => r.ms))} ms`);
    p99s.push(checkOrdinary('slowloris', ordinary.results, failures));
    serve.assertAlive('after slowloris');
  }

  // 2. Slow body senders: an upload (proxied: the backend reads bodies) announcing 1 MB, then a
  //    trickle of body bytes that would take 12 s. (An existing file: with a backend, files are
  //    proxied; a missing one is answered 404 locally.)
  {
    const ordinary = ordinaryTraffic(serve, ordinaryTargets);
    const head = 'POST /sub/a.txt HTTP/1.1\r\nHost: www.example.com\r\nContent-Length: 1000000\r\n\r\n';
    const senders = await Promise.all(
      Array.from({ length: SLOW_BODY_CONNECTIONS }, () =>
        rawRequest(serve.port, '', { chunks: [head, ...Array.from({ length: 40 }, () => 'b'.repeat(100))], gapMs: 300, timeoutMs: REQUEST_TIMEOUT_MS + CUT_SLACK_MS + 2000 }),
      ),
    );
    await ordinary.stop();
    for (const r of senders) {
      tally.saw(r.status);
      if (r.hung) tally.hang('slow body sender never answered or cut');
    }
    // The request timeout cuts the upload: 408 (Node's answer, mod_reqtimeout's) or a close, not
    // before the timeout and not much after it.
    const wrong = senders.filter((r) => r.hung || !(r.status === null || r.status === 408) || r.ms > REQUEST_TIMEOUT_MS + CUT_SLACK_MS || r.ms < REQUEST_TIMEOUT_MS - 200);
    if (wrong.length > 0) failures.push(`slow body: ${wrong.length} senders not answered/cut in time (${wrong.slice(0, 5).map((r) => `${r.status} after ${r.ms} ms`).join(', ')})`);
    tally.notes.push(`slow body: ${SLOW_BODY_CONNECTIONS} answered after ${Math.min(...senders.map((r) => r.ms))}–${Math.max(...senders.map((r) => r.ms))} ms`);
    p99s.push(checkOrdinary('slow body', ordinary.results, failures));
    serve.assertAlive('after slow body senders');
  }

  // 3. Slow consumers of the large file: plain and cut at a keyframe (?start=), 64 KB/s each.
  let rssPeak = serve.rssBytes();
  {
    const ordinary = ordinaryTraffic(serve, ordinaryTargets);
    const readers = Array.from({ length: SLOW_CONSUMERS }, (_, i) => new PacedReader(serve.port, i % 2 === 0 ? '/video/large.mp4' : '/video/large.mp4?start=20', 16 * 1024, 250));
    const sampler = setInterval(() => (rssPeak = Math.max(rssPeak, serve.rssBytes())), 200);
    await new Promise((r) => setTimeout(r, SLOW_CONSUMER_SECONDS * 1000));
    clearInterval(sampler);
    rssPeak = Math.max(rssPeak, serve.rssBytes());
    const fdsWithReaders = serve.fdCount();
    await ordinary.stop();
    for (const reader of readers) tally.saw(reader.status);
    const unserved = readers.filter((r) => r.status !== 200 || r.bytes === 0);
    const cut = readers.filter((r) => r.closedByServer);
    for (const reader of readers) reader.stop();
    if (unserved.length > 0) failures.push(`slow consumers: ${unserved.length} not served (${unserved.slice(0, 5).map((r) => `${r.status}/${r.bytes}B/${r.error}`).join(', ')})`);
    // A slow reader is a legitimate client (a phone on a bad network): it must not be dropped.
    if (cut.length > 0) failures.push(`slow consumers: ${cut.length} connections closed by the server mid-body`);
    if (fdsWithReaders < fdStart + SLOW_CONSUMERS) failures.push(`slow consumers: only ${fdsWithReaders - fdStart} connections open at the peak`);
    const askedFor = SLOW_CONSUMERS * media.bytes;
    tally.notes.push(`slow consumers: ${SLOW_CONSUMERS} × ${(media.bytes / 2 ** 20).toFixed(1)} MB file, RSS peak ${(rssPeak / 2 ** 20).toFixed(1)} MB (start ${(rssStart / 2 ** 20).toFixed(1)} MB, ${(askedFor / 2 ** 30).toFixed(2)} GB asked for)`);
    if (rssPeak >= RSS_BOUND_BYTES) failures.push(`slow consumers: RSS peak ${(rssPeak / 2 ** 20).toFixed(1)} MB ≥ 150 MB`);
    // Flat in file size: per client the process may hold its socket and read buffers, never a
    // share of the body (one buffered copy would be the whole file, tens of MB).
    const growthPerClient = (rssPeak - rssStart) / SLOW_CONSUMERS;
    if (growthPerClient > PER_CLIENT_BYTES) failures.push(`slow consumers: RSS grew ${(growthPerClient / 2 ** 20).toFixed(2)} MB per client, buffering bodies`);
    p99s.push(checkOrdinary('slow consumers', ordinary.results, failures));
    serve.assertAlive('after slow consumers');
  }

  const fdEnd = await settledFdCount(serve, fdStart, 5000);
  tally.fdEnd = fdEnd;
  tally.rssEndBytes = serve.rssBytes();
  tally.p99Ms = Math.max(...p99s);
  tally.notes.push(`RSS peak ${(rssPeak / 2 ** 20).toFixed(1)} MB`);
  if (fdEnd > fdStart + FD_SLACK) tally.leak(`fds ${fdStart} → ${fdEnd} after the slow clients left`);
  for (const f of failures) tally.violation(f);
  assert.deepEqual(failures, [], failures.join('\n'));
  assert.ok(fdEnd <= fdStart + FD_SLACK, `fds ${fdStart} → ${fdEnd} after the slow clients left`);
});
