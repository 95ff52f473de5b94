/**
 * Hostile media (issue 6): a seeded mutator over every fixture — the committed test/fixtures/*.mp4, a
 * fragmented 2009-layout ISMV set and an IIS set both written by our own mp4split — and every request
 * kind a player or scanner sends (plain, Range, `?start=`, `?start=&end=`, the Smooth manifest and the
 * video and audio fragments in the URL forms of INTERFACE §5), against a real `smoothgate serve`.
 * Each answer must be a status of INTERFACE §6 with its reason logged, bounded in time; the process
 * never dies, and its descriptors and memory return near where they started. Full cuts that come back
 * 200 are spot-checked with ffprobe: a cut of a source ffprobe can read must itself be readable.
 *
 * The seed is printed; SMOOTHGATE_MUTATION_SEED=N replays a run. SMOOTHGATE_HOSTILE_MEDIA_ALL=1 applies
 * every mutation to every source (slow); by default each mutation goes to every third source.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { rawRequest } from './lib/raw-http';
import { startServeUnderTest, PROJECT_ROOT, type ServeUnderTest } from './lib/serve-under-test';
import { INSPECT_ENV, liveRssBytes } from './lib/full-gc';
import { percentile, Tally } from './lib/summary';
import { mutationSeed, SeededRandom, SEED_ENV } from './lib/seeded-random';
import { MUTATIONS, RANDOM_DAMAGE, type Mutant } from './lib/mp4-mutations';
import { makeIisFolder, makeMediaSite, type MediaSite } from './lib/media-site';
import { judgeMediaResponse } from './lib/media-checks';

const run = promisify(execFile);
const FIXTURES = join(PROJECT_ROOT, 'test', 'fixtures');
const RESPONSE_BOUND_MS = 20_000;
const MUTATION_STRIDE = process.env.SMOOTHGATE_HOSTILE_MEDIA_ALL === '1' ? 1 : 3;
const MAX_FFPROBE_CHECKS = 40;
/** Descriptors the process may hold beyond its start after the run (keep-alive sockets closing, log pipes). */
const FD_SLACK = 8;
/**
 * Live memory (RSS right after a full collection) may grow by this much over the run: what the
 * index cache keeps of the last sources, and allocator slack. A leak is memory still held then.
 */
const LIVE_RSS_SLACK_BYTES = 160 * 1024 * 1024;
/**
 * Raw RSS may grow by at most the index cache's bound (256 MiB) over the run: 10^7-sample indexes of
 * mutants are garbage as soon as they are evicted, but V8 frees their arrays at its next full
 * collection, which the gateway's heap growing factor (src/server/gc-tuning.ts) makes rarer.
 */
const RAW_RSS_GROWTH_BOUND_BYTES = 256 * 1024 * 1024;

const tally = new Tally('hostile-media');
after(() => tally.write());

type SourceKind = 'progressive' | 'ismv-2009' | 'iis-video' | 'iis-audio' | 'iis-smil';

interface Source {
  readonly label: string;
  readonly kind: SourceKind;
  readonly bytes: Buffer;
}

interface RequestKind {
  readonly name: string;
  readonly target: string;
  readonly range?: string;
  /** A full progressive cut whose 200 body ffprobe should read. */
  readonly probe?: boolean;
}

interface PlacedMutant {
  readonly id: string;
  readonly source: Source;
  readonly mutant: Mutant;
  /** Path of the mutated file on disk (for the ffprobe baseline). */
  readonly path: string;
  readonly requests: readonly RequestKind[];
}

/** A decimal `?start=` in [0, 4) s with up to 3 decimals (INTERFACE §5 "seconds are decimal"). */
function startSec(random: SeededRandom): string {
  return (random.below(4000) / 1000).toString();
}

function progressiveKinds(path: string, random: SeededRandom): RequestKind[] {
  const start = startSec(random);
  const end = (Number(start) + 0.5 + random.below(3000) / 1000).toFixed(3);
  const from = random.below(4096);
  return [
    { name: 'plain', target: path },
    { name: 'range', target: path, range: `bytes=${from}-${from + random.below(65536)}` },
    { name: 'start', target: `${path}?start=${start}`, probe: true },
    { name: 'start-end', target: `${path}?start=${start}&end=${end}`, probe: true },
  ];
}

/** Original sources: every fixture, the 2009-layout ISMV set and the IIS set from our mp4split. */
async function originals(work: string): Promise<{ sources: Source[]; audioIsmv: Buffer; iis: { ism: string; video: Buffer; audio: Buffer; videoName: string; audioName: string } }> {
  const sources: Source[] = readdirSync(FIXTURES)
    .filter((n) => n.endsWith('.mp4'))
    .sort()
    .map((n) => ({ label: n.replace(/\.mp4$/, ''), kind: 'progressive' as const, bytes: readFileSync(join(FIXTURES, n)) }));
  const mp4split = join(PROJECT_ROOT, 'bin', 'mp4split.js');
  const input = join(FIXTURES, 'bframes-2997-48k.mp4');
  await run(process.execPath, [mp4split, '-q', '--layout', '2009', '--bitrate', '300000', '-o', join(work, 'set2009', 's.ism'), input]);
  await run(process.execPath, [mp4split, '-q', '--bitrate', '300000', '-o', join(work, 'iis', 'set.ism'), input]);
  const set2009 = join(work, 'set2009', 's.ism');
  const names = readdirSync(set2009).sort();
  const videoIsmv = names.find((n) => n === 's_300000.ismv')!;
  const audioIsmv = names.find((n) => n !== videoIsmv)!;
  assert.ok(videoIsmv && audioIsmv, `mp4split 2009 wrote ${names.join(', ')}`);
  sources.push({ label: 'ismv-2009', kind: 'ismv-2009', bytes: readFileSync(join(set2009, videoIsmv)) });
  const iisNames = readdirSync(join(work, 'iis'));
  const videoName = iisNames.find((n) => n.endsWith('.ismv'))!;
  const audioName = iisNames.find((n) => n.endsWith('.isma'))!;
  const iis = {
    ism: readFileSync(join(work, 'iis', 'set.ism'), 'utf8'),
    video: readFileSync(join(work, 'iis', videoName)),
    audio: readFileSync(join(work, 'iis', audioName)),
    videoName,
    audioName,
  };
  sources.push({ label: 'iis-video', kind: 'iis-video', bytes: iis.video }, { label: 'iis-audio', kind: 'iis-audio', bytes: iis.audio });
  sources.push({ label: 'iis-smil', kind: 'iis-smil', bytes: Buffer.from(iis.ism) });
  return { sources, audioIsmv: readFileSync(join(set2009, audioIsmv)), iis };
}

/** Hostile server manifests (SPEC-NOTES §2.6): what an uploaded .ism could say. */
function smilMutants(ism: string, videoName: string): Mutant[] {
  const swap = (name: string, text: string): Mutant => ({ name, bytes: Buffer.from(text) });
  const many = ism.replace('<switch>', `<switch>${`<video src="${videoName}" systemBitrate="300000"/>`.repeat(5000)}`);
  return [
    swap('smil-src-climbs-out', ism.replace(videoName, `../../outside/${videoName}`)),
    swap('smil-src-absolute', ism.replace(videoName, '/etc/hostname')),
    swap('smil-src-self', ism.replace(videoName, 'set.ism')),
    swap('smil-src-directory', ism.replace(videoName, '.')),
    swap('smil-src-nul', ism.replace(videoName, `${videoName}\u0000.x`)),
    swap('smil-bitrate-huge', ism.replace(/systemBitrate="\d+"/, 'systemBitrate="99999999999999999999"')),
    swap('smil-trackid-missing', ism.replace(/value="1"/, 'value="77"')),
    swap('smil-5000-entries', many),
    swap('smil-unclosed', ism.slice(0, Math.floor(ism.length / 2))),
    swap('smil-binary', Buffer.alloc(4096, 0xff).toString('latin1')),
    // Near the 1 MiB read limit: text that made regex readers backtrack quadratically.
    swap('smil-long-attribute-name', `<smil><video ${'a'.repeat(1_000_000)}/></smil>`),
    swap('smil-unclosed-elements', `<smil>${'<video src="x" systemBitrate="1">'.repeat(30_000)}`),
  ];
}

function place(site: MediaSite, id: string, source: Source, mutant: Mutant, extras: { audioIsmv: Buffer; iis: Awaited<ReturnType<typeof originals>>['iis'] }, random: SeededRandom): PlacedMutant {
  const write = (path: string, bytes: Buffer, sparseSizeBytes?: number) => {
    writeFileSync(path, bytes);
    if (sparseSizeBytes !== undefined) truncateSync(path, sparseSizeBytes);
  };
  if (source.kind === 'progressive') {
    const path = join(site.htdocs, `${id}.mp4`);
    write(path, mutant.bytes, mutant.sparseSizeBytes);
    return {
      id, source, mutant, path,
      requests: [
        ...progressiveKinds(`/${id}.mp4`, random),
        { name: 'manifest', target: `/${id}.ism/manifest?v=1` },
        { name: 'fragment-video', target: `/${id}.ism/Fragments(video=0)?v=1` },
        { name: 'fragment-audio', target: `/${id}.ism/Fragments(audio=0)?v=1` },
      ],
    };
  }
  if (source.kind === 'ismv-2009') {
    const folder = join(site.htdocs, `${id}.ism`);
    mkdirSync(folder);
    const path = join(folder, `${id}_300000.ismv`);
    write(path, mutant.bytes, mutant.sparseSizeBytes);
    const audioBitrate = /_(\d+)\.ismv$/.exec(extras.iis.audioName.replace('.isma', '.ismv'))?.[1] ?? '0';
    writeFileSync(join(folder, `${id}_${audioBitrate}.ismv`), extras.audioIsmv);
    return {
      id, source, mutant, path,
      requests: [
        ...progressiveKinds(`/${id}.ism/${id}_300000.ismv`, random),
        { name: 'manifest', target: `/${id}.ism/manifest?v=1` },
        { name: 'fragment-video', target: `/${id}.ism/QualityLevels(300000)/Fragments(video=0)` },
        { name: 'fragment-audio', target: `/${id}.ism/QualityLevels(${audioBitrate})/Fragments(audio=0)` },
      ],
    };
  }
  const folder = makeIisFolder(site, id);
  const { iis } = extras;
  writeFileSync(join(folder, 'set.ism'), source.kind === 'iis-smil' ? mutant.bytes : Buffer.from(iis.ism));
  write(join(folder, iis.videoName), source.kind === 'iis-video' ? mutant.bytes : iis.video, source.kind === 'iis-video' ? mutant.sparseSizeBytes : undefined);
  write(join(folder, iis.audioName), source.kind === 'iis-audio' ? mutant.bytes : iis.audio, source.kind === 'iis-audio' ? mutant.sparseSizeBytes : undefined);
  const mutatedName = source.kind === 'iis-audio' ? iis.audioName : iis.videoName;
  const audioBitrate = /_(\d+)\.isma$/.exec(iis.audioName)?.[1] ?? '0';
  return {
    id, source, mutant, path: join(folder, source.kind === 'iis-smil' ? iis.videoName : mutatedName),
    requests: [
      ...(source.kind === 'iis-smil' ? [] : progressiveKinds(`/${id}/${mutatedName}`, random)),
      { name: 'manifest', target: `/${id}/set.ism/Manifest` },
      { name: 'fragment-video', target: `/${id}/set.ism/QualityLevels(300000)/Fragments(video=0)` },
      { name: 'fragment-audio', target: `/${id}/set.ism/QualityLevels(${audioBitrate})/Fragments(audio=0)` },
    ],
  };
}

function requestBytes(kind: RequestKind): string {
  return `GET ${kind.target} HTTP/1.1\r\nHost: localhost\r\n${kind.range ? `Range: ${kind.range}\r\n` : ''}Connection: close\r\n\r\n`;
}

async function ffprobeReads(path: string): Promise<boolean> {
  try {
    await run('ffprobe', ['-v', 'error', '-show_format', '-show_streams', path], { timeout: 30_000, maxBuffer: 4 * 1024 * 1024 });
    return true;
  } catch {
    return false;
  }
}

test('hostile media: every mutant × every request kind gets a contract status with a logged reason, no hang, no crash, no leak', { timeout: 15 * 60_000 }, async (t) => {
  const seed = mutationSeed();
  console.log(`hostile-media seed ${seed} (replay: ${SEED_ENV}=${seed})`);
  tally.notes.push(`seed ${seed}`);
  const random = new SeededRandom(seed);
  const site = makeMediaSite('sg-hostile-media-');
  t.after(() => rmSync(site.root, { recursive: true, force: true }));
  const work = join(site.root, 'work');
  mkdirSync(work);
  const { sources, audioIsmv, iis } = await originals(work);
  // A file beside the site that a server manifest must never reach (smil-src-climbs-out).
  mkdirSync(join(site.root, 'outside'));
  copyFileSync(join(work, 'iis', iis.videoName), join(site.root, 'outside', iis.videoName));

  const placed: PlacedMutant[] = [];
  sources.forEach((source, sourceIndex) => {
    const own = random.fork(source.label);
    const mutants: Mutant[] = [{ name: 'unmutated', bytes: source.bytes }];
    if (source.kind === 'iis-smil') mutants.push(...smilMutants(iis.ism, iis.videoName));
    else {
      MUTATIONS.forEach((mutation, index) => {
        if (index % MUTATION_STRIDE !== sourceIndex % MUTATION_STRIDE) return;
        const mutant = mutation.apply(source.bytes, own);
        if (mutant) mutants.push(mutant);
      });
      for (const damage of RANDOM_DAMAGE) {
        const mutant = damage.apply(source.bytes, own);
        if (mutant) mutants.push(mutant);
      }
    }
    for (const mutant of mutants) placed.push(place(site, `m${String(placed.length).padStart(4, '0')}`, source, mutant, { audioIsmv, iis }, own));
  });

  const serve: ServeUnderTest = await startServeUnderTest(t, { args: site.args, cwd: site.root, env: INSPECT_ENV });
  // Warm up (first requests load code paths and pools) before taking the baseline.
  for (const kind of placed[0]!.requests) await rawRequest(serve.port, requestBytes(kind), { timeoutMs: RESPONSE_BOUND_MS });
  tally.fdStart = serve.fdCount();
  tally.rssStartBytes = serve.rssBytes();
  const liveStartBytes = await liveRssBytes(serve);

  const latencies: number[] = [];
  const probeDir = join(site.root, 'probe');
  mkdirSync(probeDir);
  const sourceReadable = new Map<string, boolean>();
  let probes = 0;
  const failures: string[] = [];
  const started = Date.now();
  for (const item of placed) {
    for (const kind of item.requests) {
      const what = `${item.id} ${item.source.label}/${item.mutant.name} ${kind.name} ${kind.target}${kind.range ? ` (${kind.range})` : ''}`;
      const mark = serve.mark();
      const response = await rawRequest(serve.port, requestBytes(kind), { timeoutMs: RESPONSE_BOUND_MS });
      latencies.push(response.ms);
      tally.saw(response.hung ? null : response.status);
      if (response.hung) {
        tally.hang(what);
        failures.push(`hang: ${what}`);
      }
      for (const problem of await judgeMediaResponse(serve, mark, response)) {
        tally.violation(`${what}: ${problem}`);
        failures.push(`${what}: ${problem}`);
      }
      // The originals must still be served: the suite proves nothing if the site itself is broken.
      const expected = kind.name === 'plain' ? 200 : kind.name === 'range' ? 206 : null;
      if (item.mutant.name === 'unmutated' && expected !== null && response.status !== expected) failures.push(`${what}: original answered ${response.status}`);
      if (!serve.alive()) {
        tally.crash(what);
        serve.assertAlive(`after ${what}`);
      }
      if (kind.probe && response.status === 200 && probes < MAX_FFPROBE_CHECKS && item.mutant.name !== 'unmutated' && random.below(4) === 0) {
        probes++;
        if (!sourceReadable.has(item.path)) sourceReadable.set(item.path, await ffprobeReads(item.path));
        const cut = join(probeDir, `${item.id}-${kind.name}.mp4`);
        writeFileSync(cut, response.body);
        if (sourceReadable.get(item.path) && !(await ffprobeReads(cut))) {
          tally.violation(`${what}: ffprobe reads the source but not the 200 cut`);
          failures.push(`${what}: ffprobe cannot read the cut`);
        }
        rmSync(cut, { force: true });
      }
    }
  }
  const elapsedMs = Date.now() - started;
  // Give closed sockets and freed indexes a moment, then measure again.
  await new Promise((r) => setTimeout(r, 1500));
  tally.fdEnd = serve.fdCount();
  tally.rssEndBytes = serve.rssBytes();
  const liveEndBytes = await liveRssBytes(serve);
  tally.p99Ms = percentile(latencies, 99);
  tally.notes.push(`${placed.length} files (${sources.length} sources), ${latencies.length} requests in ${(elapsedMs / 1000).toFixed(1)} s, ${probes} ffprobe spot checks`);
  if (tally.fdEnd > tally.fdStart + FD_SLACK) tally.leak(`fds ${tally.fdStart} → ${tally.fdEnd}`);
  if (liveEndBytes > liveStartBytes + LIVE_RSS_SLACK_BYTES) tally.leak(`RSS after a full GC ${liveStartBytes} → ${liveEndBytes}`);
  if (tally.rssEndBytes > tally.rssStartBytes + RAW_RSS_GROWTH_BOUND_BYTES) tally.leak(`raw RSS ${tally.rssStartBytes} → ${tally.rssEndBytes}, more than the index cache's bound`);
  tally.notes.push(`RSS after a full GC ${(liveStartBytes / 2 ** 20).toFixed(0)} → ${(liveEndBytes / 2 ** 20).toFixed(0)} MiB`);
  serve.assertAlive('at the end of the run');
  console.log(`hostile-media: ${JSON.stringify(tally.statuses)} p99 ${tally.p99Ms} ms, fds ${tally.fdStart}→${tally.fdEnd}, RSS ${(tally.rssStartBytes / 2 ** 20).toFixed(0)}→${(tally.rssEndBytes / 2 ** 20).toFixed(0)} MiB`);
  assert.deepEqual(failures.slice(0, 40), [], `seed ${seed}: ${failures.length} violations`);
  assert.equal(tally.leaks, 0, tally.violations.filter((v) => v.startsWith('leak')).join('; '));
});
