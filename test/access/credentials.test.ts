/**
 * Basic credentials as mod_auth_basic reads them, header injection through credentials, and the
 * rule that no password, user name or Authorization value ever reaches a reason (the text that is
 * logged) or the explain trace (INTERFACE.md §11).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aprBase64Decode, parseBasicAuthorization } from '../../src/access/basic-credentials';
import { basic, dir, route } from './harness';

test('apr_base64_decode: stops at the first non-alphabet character, drops a lone sextet, cuts at NUL', () => {
  assert.equal(aprBase64Decode('Ym9iOmJvYi1wdw==').toString(), 'bob:bob-pw');
  assert.equal(aprBase64Decode('Ym9iOmJvYi1wdw').toString(), 'bob:bob-pw');
  assert.equal(aprBase64Decode('Ym9iOmJvYi1wdw== junk').toString(), 'bob:bob-pw');
  assert.equal(aprBase64Decode('!!!!').length, 0);
  assert.equal(aprBase64Decode('QQ').toString(), 'A');
  assert.equal(aprBase64Decode('QUJD' + 'R').toString(), 'ABC');
  assert.equal(aprBase64Decode(Buffer.from('a:b\0c').toString('base64')).toString(), 'a:b');
});

test('get_basic_auth: scheme case-insensitive, spaces skipped, first colon splits, no colon = empty password', () => {
  const p = (h: string | undefined) => parseBasicAuthorization(h);
  assert.deepEqual(p(undefined), { kind: 'none' });
  assert.deepEqual(p('Bearer x'), { kind: 'wrongScheme' });
  assert.deepEqual(p('Basicx'), { kind: 'wrongScheme' });
  const cred = p(`bAsIc    ${Buffer.from('u:p:q').toString('base64')}`);
  assert.equal(cred.kind, 'basic');
  if (cred.kind === 'basic') {
    assert.equal(cred.user.toString(), 'u');
    assert.equal(cred.password.toString(), 'p:q');
  }
  const noColon = p(`Basic ${Buffer.from('alice').toString('base64')}`);
  if (noColon.kind === 'basic') assert.equal(noColon.password.length, 0);
  const empty = p('Basic');
  assert.equal(empty.kind, 'basic');
});

const CONF = dir('  AuthType Basic\n  AuthName "Members"\n  AuthUserFile "@ROOT@/users"\n  AuthGroupFile "@ROOT@/groups"\n  Require group editors\n');
const FILES = {
  users: 'bob:$apr1$ZNCFYheb$PDe9AUVJ19tkF9cbmxb4x/\ncarol:{SHA}hsAaMBat8aKiQgxhKhAqvbXOPbw=\n',
  groups: 'editors: bob\n',
};

test('header injection: credentials decoding to CR LF and header text are refused and never echoed', () => {
  const evilUser = 'bob\r\nX-Injected: 1';
  const r = route({ conf: CONF, files: FILES, headers: { Authorization: basic(evilUser, 'bob-pw') } });
  assert.equal(r.decision.kind, 'auth');
  if (r.decision.kind === 'auth') {
    assert.equal(r.decision.challenge, 'Basic realm="Members"');
    assert.doesNotMatch(r.decision.challenge, /[\r\n]/);
  }
  for (const [name, value] of r.decision.headers) {
    assert.doesNotMatch(`${name}: ${value}`, /X-Injected|[\r\n]/);
  }
  const everything = JSON.stringify({ reason: (r.decision as { reason?: string }).reason, trace: r.trace });
  assert.doesNotMatch(everything, /X-Injected/);
});

test('no password, user or Authorization value in any reason or trace line', () => {
  const secrets: Array<[string, string]> = [
    ['bob', 'bob-pw'], // right password, wrong group? no: bob is an editor → served
    ['bob', 'wr0ng-Pässword'], // password mismatch
    ['carol', 'carol-pw'], // authenticated, not in the group
    ['mallory', 'guessed-secret'], // unknown user
    ['bob', ''], // empty password
  ];
  for (const [user, password] of secrets) {
    const header = basic(user, password);
    const r = route({ conf: CONF, files: FILES, headers: { Authorization: header } });
    const text = JSON.stringify({ reason: (r.decision as { reason?: string }).reason ?? '', trace: r.trace });
    const encoded = header.slice('Basic '.length);
    if (password !== '') assert.ok(!text.includes(password), `password of ${user} leaked`);
    assert.ok(!text.includes(encoded), 'Authorization value leaked');
    assert.ok(!text.includes(user === 'bob' ? 'bob:' : user), `user ${user} named`);
  }
});

test('a wrong scheme and a missing header are challenged without echoing the header', () => {
  const r = route({ conf: CONF, files: FILES, headers: { Authorization: 'Bearer top-secret-token' } });
  assert.equal(r.decision.kind, 'auth');
  assert.ok(!JSON.stringify({ r: (r.decision as { reason?: string }).reason, t: r.trace }).includes('top-secret-token'));
  const none = route({ conf: CONF, files: FILES });
  assert.equal(none.decision.kind, 'auth');
});
