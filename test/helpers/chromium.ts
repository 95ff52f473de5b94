/**
 * Debian's chromium driven through playwright-core (issue 3: "a Chromium <video> plays ?start= output
 * from the right position"). The first frame of the cut is compared, pixel by pixel on a canvas, with
 * the source's frame at the keyframe the cut rule predicts; then the cut plays and both decoders report
 * decoded bytes.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM ?? '/usr/bin/chromium';
export const chromiumAvailable = (): boolean => existsSync(CHROMIUM_PATH);

const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--autoplay-policy=no-user-gesture-required',
];

export interface Browser {
  readonly context: BrowserContext;
  close(): Promise<void>;
}

export async function launchChromium(): Promise<Browser> {
  const userDataDir = await mkdtemp(join(tmpdir(), 'sg-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM_PATH, headless: true, args: ARGS, timeout: 30_000 });
  return {
    context,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

export const BLANK_PAGE = '<!doctype html><html><body></body></html>';

export interface PlaybackReport {
  /** Mean absolute RGBA difference between the cut's first frame and the source at the keyframe. */
  readonly diffAtKeyframe: number;
  /** The same against the source one frame earlier (must be larger: the check can tell frames apart). */
  readonly diffOneFrameEarlier: number;
  /** After a seek inside the cut (Range requests into the generated body): difference from the source. */
  readonly diffAfterSeek: number;
  readonly duration: number;
  readonly playedTo: number;
  readonly videoBytes: number;
  readonly audioBytes: number;
  readonly errors: string[];
}

/**
 * Loads `cutUrl` and `sourceUrl` in <video> elements of a page at `pageUrl` (same origin, so the
 * canvas is readable), compares frames, plays the cut for `playSec` seconds of media time.
 */
export async function checkCutPlayback(browser: Browser, pageUrl: string, cutUrl: string, sourceUrl: string, keyframeSec: number, frameSec: number, playSec: number): Promise<PlaybackReport> {
  const page = await browser.context.newPage();
  try {
    await page.goto(pageUrl);
    return await page.evaluate(
      async ({ cutUrl, sourceUrl, keyframeSec, frameSec, playSec }) => {
        // Runs in the page: DOM types are not part of this project's tsconfig, so the DOM is `any` here.
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        type Video = any;
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        const document: any = (globalThis as any).document;
        const errors: string[] = [];
        const open = (src: string, atSec: number | null): Promise<Video> =>
          new Promise((resolve, reject) => {
            const v = document.createElement('video');
            v.muted = true;
            v.preload = 'auto';
            const timer = setTimeout(() => reject(new Error(`timeout loading ${src}`)), 20_000);
            v.onerror = () => reject(new Error(`media error ${v.error?.code} ${v.error?.message} for ${src}`));
            // A short settle after loadeddata/seeked: on a loaded machine the frame may be painted late.
            const done = (): void => {
              clearTimeout(timer);
              setTimeout(() => resolve(v), 150);
            };
            v.addEventListener('loadeddata', () => {
              if (atSec === null) {
                done();
                return;
              }
              v.addEventListener('seeked', done, { once: true });
              v.currentTime = atSec;
            }, { once: true });
            v.src = src;
            document.body.appendChild(v);
          });
        const pixels = (v: Video): Uint8ClampedArray => {
          const canvas = document.createElement('canvas');
          canvas.width = v.videoWidth;
          canvas.height = v.videoHeight;
          const g = canvas.getContext('2d')!;
          g.drawImage(v, 0, 0);
          return g.getImageData(0, 0, canvas.width, canvas.height).data;
        };
        const diff = (a: Uint8ClampedArray, b: Uint8ClampedArray): number => {
          if (a.length !== b.length) return 255;
          let sum = 0;
          for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
          return sum / a.length;
        };
        const cut = await open(cutUrl, null);
        const first = pixels(cut);
        // Half a frame into the keyframe's display interval, so float rounding cannot pick a neighbour.
        const atKey = pixels(await open(sourceUrl, keyframeSec + frameSec / 2));
        const before = pixels(await open(sourceUrl, Math.max(0, keyframeSec - frameSec / 2)));
        cut.addEventListener('error', () => errors.push(`playback error ${cut.error?.code} ${cut.error?.message}`));
        await cut.play();
        const target = Math.min(playSec, cut.duration - 0.2);
        const deadline = performance.now() + 15_000;
        while (cut.currentTime < target && !cut.ended && performance.now() < deadline && errors.length === 0) {
          await new Promise((r) => setTimeout(r, 50));
        }
        cut.pause();
        const playedTo = cut.currentTime;
        // Seek inside the cut to the middle of frame j, compare with the source at the same instant.
        const j = Math.max(1, Math.round(Math.min(1, cut.duration / 2) / frameSec));
        await new Promise((resolve) => {
          cut.addEventListener('seeked', () => setTimeout(resolve, 150), { once: true });
          cut.currentTime = j * frameSec + frameSec / 2;
        });
        const afterSeek = pixels(cut);
        const sourceThere = pixels(await open(sourceUrl, keyframeSec + j * frameSec + frameSec / 2));
        const anyVideo = cut as Video;
        return {
          diffAtKeyframe: diff(first, atKey),
          diffOneFrameEarlier: diff(first, before),
          diffAfterSeek: diff(afterSeek, sourceThere),
          duration: cut.duration,
          playedTo,
          videoBytes: anyVideo.webkitVideoDecodedByteCount ?? -1,
          audioBytes: anyVideo.webkitAudioDecodedByteCount ?? -1,
          errors,
        };
      },
      { cutUrl, sourceUrl, keyframeSec, frameSec, playSec },
    );
  } finally {
    await page.close();
  }
}
