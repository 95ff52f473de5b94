/**
 * The IIS server manifest reader (SPEC-NOTES §2.6) against hostile .ism files (issue 6 "Hostile media"):
 * a megabyte of one long attribute name, of `<video` without `>`, of elements never closed or of
 * comments never ended is read in linear time — the regexes it replaced backtracked quadratically and
 * held the event loop for minutes on one request. Ordinary SMIL still reads as before.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseServerManifest, writeServerManifest } from '../../src/streaming/smooth';

const MIB = 1024 * 1024;

test('a 1 MiB hostile server manifest is refused in linear time, never a stalled event loop', () => {
  const hostile: Record<string, string> = {
    'one long attribute name': `<smil><video ${'a'.repeat(MIB)}/>`,
    'name=name=… without quotes': `<smil><video ${'a='.repeat(MIB / 2)}/>`,
    '<video without >': `<smil>${'<video '.repeat(MIB / 7)}`,
    'elements never closed': `<smil>${'<video src="a" systemBitrate="1">'.repeat(MIB / 33)}`,
    'comments never ended': `<smil>${'<!--'.repeat(MIB / 4)}`,
  };
  for (const [name, text] of Object.entries(hostile)) {
    const started = Date.now();
    assert.throws(() => parseServerManifest(text, 'x.ism'), { code: 'SG_ERR_STREAM_SERVER_MANIFEST' }, name);
    // Linear work on 1 MiB is milliseconds; the quadratic readers took seconds to minutes.
    assert.ok(Date.now() - started < 1500, `${name}: ${Date.now() - started} ms`);
  }
});

test('ordinary server manifests: comments, params, single quotes, entities, any case, closed or self-closed', () => {
  const text = `<?xml version="1.0"?><smil xmlns="http://www.w3.org/2001/SMIL20/Language"><head><meta name="a" content="b"/></head>
<body><!-- <video src="commented.ismv" systemBitrate="9"/> --><switch>
<video src="v_1.ismv" systemBitrate="1000"><param name="trackID" value="2" valuetype="data"/></video>
<audio src='a&amp;b.isma' systemBitrate = "64000" /><VIDEO src="u.ismv" systemBitrate="5"></VIDEO></switch></body></smil>`;
  assert.deepEqual(parseServerManifest(text, 'x.ism'), [
    { type: 'video', src: 'v_1.ismv', systemBitrateBps: 1000, trackId: 2 },
    { type: 'audio', src: 'a&b.isma', systemBitrateBps: 64000 },
    { type: 'video', src: 'u.ismv', systemBitrateBps: 5 },
  ]);
  const entries = [{ type: 'video' as const, src: 'x_300.ismv', systemBitrateBps: 300, trackId: 1 }, { type: 'audio' as const, src: 'x_64.isma', systemBitrateBps: 64, trackId: 1 }];
  assert.deepEqual(parseServerManifest(writeServerManifest(entries, 'x.ismc'), 'x.ism'), entries);
  assert.throws(() => parseServerManifest('<smil><video systemBitrate="1"/></smil>', 'x.ism'), { code: 'SG_ERR_STREAM_SERVER_MANIFEST' });
  assert.throws(() => parseServerManifest('no smil here', 'x.ism'), { code: 'SG_ERR_STREAM_SERVER_MANIFEST' });
});
