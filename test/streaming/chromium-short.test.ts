/**
 * The one short Chromium check of `npm test` (INTERFACE §0, issue 3): a `<video>` plays `?start=`
 * output from the keyframe the cut rule picks. The full matrix is test/e2e/progressive-chromium.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FIXTURES } from '../helpers/media-tools';
import { startProgressiveServer } from '../helpers/progressive-server';
import { BLANK_PAGE, checkCutPlayback, chromiumAvailable, launchChromium } from '../helpers/chromium';

test('Chromium <video> plays ?start=1.5 of the B-frame fixture from the 1.001 s keyframe', { skip: !chromiumAvailable() && 'chromium not installed' }, async () => {
  const server = await startProgressiveServer(FIXTURES, { pages: { '/page.html': BLANK_PAGE } });
  const browser = await launchChromium();
  try {
    const name = 'bframes-2997-48k.mp4';
    // Keyframes every 30 frames at 30000/1001 fps: 1.5 s snaps to frame 30 = 1.001 s.
    const report = await checkCutPlayback(browser, `${server.baseUrl}/page.html`, `${server.baseUrl}/${name}?start=1.5`, `${server.baseUrl}/${name}`, 1.001, 1001 / 30000, 1.5);
    assert.deepEqual(report.errors, []);
    assert.ok(report.diffAtKeyframe < 3, `first frame differs from the source's keyframe: ${JSON.stringify(report)}`);
    assert.ok(report.diffAtKeyframe < report.diffOneFrameEarlier, JSON.stringify(report));
    assert.ok(Math.abs(report.duration - (4.004 - 1.001)) < 0.1, JSON.stringify(report));
    assert.ok(report.playedTo >= 1.2, JSON.stringify(report));
    assert.ok(report.videoBytes > 0 && report.audioBytes > 0, JSON.stringify(report));
  } finally {
    await browser.close();
    await server.close();
  }
});
