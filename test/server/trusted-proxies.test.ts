import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TrustedProxies, normalizeIp } from '../../src/server/trusted-proxies';
import { SgError } from '../../src/errors';

test('CIDR matching for IPv4, IPv6 and v4-mapped peers', () => {
  const t = new TrustedProxies(['10.0.0.0/8', '192.168.1.7', 'fd00::/8', '::1']);
  assert.equal(t.isTrusted('10.255.0.1'), true);
  assert.equal(t.isTrusted('11.0.0.1'), false);
  assert.equal(t.isTrusted('::ffff:10.1.1.1'), true);
  assert.equal(t.isTrusted('192.168.1.7'), true);
  assert.equal(t.isTrusted('192.168.1.8'), false);
  assert.equal(t.isTrusted('fd12::1'), true);
  assert.equal(t.isTrusted('fe80::1'), false);
  assert.equal(t.isTrusted('::1'), true);
  assert.equal(t.isTrusted('garbage'), false);
  assert.equal(normalizeIp('::ffff:127.0.0.1'), '127.0.0.1');
  assert.throws(() => new TrustedProxies(['10.0.0.0/33']), (e: unknown) => e instanceof SgError && e.code === 'SG_ERR_SERVER_TRUSTED_PROXY');
  assert.throws(() => new TrustedProxies(['host.example']), (e: unknown) => e instanceof SgError);
});

test('X-Forwarded-For is walked from the right while hops are trusted (mod_remoteip)', () => {
  const t = new TrustedProxies(['10.0.0.0/8']);
  assert.deepEqual(t.resolve('203.0.113.5', '1.2.3.4', 'https'), { clientIp: '203.0.113.5', remainingForwardedFor: ['1.2.3.4'], forwardedProto: null }, 'untrusted peer: nothing believed');
  assert.deepEqual(t.resolve('10.0.0.1', '1.2.3.4, 5.6.7.8, 10.0.0.2', 'http, https'), { clientIp: '5.6.7.8', remainingForwardedFor: ['1.2.3.4'], forwardedProto: 'https' });
  assert.deepEqual(t.resolve('10.0.0.1', '10.0.0.3, 10.0.0.2', undefined), { clientIp: '10.0.0.3', remainingForwardedFor: [], forwardedProto: null }, 'all trusted: the leftmost');
  assert.deepEqual(t.resolve('10.0.0.1', 'unknown, 5.6.7.8', undefined), { clientIp: '5.6.7.8', remainingForwardedFor: ['unknown'], forwardedProto: null });
  assert.deepEqual(t.resolve('10.0.0.1', 'not-an-ip', undefined), { clientIp: '10.0.0.1', remainingForwardedFor: ['not-an-ip'], forwardedProto: null });
  assert.equal(new TrustedProxies([]).resolve('10.0.0.1', '1.1.1.1', 'https').clientIp, '10.0.0.1');
});
