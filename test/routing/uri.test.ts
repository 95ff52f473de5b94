import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeUri, normalizePath, unescapeUrl } from '../../src/routing/uri';

const norm = (p: string, mergeSlashes = true) => normalizePath(p, { decodeUnreserved: true, mergeSlashes, notAboveRoot: true });

// Observed on Apache 2.4.71 (SPEC-NOTES §4.7.3).
test('ap_normalize_path: dot segments, encoded dots, merged slashes', () => {
  assert.equal(norm('/s22/a/../b/./c'), '/s22/b/c');
  assert.equal(norm('//a///b'), '/a/b');
  assert.equal(norm('//a///b', false), '//a///b');
  assert.equal(norm('/v/%2e%2e/x'), '/x');
  assert.equal(norm('/v/%2E%2e'), '/');
  assert.equal(norm('/v/.%2e/x'), '/x');
  assert.equal(norm('/a/%41b'), '/a/Ab');
  assert.equal(norm('/a/%2fb'), '/a/%2fb', 'reserved escapes stay for the second pass');
});

test('ap_normalize_path: climbing above / and bad escapes fail (400)', () => {
  assert.equal(norm('/../a.txt'), null);
  assert.equal(norm('/v/../../a.txt'), null);
  assert.equal(norm('/%2e%2e/etc/passwd'), null);
  assert.equal(norm('/v/a%zzb'), null);
  assert.equal(norm('/v/a%2'), null);
  assert.equal(norm('relative'), null);
});

test('ap_unescape_url: one decode, %2f and %00 are 404, bad escapes 400', () => {
  assert.deepEqual(unescapeUrl('/a%20b', 'off'), { ok: true, value: '/a b' });
  assert.deepEqual(unescapeUrl('/a%252e', 'off'), { ok: true, value: '/a%2e' });
  assert.equal((unescapeUrl('/..%2f..%2fetc', 'off') as { status: number }).status, 404);
  assert.equal((unescapeUrl('/a%00b', 'off') as { status: number }).status, 404);
  assert.deepEqual(unescapeUrl('/a%2fb', 'on'), { ok: true, value: '/a/b' });
  assert.deepEqual(unescapeUrl('/a%2fb', 'nodecode'), { ok: true, value: '/a%2fb' });
  assert.deepEqual(unescapeUrl('/%c0%ae', 'off'), { ok: true, value: '/\xc0\xae' });
});

test('normalised paths never climb: no ".." segment survives, result starts with /', () => {
  fc.assert(
    fc.property(fc.array(fc.constantFrom('a', '.', '..', '%2e', '%2e%2e', '.%2e', '', 'b%41'), { maxLength: 12 }), (segments) => {
      const out = norm('/' + segments.join('/'));
      if (out === null) return;
      assert.ok(out.startsWith('/'));
      assert.ok(!out.split('/').includes('..'), out);
    }),
  );
});

test('ap_escape_uri keeps path characters and escapes the rest', () => {
  assert.equal(escapeUri('/a b/c?d#e'), '/a%20b/c%3fd%23e');
  assert.equal(escapeUri("/x:y@z;=!*'(),$&+"), "/x:y@z;=!*'(),$&+");
});
