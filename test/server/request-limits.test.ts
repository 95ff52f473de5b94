import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientErrorStatus, nodeMaxHeaderSize, requestLineTooLong } from '../../src/server/request-limits';
import { defaultSettings } from '../../src/config/smoothgate-yaml';

const limits = defaultSettings().limits;

test('LimitRequestLine with Apache\'s CRLF allowance', () => {
  assert.equal(requestLineTooLong(8191, limits), false);
  assert.equal(requestLineTooLong(8192, limits), true);
});

test('parser errors map to 414 / 431 / 408 / 400', () => {
  const overflow = (firstLine: number): NodeJS.ErrnoException & { rawPacket?: Buffer } =>
    Object.assign(new Error('overflow'), { code: 'HPE_HEADER_OVERFLOW', rawPacket: Buffer.from(`GET /${'a'.repeat(firstLine - 5)}\r\nHost: x\r\n`) });
  assert.equal(clientErrorStatus(overflow(9000), limits), 414);
  assert.equal(clientErrorStatus(overflow(100), limits), 431);
  assert.equal(clientErrorStatus(Object.assign(new Error('t'), { code: 'ERR_HTTP_REQUEST_TIMEOUT' }), limits), 408);
  assert.equal(clientErrorStatus(Object.assign(new Error('b'), { code: 'HPE_INVALID_METHOD' }), limits), 400);
  assert.ok(nodeMaxHeaderSize(limits) > 8190 * 100, "Node's buffer holds every head Apache accepts");
});

test('an unknown but well-formed method is 501 Not Implemented (RFC 9110 §9.1, Apache AH00135), a malformed one 400', () => {
  const invalid = (line: string): NodeJS.ErrnoException & { rawPacket?: Buffer } =>
    Object.assign(new Error('method'), { code: 'HPE_INVALID_METHOD', rawPacket: Buffer.from(`${line}\r\nHost: x\r\n\r\n`, 'latin1') });
  assert.equal(clientErrorStatus(invalid('FOO /a.txt HTTP/1.1'), limits), 501);
  assert.equal(clientErrorStatus(invalid('get /a.txt HTTP/1.1'), limits), 501);
  assert.equal(clientErrorStatus(invalid('G@T /a.txt HTTP/1.1'), limits), 400);
  assert.equal(clientErrorStatus(invalid('FOO /a b HTTP/1.1'), limits), 400);
  assert.equal(clientErrorStatus(invalid('\x16\x03\x01garbage'), limits), 400);
});
