import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aliasMatches, pregsub } from '../../src/routing/phases/alias';
import { fnmatch } from '../../src/routing/fnmatch';

// mod_alias alias_matches (SPEC-NOTES §4.5.1): whole segments, slash runs match one slash.
test('alias prefixes match on segment boundaries', () => {
  assert.equal(aliasMatches('/r1/x', '/r1'), 3);
  assert.equal(aliasMatches('/r1', '/r1'), 3);
  assert.equal(aliasMatches('/r1x', '/r1'), 0);
  assert.equal(aliasMatches('/al2', '/al2/'), 0);
  assert.equal(aliasMatches('/al2/f', '/al2/'), 5);
  assert.equal(aliasMatches('//al///f', '/al/f'), 8);
});

test('pregsub substitutes $N and &', () => {
  const m = /^\/am\/(.*)\.text$/.exec('/am/f.text')!;
  assert.equal(pregsub('/root/aliased/$1.txt', m), '/root/aliased/f.txt');
  assert.equal(pregsub('\\$1 & $9', m), '$1 /am/f.text ');
});

test('fnmatch with FNM_PATHNAME: * and ? stop at /', () => {
  assert.ok(fnmatch('/srv/*/deep/', '/srv/x/deep/'));
  assert.ok(!fnmatch('/srv/*/deep/', '/srv/x/y/deep/'));
  assert.ok(fnmatch('*.mp4', 'a.mp4'));
  assert.ok(fnmatch('[!a]*', 'b'));
  assert.ok(!fnmatch('[!a]*', 'a'));
});
