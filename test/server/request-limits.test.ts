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
