/** mod_remoteip's choice of the client address, and smoothgate.yaml's trustedProxies. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddressFor, trustedProxiesPolicy } from '../../src/access/remote-ip';
import { parseSubnetWord } from '../../src/access/ip';
import type { Subnet } from '../../src/access/ip';
import { NodeFsView } from '../../src/fs/node-fs-view';
import { Router } from '../../src/routing/router';
import { dir, loadCase } from './harness';

const subnet = (w: string) => parseSubnetWord(w) as Subnet;

test('no policy or no header: the TCP peer', () => {
  assert.equal(clientAddressFor(null, '198.51.100.9', '203.0.113.5'), '198.51.100.9');
  assert.equal(clientAddressFor(trustedProxiesPolicy(['10.0.0.0/8']), '10.0.0.1', undefined), '10.0.0.1');
  assert.equal(trustedProxiesPolicy([]), null);
});

test('trustedProxies: only listed peers are believed, right to left', () => {
  const policy = trustedProxiesPolicy(['10.0.0.0/8', '127.0.0.1']);
  assert.equal(clientAddressFor(policy, '127.0.0.1', '203.0.113.5'), '203.0.113.5');
  assert.equal(clientAddressFor(policy, '198.51.100.1', '203.0.113.5'), '198.51.100.1', 'an unlisted peer is the client');
  assert.equal(clientAddressFor(policy, '127.0.0.1', '203.0.113.5, 10.1.1.1'), '203.0.113.5');
  assert.equal(clientAddressFor(policy, '127.0.0.1', '1.1.1.1, 203.0.113.5, 10.1.1.1'), '203.0.113.5', 'a client cannot forge past the last untrusted hop');
  assert.equal(clientAddressFor(policy, '127.0.0.1', '10.9.9.9'), '10.9.9.9', 'internal proxies may present private addresses');
  assert.equal(clientAddressFor(policy, '127.0.0.1', 'evil.example, 203.0.113.5'), '203.0.113.5', 'names stop the walk');
  assert.equal(clientAddressFor(policy, '127.0.0.1', ''), '127.0.0.1');
  assert.throws(() => trustedProxiesPolicy(['proxy.example']));
});

test('RemoteIPTrustedProxy: an external proxy may not present private or loopback addresses', () => {
  const policy = { header: 'X-Forwarded-For', proxies: [{ subnet: subnet('192.0.2.10'), internal: false }] };
  assert.equal(clientAddressFor(policy, '192.0.2.10', '10.0.0.5'), '192.0.2.10');
  assert.equal(clientAddressFor(policy, '192.0.2.10', '127.0.0.1'), '192.0.2.10');
  assert.equal(clientAddressFor(policy, '192.0.2.10', 'fe80::1'), '192.0.2.10');
  assert.equal(clientAddressFor(policy, '192.0.2.10', '2001:db8::7'), '2001:db8::7');
  assert.equal(clientAddressFor(policy, '192.0.2.10', '203.0.113.5'), '203.0.113.5');
});

test('the Router applies trustedProxies to the peer before any access rule', () => {
  const conf = dir('  Require ip 203.0.113.5\n');
  const loaded = loadCase({ conf });
  try {
    const base = { method: 'GET', rawTarget: '/a.txt', protocol: 'HTTP/1.1', clientPort: 1, localIp: '127.0.0.1', localPort: 80, isHttps: false };
    const headers: Array<[string, string]> = [['Host', 'www.example.com'], ['X-Forwarded-For', '203.0.113.5']];
    const trusting = new Router(loaded.config, new NodeFsView(), { installedHandlers: new Set(), trustedProxies: trustedProxiesPolicy(['127.0.0.1']) });
    assert.equal(trusting.decide({ ...base, headers, clientIp: '127.0.0.1' }).status, 200);
    assert.equal(trusting.decide({ ...base, headers, clientIp: '127.0.0.2' }).status, 403, 'a peer that is not a proxy is not believed');
    const plain = new Router(loaded.config, new NodeFsView(), { installedHandlers: new Set() });
    assert.equal(plain.decide({ ...base, headers, clientIp: '127.0.0.1' }).status, 403, 'without trustedProxies the header is ignored');
  } finally {
    loaded.dispose();
  }
});
