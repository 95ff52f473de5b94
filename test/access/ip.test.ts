/** apr_ipsubnet_create / apr_ipsubnet_test as Require ip and Allow from use them. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientAddress, isLocalClient, parseSubnetWord, subnetTest } from '../../src/access/ip';
import { inDomain } from '../../src/access/host';

function matches(rule: string, client: string): boolean {
  const s = parseSubnetWord(rule);
  assert.notEqual(typeof s, 'string', `${rule} parses`);
  return subnetTest(s as Exclude<typeof s, string>, clientAddress(client));
}

test('full, partial, CIDR and netmask forms', () => {
  assert.ok(matches('10.1.2.3', '10.1.2.3'));
  assert.ok(!matches('10.1.2.3', '10.1.2.4'));
  assert.ok(matches('10', '10.200.1.1'));
  assert.ok(matches('10.1.', '10.1.9.9'));
  assert.ok(!matches('10.1', '10.2.0.1'));
  assert.ok(matches('192.168.0.0/16', '192.168.44.1'));
  assert.ok(matches('192.168.0.0/255.255.0.0', '192.168.44.1'));
  assert.ok(matches('10.0.0.1/255.0.0.255', '10.9.9.1'));
  assert.ok(matches('192.168.1.77/24', '192.168.1.1'), 'host bits of the network are masked off');
  assert.ok(matches('2001:db8::/32', '2001:db8:1::5'));
  assert.ok(!matches('2001:db8::/32', '2001:db9::5'));
  assert.ok(matches('::1', '::1'));
});

test('IPv4 rules see IPv4-mapped clients; IPv6 rules do not see IPv4 clients', () => {
  assert.ok(matches('127.0.0.0/8', '::ffff:127.0.0.5'));
  assert.ok(!matches('::1', '127.0.0.1'));
  assert.ok(!matches('127.0.0.1', '::1'));
});

test('what apr refuses', () => {
  assert.equal(parseSubnetWord('localhost'), 'EINVAL');
  assert.equal(parseSubnetWord('10.0.0.0/0'), 'EBADMASK');
  assert.equal(parseSubnetWord('10.0.0.0/33'), 'EBADMASK');
  assert.equal(parseSubnetWord('10.0/16'), 'EBADIP');
  assert.equal(parseSubnetWord('::ffff:1.2.3.4'), 'EBADIP');
  assert.equal(parseSubnetWord('1.2.3.4.5'), 'EBADIP');
  assert.equal(parseSubnetWord('300.1'), 'EBADIP');
  assert.equal(parseSubnetWord('::1/255.0.0.0'), 'EBADMASK');
});

test('Require local and in_domain', () => {
  assert.ok(isLocalClient('127.8.9.10', '192.0.2.1'));
  assert.ok(isLocalClient('::1', '::1'));
  assert.ok(isLocalClient('192.0.2.1', '192.0.2.1'));
  assert.ok(!isLocalClient('192.0.2.2', '192.0.2.1'));
  assert.ok(inDomain('example.com', 'www.example.com'));
  assert.ok(inDomain('.example.com', 'www.example.com'));
  assert.ok(inDomain('EXAMPLE.com', 'example.COM'));
  assert.ok(!inDomain('example.com', 'badexample.com'));
});
