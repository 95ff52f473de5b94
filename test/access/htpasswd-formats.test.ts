/**
 * Every format Debian's `htpasswd` writes (-B bcrypt, -m APR1-MD5, -s {SHA}, -d crypt DES, -p plain
 * text), generated at test time, verified by our apr_password_validate and through a whole request.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { validatePassword } from '../../src/access/password';
import { basic, dir, route } from './harness';

function htpasswd(flag: string, user: string, password: string): string | null {
  try {
    const out = execFileSync('htpasswd', ['-nb' + flag.replace(/^-/, ''), user, password], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return out.split('\n')[0]!;
  } catch {
    return null;
  }
}

const FORMATS: Array<[flag: string, prefix: RegExp]> = [
  ['-B', /^\$2y\$/],
  ['-m', /^\$apr1\$/],
  ['-s', /^\{SHA\}/],
  ['-d', /^[./0-9A-Za-z]{13}$/],
  ['-2', /^\$5\$/],
  ['-5', /^\$6\$/],
];

for (const [flag, prefix] of FORMATS) {
  test(`htpasswd ${flag}: the right password matches, a wrong one does not`, (t) => {
    const password = flag === '-d' ? 'Pa55w:x' : 'Pässwörd:with colon';
    const line = htpasswd(flag, 'u', password);
    if (line === null) return t.skip('htpasswd (apache2-utils) is not installed');
    const hash = line.slice(line.indexOf(':') + 1);
    assert.match(hash, prefix);
    assert.equal(validatePassword(Buffer.from(password, 'utf8'), hash), 'match');
    assert.equal(validatePassword(Buffer.from(`${password}!`.replace(/^P/, 'p'), 'utf8'), hash), 'mismatch');
    assert.equal(validatePassword(Buffer.alloc(0), hash), 'mismatch');
  });

  test(`htpasswd ${flag}: a request with the password is served, a wrong one is challenged`, (t) => {
    const password = 's3cret-pw';
    const line = htpasswd(flag, 'viewer', password);
    if (line === null) return t.skip('htpasswd (apache2-utils) is not installed');
    const conf = dir('  AuthType Basic\n  AuthName "Previews"\n  AuthUserFile "@ROOT@/users"\n  Require valid-user\n');
    const files = { users: `${line}\n` };
    const ok = route({ conf, files, headers: { Authorization: basic('viewer', password) } }).decision;
    assert.equal(ok.kind, 'file');
    const wrong = route({ conf, files, headers: { Authorization: basic('viewer', 'S3cret-pw') } }).decision;
    assert.equal(wrong.kind, 'auth');
    if (wrong.kind === 'auth') assert.equal(wrong.challenge, 'Basic realm="Previews"');
  });
}

test('htpasswd -d: crypt(3) DES reads only the first 8 bytes, as on Linux', (t) => {
  const line = htpasswd('-d', 'u', 'longpassword');
  if (line === null) return t.skip('htpasswd (apache2-utils) is not installed');
  const hash = line.slice(2);
  assert.equal(validatePassword(Buffer.from('longpassXYZ'), hash), 'match');
  assert.equal(validatePassword(Buffer.from('longpasXword'), hash), 'mismatch');
});

test('htpasswd -p: plain text never matches (Linux passes it to crypt(3))', () => {
  assert.equal(validatePassword(Buffer.from('erin-plain'), 'erin-plain'), 'mismatch');
  assert.equal(validatePassword(Buffer.from('x'), 'x'), 'mismatch');
  assert.equal(validatePassword(Buffer.from(''), ''), 'mismatch');
});

test('crypt(3) families we do not compute are reported, never guessed', () => {
  assert.equal(typeof validatePassword(Buffer.from('pw'), '$y$j9T$F5Jx5fExrKuPp53xLKQ..1$X3DX6M94c7o.9agCG9G317fhZg9SqC.5i5rd.RhAtQ7'), 'object');
  assert.equal(typeof validatePassword(Buffer.from('pw'), '$7$CU..../....abc$def'), 'object');
  assert.equal(validatePassword(Buffer.from('pw'), '$9$unknown'), 'mismatch', 'crypt fails on an unknown prefix: apr says mismatch');
});

test('SHA-crypt with explicit rounds (htpasswd -2 -r)', (t) => {
  const line = htpasswd('-2', 'u', 'pw');
  if (line === null) return t.skip('htpasswd (apache2-utils) is not installed');
  // glibc's own test vector for $6$ with rounds=1000.
  assert.equal(
    validatePassword(Buffer.from('abc'), '$6$rounds=1000$saltsaltsaltsalt$8sfGTobzYljqFCsNdJ30FmFYoe2u3177nZkFioQyZOSlqqGWMvg6Y4Rnalq6wGro6Dot7R6Ef6Uto65moOtyE0'),
    'match',
  );
});

test('$1$ MD5-crypt (glibc) and $apr1$ known vectors', () => {
  // openssl passwd -1 / -apr1 -salt abcdefgh password
  assert.equal(validatePassword(Buffer.from('password'), '$1$abcdefgh$G//4keteveJp0qb8z2DxG/'), 'match');
  assert.equal(validatePassword(Buffer.from('password'), '$apr1$abcdefgh$FBwExRW4dCc8aL.OvjpIE1'), 'match');
});

test('a bcrypt password that is not UTF-8 is a mismatch, never a collision with U+FFFD', (t) => {
  const line = htpasswd('-B', 'u', '\uFFFD');
  if (line === null) return t.skip('htpasswd (apache2-utils) is not installed');
  const hash = line.slice(2);
  assert.equal(validatePassword(Buffer.from('\uFFFD', 'utf8'), hash), 'match');
  assert.equal(validatePassword(Buffer.from([0xff]), hash), 'mismatch');
});

test('a bcrypt cost above the limit fails closed instead of stalling the event loop', () => {
  const hash = '$2y$15$' + 'a'.repeat(53);
  const started = Date.now();
  const check = validatePassword(Buffer.from('pw'), hash);
  assert.equal(typeof check, 'object');
  assert.ok(Date.now() - started < 100);
});
