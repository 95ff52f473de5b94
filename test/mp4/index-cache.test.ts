/** The index cache: single flight, LRU by bytes, identity keys, failures not cached. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IndexCache, type MovieIndex } from '../helpers/mp4-exports';

function fakeIndex(bytes: number): MovieIndex {
  return { estimatedBytes: bytes } as MovieIndex;
}

const id = (path: string, mtimeMs = 1) => ({ path, sizeBytes: 10, mtimeMs, inode: 5 });

test('concurrent first requests share one load', async () => {
  const cache = new IndexCache({ maxBytes: 1000 });
  let loads = 0;
  const load = async () => {
    loads++;
    await new Promise((r) => setTimeout(r, 20));
    return fakeIndex(10);
  };
  const results = await Promise.all(Array.from({ length: 20 }, () => cache.get(id('/a'), load)));
  assert.equal(loads, 1);
  assert.ok(results.every((r) => r === results[0]));
  await cache.get(id('/a'), load);
  assert.equal(loads, 1);
  assert.equal(cache.stats.misses, 1);
});

test('a changed mtime (or size, or inode) is another entry', async () => {
  const cache = new IndexCache({ maxBytes: 1000 });
  let loads = 0;
  const load = async () => (loads++, fakeIndex(10));
  await cache.get(id('/a', 1), load);
  await cache.get(id('/a', 2), load);
  await cache.get({ ...id('/a', 2), inode: 6 }, load);
  assert.equal(loads, 3);
});

test('bounded by bytes, least recently used evicted first', async () => {
  const cache = new IndexCache({ maxBytes: 100 });
  const loads: string[] = [];
  const loader = (name: string) => async () => (loads.push(name), fakeIndex(40));
  await cache.get(id('/a'), loader('a'));
  await cache.get(id('/b'), loader('b'));
  await cache.get(id('/a'), loader('a')); // a is now the most recent
  await cache.get(id('/c'), loader('c')); // evicts b
  assert.ok(cache.stats.bytes <= 100);
  await cache.get(id('/a'), loader('a'));
  await cache.get(id('/b'), loader('b'));
  assert.deepEqual(loads, ['a', 'b', 'c', 'b']);
});

test('failures are not cached', async () => {
  const cache = new IndexCache();
  await assert.rejects(cache.get(id('/x'), async () => Promise.reject(new Error('boom'))));
  const index = await cache.get(id('/x'), async () => fakeIndex(1));
  assert.equal(index.estimatedBytes, 1);
});
