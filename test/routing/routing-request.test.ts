import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRequestHead } from '../../src/routing/routing-request';

const conn = { clientIp: '127.0.0.1', clientPort: 1, localIp: '127.0.0.1', localPort: 80, isHttps: false };
const status = (head: string) => parseRequestHead(head, conn).malformed?.status ?? 200;

// HttpProtocolOptions Strict (SPEC-NOTES §4.7.1).
test('request line: space, control characters, fragment, lower-case protocol → 400', () => {
  assert.equal(status('GET /with space HTTP/1.1\r\nHost: x'), 400);
  assert.equal(status('GET /t\x01.html HTTP/1.1\r\nHost: x'), 400);
  assert.equal(status('GET /t\x7f HTTP/1.1\r\nHost: x'), 400);
  assert.equal(status('GET /t.html#frag HTTP/1.1\r\nHost: x'), 400);
  assert.equal(status('GET /a http/1.1\r\nHost: x'), 400);
  assert.equal(status('GET  /a HTTP/1.1\r\nHost: x'), 400);
  assert.equal(status('GET /a HTTP/1.1 \r\nHost: x'), 400);
});

test('request line: accepted forms', () => {
  assert.equal(status('GET /v/a\xe9b HTTP/1.1\r\nHost: x'), 200);
  assert.equal(status('GET /a"<>{}|^` HTTP/1.1\r\nHost: x'), 200);
  assert.equal(status('get /a HTTP/1.1\r\nHost: x'), 200, 'lower-case methods parse (then 501)');
  assert.equal(parseRequestHead('GET /v/a', conn).protocol, 'HTTP/0.9');
  assert.equal(parseRequestHead('GET /x HTTP/1.2\r\nHost: x', conn).protocol, 'HTTP/1.2');
});

test('request line limit → 414; header field limits → 400', () => {
  assert.equal(status(`GET /${'a'.repeat(8200)} HTTP/1.1\r\nHost: x`), 414);
  assert.equal(status(`GET /${'a'.repeat(8177)} HTTP/1.1\r\nHost: x`), 200, '8191 bytes pass');
  assert.equal(status(`GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(9000)}`), 400);
  const many = Array.from({ length: 101 }, (_, i) => `X-${i}: v`).join('\r\n');
  assert.equal(status(`GET / HTTP/1.1\r\n${many}`), 400);
  assert.equal(status('GET / HTTP/1.1\r\nNoColon'), 400);
  assert.equal(status('GET / HTTP/1.1\r\nBad Name: v'), 400);
});

test('obs-fold continuation lines are joined', () => {
  const req = parseRequestHead('GET / HTTP/1.1\r\nHost: x\r\nX-A: one\r\n  two', conn);
  assert.deepEqual(req.headers[1], ['X-A', 'one two']);
});
