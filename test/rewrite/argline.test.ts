import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgLine } from '../../src/rewrite/argline';

test('parseargline: three words, quotes group, flags optional', () => {
  assert.deepEqual(parseArgLine('^/a$ /b [L]'), { a1: '^/a$', a2: '/b', a3: '[L]' });
  assert.deepEqual(parseArgLine('  ^/a$   /b  '), { a1: '^/a$', a2: '/b', a3: null });
  assert.deepEqual(parseArgLine('"^/a b$" \'/x y\' "[L, NC]"'), { a1: '^/a b$', a2: '/x y', a3: '[L, NC]' });
});

test('parseargline: backslash-space stays in the word, \\\\ is not collapsed', () => {
  assert.deepEqual(parseArgLine('^/a\\ b$ /c'), { a1: '^/a\\ b$', a2: '/c', a3: null });
  assert.deepEqual(parseArgLine('^/bs\\\\x$ /c'), { a1: '^/bs\\\\x$', a2: '/c', a3: null });
});

test('parseargline: \\" does not escape a quote; an unquoted -lt 10 makes 10 the flags field', () => {
  assert.deepEqual(parseArgLine('"a\\"b c'), { a1: 'a\\', a2: 'b', a3: 'c' });
  assert.deepEqual(parseArgLine('%{QUERY_STRING} -lt 10'), { a1: '%{QUERY_STRING}', a2: '-lt', a3: '10' });
});

test('parseargline: one word is a bad argument line; text after the third word is ignored', () => {
  assert.equal(parseArgLine('^/only'), null);
  assert.equal(parseArgLine(''), null);
  assert.deepEqual(parseArgLine('a b [L] extra'), { a1: 'a', a2: 'b', a3: '[L]' });
});
