/**
 * Issue 6 "Reload under load": while a steady load runs, an operator edits .htaccess files (a
 * RewriteRule's target changed, a rule added, then removed) and sends SIGHUP reloads — one of them
 * with a broken httpd.conf, which must be logged and ignored while the old configuration keeps
 * serving (INTERFACE.md §2 `serve`). No request is lost: every one gets a complete answer whose
 * status and body are valid under the old or the new rules, no connection error, the process
 * lives, and once an edit has settled (the .htaccess cache lives 1 s, src/fs/caching-fs-view.ts)
 * the new rule is in force.
 *
 * Files are replaced the way deployment tools and most editors save them (write a temporary file,
 * rename it over the old one: rename(2) is atomic), so a reader sees the old or the new text, never
 * half of it — what is tested is the gateway, not a torn write.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { join } from 'node:path';
import { measurePeak, runOpenLoop, type Answer, type AnswerCheck, type LoadRequest } from './lib/load-driver';
import { fdsBackTo, quietFdCount } from './lib/fd-quiet';
import { startServeUnderTest, type ServeUnderTest } from './lib/serve-under-test';
import { Tally, percentile, soakSeconds } from './lib/summary';
import { makeTestSite } from './lib/test-site';

const LOAD_SHARE = 0.7;
/** How long an edited .htaccess may take to be seen: the FsView cache's 1 s, plus margin. */
const SETTLE_BOUND_MS = 5_000;

const BODY_A = 'version A\n';
const BODY_B = 'version B\n';

/** What each rewritten path may answer at any moment of the run: its old or its new rule. */
const VALID: Record<string, ReadonlyArray<{ status: number; bodyStart?: string }>> = {
  // RewriteRule ^current$ a.txt → b.txt
  '/r/current': [{ status: 200, bodyStart: BODY_A }, { status: 200, bodyStart: BODY_B }],
  // RewriteRule ^added$ a.txt, added then removed: no rule is a 404 (no such file).
  '/r/added': [{ status: 404 }, { status: 200, bodyStart: BODY_A }],
  // `Redirect 301 /moved /r/b.txt` added to httpd.conf, in force after a SIGHUP.
  '/moved': [{ status: 404 }, { status: 301 }],
};

function requestMix(): LoadRequest[] {
  const mix: LoadRequest[] = [];
  for (let i = 0; i < 4; i++) {
    mix.push({ label: 'rewritten', path: '/r/current' });
    mix.push({ label: 'rewritten', path: '/r/added' });
    mix.push({ label: 'server-conf', path: '/moved' });
    mix.push({ label: 'manifest', path: `/video.ism/manifest?v=${i}` });
    mix.push({ label: 'fragment', path: `/video.ism/Fragments(video=${i * 20_000_000})` });
    mix.push({ label: 'progressive', path: `/video.mp4?start=${2 * i}` });
  }
  return mix;
}

const checkAnswer: AnswerCheck = (req, answer) => {
  const valid = VALID[req.path];
  if (!valid) return answer.status === 200 ? null : `status ${answer.status}`;
  const ok = valid.some((v) => v.status === answer.status && (v.bodyStart === undefined || answer.bodyStart.startsWith(v.bodyStart)));
  return ok ? null : `status ${answer.status} body ${JSON.stringify(answer.bodyStart.slice(0, 20))} is valid under neither the old nor the new rules`;
};

/** Replaces `path` atomically (write beside it, rename over it). */
function replaceFile(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

function probe(port: number, path: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false, timeout: 5000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (d: Buffer) => chunks.push(d));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        resolve({ status: res.statusCode ?? 0, bodyBytes: body.length, bodyStart: body.subarray(0, 256).toString('latin1') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('probe timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** Polls `path` until it answers `status` (and body), bounded; returns how long that took or throws. */
async function inForce(port: number, path: string, status: number, bodyStart?: string): Promise<number> {
  const started = Date.now();
  let last: Answer | null = null;
  while (Date.now() - started < SETTLE_BOUND_MS) {
    last = await probe(port, path);
    if (last.status === status && (bodyStart === undefined || last.bodyStart.startsWith(bodyStart))) return Date.now() - started;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${path}: still ${last?.status} ${JSON.stringify(last?.bodyStart.slice(0, 20))} ${SETTLE_BOUND_MS} ms after the edit, expected ${status} ${bodyStart ?? ''}`);
}

/** Waits for an event whose `code` or message matches, logged after `mark` (bounded). */
async function logged(serve: ServeUnderTest, mark: number, what: (e: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    const hit = serve.eventsSince(mark).find(what);
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not logged: ${serve.stderr().slice(mark).slice(-1500)}`);
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

test('reload under load: .htaccess edits and SIGHUPs (one broken) lose no request', { timeout: 30 * 60_000 }, async (t) => {
  const tally = new Tally('reload-under-load');
  t.after(() => tally.write());
  const site = makeTestSite(t);
  const dir = join(site.docroot, 'r');
  mkdirSync(dir);
  writeFileSync(join(dir, 'a.txt'), BODY_A);
  writeFileSync(join(dir, 'b.txt'), BODY_B);
  const htaccess = join(dir, '.htaccess');
  const rules = (target: string, withAdded: boolean): string =>
    ['RewriteEngine On', `RewriteRule ^current$ ${target} [L]`, ...(withAdded ? ['RewriteRule ^added$ a.txt [L]'] : []), ''].join('\n');
  writeFileSync(htaccess, rules('a.txt', false));
  const httpdConf = readFileSync(site.httpdConfPath, 'utf8');
  const serve = await startServeUnderTest(t, { args: site.serveArgs });
  const { port } = serve;

  const mix = requestMix();
  const peak = await measurePeak(port, mix, checkAnswer, { connections: 8, seconds: 2 });
  const ratePerSec = Math.max(20, Math.round(peak.ratePerSec * LOAD_SHARE));
  // Baseline once the peak's connections are gone: reloads must not leave descriptors behind.
  tally.fdStart = await quietFdCount(serve);
  tally.rssStartBytes = serve.rssBytes();
  // The operator's script runs over the load; its length sets the run's minimum.
  const seconds = Math.max(16, soakSeconds(16));
  const steps: string[] = [];
  const script = async (): Promise<void> => {
    await sleep(1500);
    replaceFile(htaccess, rules('b.txt', false));
    steps.push(`target a→b seen after ${await inForce(port, '/r/current', 200, BODY_B)} ms`);

    let mark = serve.mark();
    serve.signal('SIGHUP');
    await logged(serve, mark, (e) => e.msg === 'configuration reloaded');
    await inForce(port, '/r/current', 200, BODY_B);
    steps.push('SIGHUP (unchanged configuration) reloaded');

    replaceFile(htaccess, rules('b.txt', true));
    steps.push(`rule added, seen after ${await inForce(port, '/r/added', 200, BODY_A)} ms`);

    // A broken httpd.conf: the Redirect it also holds must not take effect (the old one serves).
    replaceFile(site.httpdConfPath, `${httpdConf}Redirect 301 /moved /r/b.txt\nRewriteRule ^/(unbalanced $1\n`);
    mark = serve.mark();
    serve.signal('SIGHUP');
    const refused = await logged(serve, mark, (e) => e.code === 'SG_ERR_SERVER_RELOAD');
    steps.push(`broken httpd.conf refused: ${String(refused.msg).slice(0, 120)}`);
    await sleep(300);
    assert.equal((await probe(port, '/moved')).status, 404, 'the broken configuration is not in force');
    assert.equal((await probe(port, '/r/current')).bodyStart, BODY_B, 'the old configuration keeps serving');

    replaceFile(site.httpdConfPath, `${httpdConf}Redirect 301 /moved /r/b.txt\n`);
    mark = serve.mark();
    serve.signal('SIGHUP');
    await logged(serve, mark, (e) => e.msg === 'configuration reloaded');
    steps.push(`fixed httpd.conf reloaded, Redirect seen after ${await inForce(port, '/moved', 301)} ms`);

    await sleep(1000);
    replaceFile(htaccess, rules('b.txt', false));
    steps.push(`rule removed, seen after ${await inForce(port, '/r/added', 404)} ms`);

    mark = serve.mark();
    serve.signal('SIGHUP');
    await logged(serve, mark, (e) => e.msg === 'configuration reloaded');
    // After everything: the last state of each rule is in force.
    await inForce(port, '/r/current', 200, BODY_B);
    await inForce(port, '/r/added', 404);
    await inForce(port, '/moved', 301);
    steps.push('final state in force after the last SIGHUP');
  };
  const [run, scriptOutcome] = await Promise.all([
    runOpenLoop(port, mix, checkAnswer, { ratePerSec, seconds, maxSockets: 64 }),
    script().then(
      () => null,
      (err: unknown) => err as Error,
    ),
  ]);
  serve.assertAlive('after the reloads');
  tally.rssEndBytes = serve.rssBytes();
  tally.fdEnd = await fdsBackTo(serve, tally.fdStart, 10_000);
  if (tally.fdEnd > tally.fdStart) tally.leak(`fds ${tally.fdStart} → ${tally.fdEnd} after the reloads`);

  for (const [status, n] of Object.entries(run.statuses)) for (let i = 0; i < n; i++) tally.saw(status === 'error' ? null : Number(status));
  tally.p99Ms = Math.round(percentile(run.latenciesMs, 99));
  tally.notes.push(
    `peak ${Math.round(peak.ratePerSec)} req/s, driven at ${ratePerSec} req/s for ${seconds} s: ${run.sent} requests, ${((run.completed * 1000) / run.elapsedMs).toFixed(0)} req/s, p99 ${tally.p99Ms} ms`,
    ...steps,
  );
  if (run.errors.length > 0) tally.violation(`${run.errors.length} requests lost or wrong, first: ${run.errors[0]}`);
  if (peak.result.errors.length > 0) tally.violation(`peak: ${peak.result.errors[0]}`);
  if (scriptOutcome) tally.violation(`operator script: ${scriptOutcome.message}`);

  assert.equal(scriptOutcome, null, scriptOutcome?.message);
  assert.deepEqual(run.errors.slice(0, 10), [], 'every request answered under the old or the new rules');
  assert.deepEqual(peak.result.errors.slice(0, 10), []);
  assert.equal(run.sent, run.completed + run.errors.length);
  assert.ok(tally.fdEnd <= tally.fdStart, `fds ${tally.fdStart} → ${tally.fdEnd}`);
  assert.ok(run.statuses['301'] && run.statuses['404'], 'both sides of the edits were exercised under load');
});
