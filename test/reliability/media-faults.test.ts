/**
 * Media faults (issue 6 "Faults"): a media file truncated, renamed over or rewritten in place while a slow
 * client reads it and between the index cache fill and the next request; the index cache at a tiny size
 * limit; a FIFO, a directory, a socket or an unreadable file where a media file is expected — against a
 * real `smoothgate serve`.
 *
 * What is checked, and why it is all that can be (INTERFACE §6 "I/O error while reading the source: 500
 * before the headers are sent; a cut connection after"): a response whose headers went out before the
 * fault either completes with exactly the bytes the unfaulted file gives (the server still holds the
 * old inode: rename over) or stops short of its Content-Length — never more bytes, never a zero-filled
 * or foreign tail past a truncation. An in-place rewrite of the same length cannot be seen by the server
 * (same inode, same size, bytes change under an open descriptor), so there only the bytes sent before the
 * fault are checked. Later requests must answer from the new file (the index cache keys on path, size,
 * mtime and inode), compared with a fresh copy of that file at a path never requested before.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, closeSync, constants, copyFileSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, truncateSync, writeFileSync, writeSync } from 'node:fs';
import { createServer as createNetServer, type Server as NetServer } from 'node:net';
import { join } from 'node:path';
import type { RawResponse } from './lib/raw-http';
import { startServeUnderTest, PROJECT_ROOT, type ServeUnderTest } from './lib/serve-under-test';
import { percentile, Tally } from './lib/summary';
import { uniformSamples } from './lib/mp4-mutations';
import { makeIisFolder, makeMediaSite } from './lib/media-site';
import { judgeMediaResponse } from './lib/media-checks';
import { readWhole, slowRead, type SlowReadResult } from './lib/slow-reader';

const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures');
const BOUND_MS = 15_000;
/** Samples of the big file: 750 × 64 KiB = 48 MiB, more than loopback socket buffers hold. */
const BIG_SAMPLES = 750;
const BIG_SAMPLE_BYTES = 64 * 1024;

const tally = new Tally('media-faults');
after(() => tally.write());
const latencies: number[] = [];

/** A playable-looking MP4 whose video is BIG_SAMPLES samples of BIG_SAMPLE_BYTES; `variant` picks the sample bytes. */
function bigMedia(variant: number): Buffer {
  const head = uniformSamples(readFileSync(join(FIXTURES, 'bframes-2997-48k.mp4')), BIG_SAMPLES, BIG_SAMPLE_BYTES);
  assert.ok(head, 'the fixture has a classic stbl');
  const data = Buffer.allocUnsafe(BIG_SAMPLES * BIG_SAMPLE_BYTES);
  // Never zero (a zero-filled tail must not pass for data) and different per variant.
  for (let i = 0; i < data.length; i++) data[i] = 1 + ((i * 131 + variant * 53 + (i >>> 12)) % 255);
  return Buffer.concat([head, data]);
}

function sha1(bytes: Buffer): string {
  return createHash('sha1').update(bytes).digest('hex');
}

function get(target: string, headers = ''): string {
  return `GET ${target} HTTP/1.1\r\nHost: localhost\r\n${headers}Connection: close\r\n\r\n`;
}

async function request(serve: ServeUnderTest, what: string, target: string, headers = ''): Promise<RawResponse> {
  const mark = serve.mark();
  const response = await readWhole(serve.port, get(target, headers), BOUND_MS);
  latencies.push(response.ms);
  tally.saw(response.hung ? null : response.status);
  if (response.hung) tally.hang(`${what} ${target}`);
  for (const problem of await judgeMediaResponse(serve, mark, response)) tally.violation(`${what} ${target}: ${problem}`);
  if (!serve.alive()) tally.crash(`${what} ${target}`);
  serve.assertAlive(`after ${what} ${target}`);
  return response;
}

/** Replaces `path` with `bytes` the three ways a site's files get replaced. */
const REPLACEMENTS = {
  truncate: (path: string) => truncateSync(path, Math.floor(readFileSync(path).length / 2)),
  'rename-over': (path: string, bytes: Buffer) => {
    writeFileSync(`${path}.new`, bytes);
    renameSync(`${path}.new`, path);
  },
  'rewrite-in-place': (path: string, bytes: Buffer) => {
    // Same inode, same length, new bytes: `cp new old` or an editor that writes through.
    const fd = openSync(path, 'r+');
    try { writeSync(fd, bytes, 0, bytes.length, 0); } finally { closeSync(fd); }
  },
} as const;
type Replacement = keyof typeof REPLACEMENTS;

function checkSlowBody(what: string, fault: Replacement, result: SlowReadResult, reference: Buffer, pauseAfterBytes: number): void {
  tally.saw(result.hung ? null : result.status);
  if (result.hung) return tally.hang(what);
  if (result.status !== 200 || result.contentLength !== reference.length) return tally.violation(`${what}: status ${result.status}, length ${result.contentLength} (expected 200, ${reference.length})`);
  const body = result.body;
  if (body.length > reference.length) return tally.violation(`${what}: ${body.length} bytes, more than the ${reference.length} announced`);
  const complete = body.length === reference.length;
  // Bytes that left before the fault are the old file's in every case; after it, only an open
  // descriptor on the old inode (rename over) or a cut (truncation) keeps them right.
  const checkedBytes = fault === 'rewrite-in-place' ? Math.min(body.length, pauseAfterBytes) : body.length;
  if (!body.subarray(0, checkedBytes).equals(reference.subarray(0, checkedBytes))) {
    const at = body.findIndex((b, i) => i < checkedBytes && b !== reference[i]);
    tally.violation(`${what}: byte ${at} differs from the file as indexed (${complete ? 'complete' : `cut at ${body.length}`})`);
  }
  if (fault === 'truncate' && complete) tally.violation(`${what}: a ${reference.length}-byte body completed from a file truncated to half`);
  tally.notes.push(`${what}: ${complete ? 'completed' : `cut at ${(100 * body.length / reference.length).toFixed(0)}%`}`);
}

test('media faults: replaced or truncated files, a tiny index cache, FIFOs/directories/sockets where media should be', { timeout: 10 * 60_000 }, async (t) => {
  const site = makeMediaSite('sg-media-faults-');
  t.after(() => rmSync(site.root, { recursive: true, force: true }));
  const big = [bigMedia(0), bigMedia(1)];
  const serve = await startServeUnderTest(t, { args: site.args, cwd: site.root });
  writeFileSync(join(site.htdocs, 'good.mp4'), readFileSync(join(FIXTURES, 'bframes-2997-48k.mp4')));
  await request(serve, 'warm-up', '/good.mp4?start=1');
  tally.fdStart = serve.fdCount();
  tally.rssStartBytes = serve.rssBytes();

  await t.test('a slow client reading while the file is truncated, renamed over or rewritten in place', async () => {
    for (const fault of Object.keys(REPLACEMENTS) as Replacement[]) {
      for (const [kind, query] of [['plain', ''], ['start', '?start=5']] as const) {
        const name = `slow-${fault}-${kind}`;
        const path = join(site.htdocs, `${name}.mp4`);
        writeFileSync(path, big[0]!);
        // The reference: the same answer from an untouched copy, read at full speed.
        writeFileSync(join(site.htdocs, `${name}-ref.mp4`), big[0]!);
        const reference = (await request(serve, 'reference', `/${name}-ref.mp4${query}`)).body;
        const pauseAfterBytes = 1024 * 1024;
        const result = await slowRead(serve.port, `/${name}.mp4${query}`, pauseAfterBytes, async () => REPLACEMENTS[fault](path, big[1]!), BOUND_MS * 2);
        checkSlowBody(`${fault} during a slow ${kind} read`, fault, result, reference, pauseAfterBytes);
        serve.assertAlive(`after ${name}`);
        // Afterwards the new file is served: compare with a fresh copy of what is on disk now.
        copyFileSync(path, join(site.htdocs, `${name}-after.mp4`));
        const now = await request(serve, `after ${fault}`, `/${name}.mp4${query}`);
        const fresh = await request(serve, `fresh copy after ${fault}`, `/${name}-after.mp4${query}`);
        if (now.status !== fresh.status || sha1(now.body) !== sha1(fresh.body)) tally.violation(`${name}: after the fault ${now.status}/${now.body.length} B, a fresh copy ${fresh.status}/${fresh.body.length} B`);
      }
    }
  });

  await t.test('the file changes between the index cache fill and the next request', async () => {
    for (const fault of Object.keys(REPLACEMENTS) as Replacement[]) {
      const name = `fill-${fault}`;
      const path = join(site.htdocs, `${name}.mp4`);
      writeFileSync(path, big[0]!);
      const targets = (stem: string) => [`/${stem}.mp4?start=5`, `/${stem}.ism/manifest?v=1`, `/${stem}.ism/Fragments(video=0)?v=1`, `/${stem}.ism/Fragments(audio=0)?v=1`];
      for (const target of targets(name)) await request(serve, 'cache fill', target);
      REPLACEMENTS[fault](path, big[1]!);
      copyFileSync(path, join(site.htdocs, `${name}-after.mp4`));
      const now = targets(name);
      const fresh = targets(`${name}-after`);
      for (let i = 0; i < now.length; i++) {
        const a = await request(serve, `after ${fault}`, now[i]!);
        const b = await request(serve, `fresh copy after ${fault}`, fresh[i]!);
        if (a.status !== b.status || sha1(a.body) !== sha1(b.body)) tally.violation(`${name} ${now[i]}: ${a.status}/${a.body.length} B, a fresh copy ${b.status}/${b.body.length} B (stale index?)`);
      }
    }
  });

  const fifos: string[] = [];
  let socketServer: NetServer | undefined;
  t.after(() => {
    // Release any open() still waiting for a writer, then close the socket file's server.
    for (const fifo of fifos) {
      try { closeSync(openSync(fifo, constants.O_WRONLY | constants.O_NONBLOCK)); } catch { /* no reader waiting */ }
    }
    socketServer?.close();
  });

  await t.test('a FIFO, a directory, a socket or an unreadable file where media is expected: 403/404/500 with a reason, no hang, others still served', async () => {
    const mkfifo = (path: string) => {
      execFileSync('mkfifo', [path]);
      fifos.push(path);
    };
    mkfifo(join(site.htdocs, 'fifo.mp4'));
    mkdirSync(join(site.htdocs, 'dir.mp4'));
    socketServer = createNetServer();
    await new Promise<void>((r) => socketServer!.listen(join(site.htdocs, 'sock.mp4'), r));
    writeFileSync(join(site.htdocs, 'noread.mp4'), readFileSync(join(FIXTURES, 'video-only-24.mp4')));
    chmodSync(join(site.htdocs, 'noread.mp4'), 0o000);
    // A 2009 set whose member is a FIFO; an IIS set whose server manifest names a FIFO and a directory,
    // and an IIS server manifest that is itself a FIFO.
    mkdirSync(join(site.htdocs, 'setfifo.ism'));
    mkfifo(join(site.htdocs, 'setfifo.ism', 'setfifo_300000.ismv'));
    const iis = makeIisFolder(site, 'iis');
    writeFileSync(join(iis, 'names-fifo.ism'), '<smil><body><switch><video src="v.ismv" systemBitrate="300000"/><audio src="a.isma" systemBitrate="64000"/></switch></body></smil>');
    mkfifo(join(iis, 'v.ismv'));
    mkdirSync(join(iis, 'a.isma'));
    mkfifo(join(iis, 'is-fifo.ism'));

    const targets: string[] = [];
    for (const stem of ['fifo', 'dir', 'sock', 'noread']) {
      targets.push(`/${stem}.mp4`, `/${stem}.mp4?start=1`, `/${stem}.ism/manifest?v=1`, `/${stem}.ism/Fragments(video=0)?v=1`);
    }
    targets.push('/dir.mp4/', '/setfifo.ism/manifest?v=1', '/setfifo.ism/QualityLevels(300000)/Fragments(video=0)', '/setfifo.ism/setfifo_300000.ismv');
    targets.push('/iis/names-fifo.ism/Manifest', '/iis/names-fifo.ism/QualityLevels(300000)/Fragments(video=0)', '/iis/names-fifo.ism/QualityLevels(64000)/Fragments(audio=0)', '/iis/is-fifo.ism/Manifest', '/iis/v.ismv');
    // All at once (more than libuv's 4 pool threads), with good requests in between: a blocking
    // open() of a FIFO would stall every file operation of the process.
    const pending = targets.map(async (target) => ({ target, response: await request(serve, 'special file', target) }));
    for (let i = 0; i < 3; i++) {
      const started = Date.now();
      const good = await request(serve, 'good file while special files are requested', '/good.mp4?start=1');
      if (good.status !== 200 || Date.now() - started > 3000) tally.violation(`a good request answered ${good.status} after ${Date.now() - started} ms while special files were requested`);
    }
    const answers = await Promise.all(pending);
    const allowed = new Set([403, 404, 500]);
    for (const { target, response } of answers) {
      // A directory named like a file is Apache's mod_dir case: 301 to the slash form (DirectorySlash),
      // whose answer (no index, no listing) is checked below.
      if (target.startsWith('/dir.') && response.status === 301 && response.headers.location) continue;
      // Root reads a chmod 000 file anyway (CAP_DAC_OVERRIDE): then it is simply served.
      if (target.startsWith('/noread') && process.getuid?.() === 0 && [200, 415].includes(response.status ?? 0)) continue;
      if (!response.hung && !allowed.has(response.status ?? 0)) tally.violation(`${target}: ${response.status}, expected 403/404/500`);
    }
    tally.notes.push(`special files: ${answers.map((a) => `${a.target} ${a.response.hung ? 'hung' : a.response.status}`).join(', ')}`);
  });

  await t.test('after the faults the process holds no more descriptors or memory than before', async () => {
    await new Promise((r) => setTimeout(r, 1500));
    tally.fdEnd = serve.fdCount();
    tally.rssEndBytes = serve.rssBytes();
    if (tally.fdEnd > tally.fdStart! + 8) tally.leak(`fds ${tally.fdStart} → ${tally.fdEnd}`);
    if (tally.rssEndBytes > tally.rssStartBytes! + 200 * 1024 * 1024) tally.leak(`RSS ${tally.rssStartBytes} → ${tally.rssEndBytes}`);
  });

  await t.test('the index cache at a tiny size limit: correct answers, memory bounded', async (tt) => {
    const tiny = makeMediaSite('sg-media-faults-tiny-', 'streaming:\n  indexCacheBytes: 64KiB\n');
    tt.after(() => rmSync(tiny.root, { recursive: true, force: true }));
    const fixtures = ['bframes-2997-48k', 'ctts-v1', 'moov-end-25-441k'];
    const copies = 10;
    for (const f of fixtures) for (let i = 0; i < copies; i++) copyFileSync(join(FIXTURES, `${f}.mp4`), join(tiny.htdocs, `${f}-${i}.mp4`));
    const small = await startServeUnderTest(tt, { args: tiny.args, cwd: tiny.root });
    const rssStart = small.rssBytes();
    const fdStart = small.fdCount();
    const expected = new Map<string, string>();
    for (let round = 0; round < 3; round++) {
      const jobs: Array<{ key: string; target: string }> = [];
      for (const f of fixtures) {
        for (let i = 0; i < copies; i++) {
          jobs.push({ key: `${f} start`, target: `/${f}-${i}.mp4?start=1` }, { key: `${f} manifest`, target: `/${f}-${i}.ism/manifest?v=1` }, { key: `${f} fragment`, target: `/${f}-${i}.ism/Fragments(video=0)?v=1` });
        }
      }
      // Four at a time, in an order that differs per round, so evictions hit requests in flight.
      jobs.sort((a, b) => sha1(Buffer.from(`${round}${a.target}`)).localeCompare(sha1(Buffer.from(`${round}${b.target}`))));
      for (let k = 0; k < jobs.length; k += 4) {
        await Promise.all(jobs.slice(k, k + 4).map(async ({ key, target }) => {
          const response = await request(small, 'tiny cache', target);
          // Manifests name no file; fragments and cuts carry no path: every copy must answer the same bytes.
          const digest = `${response.status}:${sha1(response.body)}`;
          if (response.status !== 200) tally.violation(`tiny cache ${target}: ${response.status}`);
          if (!expected.has(key)) expected.set(key, digest);
          else if (expected.get(key) !== digest) tally.violation(`tiny cache ${target}: answer differs from the first ${key}`);
        }));
      }
    }
    const rssEnd = small.rssBytes();
    const fdEnd = small.fdCount();
    tally.notes.push(`tiny index cache (64 KiB): ${fixtures.length * copies} files × 3 kinds × 3 rounds, RSS ${(rssStart / 2 ** 20).toFixed(0)} → ${(rssEnd / 2 ** 20).toFixed(0)} MiB, fds ${fdStart} → ${fdEnd}`);
    if (rssEnd > rssStart + 64 * 1024 * 1024) tally.leak(`tiny cache: RSS ${rssStart} → ${rssEnd}`);
    if (fdEnd > fdStart + 8) tally.leak(`tiny cache: fds ${fdStart} → ${fdEnd}`);
  });

  tally.p99Ms = percentile(latencies, 99);
  console.log(`media-faults: ${JSON.stringify(tally.statuses)} p99 ${tally.p99Ms} ms, fds ${tally.fdStart}→${tally.fdEnd}, RSS ${((tally.rssStartBytes ?? 0) / 2 ** 20).toFixed(0)}→${((tally.rssEndBytes ?? 0) / 2 ** 20).toFixed(0)} MiB`);
  for (const note of tally.notes) console.log(`  ${note}`);
  assert.deepEqual(tally.violations, []);
});
