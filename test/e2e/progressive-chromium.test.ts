/**
 * The full Chromium matrix for progressive output (`npm run test:e2e`; INTERFACE §0): every fixture
 * with video, start values at / just before / just after a keyframe, the last GOP, and with an end —
 * the cut's first frame equals the source's frame at the predicted keyframe, it plays, both decoders
 * report bytes, and the duration is what the cut rule leaves. Audio-only output must play too.
 * Chromium fetches media with Range requests, so this also exercises 206 on generated bodies.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { FIXTURES, probe } from '../helpers/media-tools';
import { startProgressiveServer, type TestServer } from '../helpers/progressive-server';
import { BLANK_PAGE, checkCutPlayback, chromiumAvailable, launchChromium, type Browser } from '../helpers/chromium';

let server: TestServer;
let browser: Browser;
const skip = !chromiumAvailable() && 'chromium not installed';

before(async () => {
  if (skip) return;
  server = await startProgressiveServer(FIXTURES, { pages: { '/page.html': BLANK_PAGE } });
  browser = await launchChromium();
});
after(async () => {
  if (skip) return;
  await browser.close();
  await server.close();
});

const VIDEO_FIXTURES = ['bframes-2997-48k.mp4', 'moov-end-25-441k.mp4', 'video-only-24.mp4', 'irregular-gops.mp4', 'fragmented.mp4', 'ctts-v1.mp4'];

for (const name of VIDEO_FIXTURES) {
  test(`Chromium plays ?start= cuts of ${name} from the predicted keyframe`, { skip }, async () => {
    const source = await probe(join(FIXTURES, name));
    const video = source.streams.find((s) => s.codecType === 'video')!;
    const [num, den] = video.timeBase;
    const packets = source.packets.filter((p) => p.streamIndex === video.index);
    const seconds = (ticks: number): number => (ticks * num) / den;
    const keys = packets.filter((p) => p.keyframe).map((p) => seconds(p.pts!)).sort((a, b) => a - b);
    const frame = seconds(packets[1]!.dts! - packets[0]!.dts!);
    const end = Math.max(...packets.map((p) => seconds(p.pts! + p.durationTicks)));
    const second = keys[1] ?? keys[0]!;
    const last = keys[keys.length - 1]!;
    const cases: Array<{ query: string; key: number; duration: number }> = [
      // Rounded up to the microsecond so the text is at (not a hair before) the keyframe.
      { query: `start=${(Math.ceil(second * 1e6) / 1e6).toFixed(6)}`, key: second, duration: end - second },
      { query: `start=${(second - 0.001).toFixed(6)}`, key: keys[0]!, duration: end - keys[0]! },
      { query: `start=${(second + 0.001).toFixed(6)}`, key: second, duration: end - second },
      { query: `start=${(last + 0.2).toFixed(3)}`, key: last, duration: end - last },
    ];
    if (keys.length >= 3) cases.push({ query: `start=${(second + 0.01).toFixed(3)}&end=${(keys[2]! + 0.01).toFixed(3)}`, key: second, duration: keys[2]! - second });
    for (const c of cases) {
      const report = await checkCutPlayback(browser, `${server.baseUrl}/page.html`, `${server.baseUrl}/${name}?${c.query}`, `${server.baseUrl}/${name}`, c.key, frame, 1);
      const where = `${name}?${c.query}: ${JSON.stringify(report)}`;
      assert.deepEqual(report.errors, [], where);
      assert.ok(report.diffAtKeyframe < 3, `first frame is not the source's keyframe at ${c.key}: ${where}`);
      // Chromium seeks a fragmented source (no sample table) to the keyframe itself, so the
      // "one frame earlier" control only discriminates on classic sources.
      if (c.key > 0 && name !== 'fragmented.mp4') assert.ok(report.diffAtKeyframe < report.diffOneFrameEarlier, where);
      // Chromium's duration of a fromStart cut keeps the source's leading offset; allow two frames.
      assert.ok(Math.abs(report.duration - c.duration) <= 2 * frame + 0.05, `duration ${report.duration} vs ${c.duration}: ${where}`);
      assert.ok(report.playedTo >= Math.min(0.8, report.duration - 0.3), where);
      if (name !== 'fragmented.mp4') assert.ok(report.diffAfterSeek < 3, `frame after a seek inside the cut: ${where}`);
      assert.ok(report.videoBytes > 0, where);
      if (source.streams.some((s) => s.codecType === 'audio')) assert.ok(report.audioBytes > 0, where);
    }
  });
}

test('Chromium plays an audio-only ?start= cut', { skip }, async () => {
  const page = await browser.context.newPage();
  try {
    await page.goto(`${server.baseUrl}/page.html`);
    const result = await page.evaluate(async (url) => {
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const document: any = (globalThis as any).document;
      const audio = document.createElement('audio');
      audio.muted = true;
      audio.src = url;
      document.body.appendChild(audio);
      await new Promise((resolve, reject) => {
        audio.onerror = () => reject(new Error(`media error ${audio.error?.code}`));
        audio.oncanplay = resolve;
      });
      await audio.play();
      const deadline = performance.now() + 10_000;
      while (audio.currentTime < 0.5 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return { duration: audio.duration as number, playedTo: audio.currentTime as number, bytes: audio.webkitAudioDecodedByteCount as number };
    }, `${server.baseUrl}/audio-only-48k.mp4?start=1.25`);
    assert.ok(result.playedTo >= 0.5, JSON.stringify(result));
    assert.ok(Math.abs(result.duration - 1.75) < 0.1, JSON.stringify(result));
    assert.ok(result.bytes > 0, JSON.stringify(result));
  } finally {
    await page.close();
  }
});
