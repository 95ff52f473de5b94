/**
 * A full garbage collection in the process under test, asked for through its inspector (Chrome
 * DevTools Protocol `HeapProfiler.collectGarbage`), so that RSS before and after a load run compares
 * live memory and not how much garbage V8 happened to leave uncollected: under steady load the old
 * generation grows for tens of seconds before a major GC, which a raw RSS sample reads as a 20–30%
 * "leak" that a heap snapshot shows is not there. The process must have been started with
 * `NODE_OPTIONS=--inspect=127.0.0.1:0` (INSPECT_ENV); the inspector listens on loopback only.
 */
import { WebSocket } from 'undici';
import type { ServeUnderTest } from './serve-under-test';

export const INSPECT_ENV: NodeJS.ProcessEnv = { NODE_OPTIONS: '--inspect=127.0.0.1:0' };

/** Resolves once the collection ran (bounded: rejects after `timeoutMs`). */
export function collectGarbage(serve: ServeUnderTest, timeoutMs = 15_000): Promise<void> {
  const url = /Debugger listening on (ws:\/\/127\.0\.0\.1:\d+\/[\w-]+)/.exec(serve.stderr())?.[1];
  if (!url) return Promise.reject(new Error('the process under test has no inspector (start it with INSPECT_ENV)'));
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    const timer = setTimeout(() => {
      ws.close();
      reject(new Error(`HeapProfiler.collectGarbage: no answer in ${timeoutMs} ms`));
    }, timeoutMs);
    ws.addEventListener('open', () => ws.send(JSON.stringify({ id: 1, method: 'HeapProfiler.collectGarbage' })));
    ws.addEventListener('message', (event) => {
      const reply = JSON.parse(String(event.data)) as { id?: number; error?: { message: string } };
      if (reply.id !== 1) return;
      clearTimeout(timer);
      ws.close();
      if (reply.error) reject(new Error(`HeapProfiler.collectGarbage: ${reply.error.message}`));
      else resolve();
    });
    ws.addEventListener('error', () => {
      clearTimeout(timer);
      reject(new Error(`inspector at ${url} unreachable`));
    });
  });
}

/** RSS right after a full collection: the median of a few samples taken as the heap settles. */
export async function liveRssBytes(serve: ServeUnderTest): Promise<number> {
  await collectGarbage(serve);
  const samples: number[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 100));
    samples.push(serve.rssBytes());
  }
  return samples.sort((a, b) => a - b)[2]!;
}
