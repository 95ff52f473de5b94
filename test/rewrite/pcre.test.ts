import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execPcre, translatePcre } from '../../src/rewrite/pcre';

function re(p: string, nc = false) {
  const t = translatePcre(p, nc);
  if (!t.ok) throw new Error(t.reason);
  return t.value;
}
const groups = (p: string, s: string, nc = false) => execPcre(re(p, nc), s);

test('DOTALL and DOLLAR_ENDONLY are Apache defaults; \\Z allows a final newline', () => {
  assert.ok(groups('^a.b$', 'a\nb'));
  assert.equal(groups('^ab$', 'ab\n'), null);
  assert.ok(groups('^ab\\Z', 'ab\n'));
  assert.equal(groups('^ab\\z', 'ab\n'), null);
  assert.ok(groups('\\Aab', 'ab'));
});

test('ASCII-only classes: \\s, \\h, \\v, \\w, POSIX', () => {
  assert.equal(groups('^\\s$', '\u00a0'), null);
  assert.ok(groups('^\\s$', '\u000b'));
  assert.ok(groups('^\\h$', '\u00a0'));
  assert.ok(groups('^\\v$', '\u0085'));
  assert.equal(groups('^\\w$', '\u00e9'), null);
  assert.deepEqual(groups('^([[:digit:]]+)[[:^alpha:]]([[:upper:]]+)$', '12-AB'), ['12-AB', '12', 'AB']);
  assert.ok(groups('^[\\S\\s]$', 'x'));
  assert.ok(groups('^[[:punct:]]+$', '!-/'));
});

test('group numbers survive atomic groups, possessive quantifiers and named groups', () => {
  assert.deepEqual(groups('^/g/([a-z]++)(?>-)(\\d+)$', '/g/abc-42'), ['/g/abc-42', 'abc', '42']);
  assert.deepEqual(groups('^(?P<w>[a-z]+)/(\\d+)$', 'ab/7'), ['ab/7', 'ab', '7']);
  assert.deepEqual(groups("^(?'w'a)(?<v>b)(?P=w)$", 'aba'), ['aba', 'a', 'b']);
  assert.deepEqual(groups('^(a)(?>(b))\\2$', 'abb'), ['abb', 'a', 'b']);
  // Atomic semantics: (?>a+)a can never match.
  assert.equal(groups('^(?>a+)a$', 'aaa'), null);
  assert.equal(groups('^a++a$', 'aaa'), null);
});

test('inline (?i) at the start, [NC], \\Q…\\E, escapes', () => {
  assert.ok(groups('(?i)^/UPPER$', '/upper'));
  assert.ok(groups('^/UPPER$', '/upper', true));
  assert.ok(groups('^\\Q.*\\E$', '.*'));
  assert.equal(groups('^\\Q.*\\E$', 'ab'), null);
  assert.ok(groups('^\\x41\\x{42}\\101\\e$', 'AB\u0041\u001b'));
  assert.ok(groups('^[]a]+$', ']a'));
  assert.ok(groups('^a{,2}$', 'a{,2}'));
  assert.ok(groups('^x{$', 'x{'));
});

test('refused constructs name the reason', () => {
  for (const p of ['a(?R)', '(?(1)a|b)', '\\Gx', 'a\\Kb', '\\p{L}', '(*UTF)a', '(?x)a b', '(?|a)', '(a)++', '(a)\\1', '[\\d-z]']) {
    const t = translatePcre(p, p === '(a)\\1');
    assert.equal(t.ok, false, p);
  }
  for (const p of ['^(x$', '*a', '[a', 'a\\', 'a{3,1}', '\\i']) {
    const t = translatePcre(p, false);
    assert.equal(t.ok, false, p);
  }
});

test('backreferences are renumbered; unmatched groups are undefined', () => {
  assert.ok(groups('^(a)\\1$', 'aa'));
  assert.deepEqual(groups('^(a)|(b)$', 'b'), ['b', undefined, 'b']);
});

test('case-insensitivity is ASCII-only and may be local', () => {
  assert.ok(groups('^abc$', 'AbC', true));
  assert.equal(groups('^\\xe9$', '\u00c9', true), null); // PCRE's C tables do not fold é/É
  assert.ok(groups('^(?i:ab)c$', 'ABc'));
  assert.equal(groups('^(?i:ab)c$', 'ABC'), null);
  assert.ok(groups('^a(?i)b|c$', 'C'));
  assert.equal(groups('^(a(?i)b)c$', 'aBC'), null);
  assert.ok(groups('^(a(?i)b)c$', 'aBc'));
  assert.ok(groups('^[^a]$', 'b', true));
  assert.equal(groups('^[^a]$', 'A', true), null);
  assert.ok(groups('^[[:upper:]]+$', 'abc', true));
  assert.equal(groups('^(?-s:a.b)$', 'a\nb'), null);
  assert.ok(groups('^a.b$', 'a\nb'));
});
