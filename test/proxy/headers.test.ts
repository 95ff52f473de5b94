import { test } from 'node:test';
import assert from 'node:assert/strict';
import { forwardRequestHeaders } from '../../src/proxy/forward-headers';
import { stripHopByHop } from '../../src/proxy/hop-by-hop';
import { backendReverseRule, rewriteLocation } from '../../src/proxy/location-rewrite';
import { translateProxyError } from '../../src/proxy/proxy-errors';
import { splitAbsoluteUrl } from '../../src/proxy/backend-proxy';
import { SgError } from '../../src/errors';

test('hop-by-hop fields and those Connection names are dropped (RFC 9110 §7.6.1)', () => {
  const kept = stripHopByHop([
    ['Host', 'a'], ['Connection', 'close, X-Private'], ['connection', 'x-other'], ['X-Private', '1'], ['X-Other', '2'],
    ['Keep-Alive', '300'], ['TE', 'trailers'], ['Trailer', 'X'], ['Transfer-Encoding', 'chunked'], ['Upgrade', 'h2c'],
    ['Proxy-Connection', 'keep-alive'], ['Proxy-Authorization', 'x'], ['Accept', '*/*'], ['Accept', 'text/html'],
  ]);
  assert.deepEqual(kept, [['Host', 'a'], ['Accept', '*/*'], ['Accept', 'text/html']]);
});

test('forwarding fields: appended X-Forwarded-For and Via, Host per preserveHost, Upgrade only for tunnels', () => {
  const facts = { clientIp: '192.0.2.7', remainingForwardedFor: ['198.51.100.1'], isHttps: true, clientHost: 'www.example', backendHost: 'legacy:8081', preserveHost: false };
  const out = forwardRequestHeaders([['Host', 'www.example'], ['Via', '1.0 cdn'], ['Expect', '100-continue'], ['Upgrade', 'websocket'], ['Connection', 'Upgrade'], ['X-A', '1']], facts, '1.1');
  assert.deepEqual(out, [
    ['Host', 'legacy:8081'], ['X-A', '1'], ['X-Forwarded-For', '198.51.100.1, 192.0.2.7'], ['X-Forwarded-Host', 'www.example'],
    ['X-Forwarded-Proto', 'https'], ['Via', '1.0 cdn, 1.1 smoothgate'],
  ]);
  const tunnel = forwardRequestHeaders([['Host', 'h'], ['Upgrade', 'websocket'], ['Connection', 'Upgrade']], { ...facts, preserveHost: true, clientHost: 'h' }, '1.1', true);
  assert.deepEqual(tunnel.slice(-2), [['Connection', 'Upgrade'], ['Upgrade', 'websocket']]);
  assert.deepEqual(tunnel[0], ['Host', 'h']);
});

test('ProxyPassReverse maps backend URLs back, leaves others alone', () => {
  const rules = [backendReverseRule('http://127.0.0.1:8081/legacy'), { backendPrefix: 'http://media.internal/', localPath: '/media/' }];
  assert.equal(rewriteLocation('http://127.0.0.1:8081/legacy/a?b=1', rules, 'https://www.example'), 'https://www.example/a?b=1');
  assert.equal(rewriteLocation('http://media.internal/x.mp4', rules, 'http://w'), 'http://w/media/x.mp4');
  assert.equal(rewriteLocation('http://elsewhere/x', rules, 'http://w'), 'http://elsewhere/x');
  assert.equal(rewriteLocation('/relative', rules, 'http://w'), '/relative');
});

test('undici errors become SG_ERR_PROXY_* with the original as cause', () => {
  const mk = (code: string, cause?: unknown): Error => Object.assign(new Error(code), { code, cause });
  const cases: Array<[unknown, string, string]> = [
    [mk('UND_ERR_SOCKET', mk('ECONNREFUSED')), 'SG_ERR_PROXY_CONNECT', 'connect'],
    [mk('ECONNREFUSED'), 'SG_ERR_PROXY_CONNECT', 'connect'],
    [mk('UND_ERR_CONNECT_TIMEOUT'), 'SG_ERR_PROXY_TIMEOUT', 'timeout'],
    [mk('UND_ERR_HEADERS_TIMEOUT'), 'SG_ERR_PROXY_TIMEOUT', 'timeout'],
    [mk('UND_ERR_BODY_TIMEOUT'), 'SG_ERR_PROXY_TIMEOUT', 'timeout'],
    [mk('UND_ERR_SOCKET', mk('ECONNRESET')), 'SG_ERR_PROXY_RESET', 'reset'],
    [mk('HPE_INVALID_CONSTANT'), 'SG_ERR_PROXY_PROTOCOL', 'protocol'],
    [new SgError('SG_ERR_SERVER_BODY_TOO_LARGE', { limit: 5 }), 'SG_ERR_SERVER_BODY_TOO_LARGE', 'body_limit'],
    [new SgError('SG_ERR_PROXY_CLIENT_ABORTED', { url: 'x' }), 'SG_ERR_PROXY_CLIENT_ABORTED', 'client_abort'],
  ];
  for (const [err, code, reason] of cases) {
    const out = translateProxyError(err, 'http://b/x');
    assert.equal(out.error.code, code, String((err as Error).message));
    assert.equal(out.reason, reason);
    if (!(err instanceof SgError)) assert.equal(out.error.cause, err);
  }
  assert.equal(translateProxyError(mk('ECONNREFUSED'), 'u').error.httpStatus, 502);
  assert.equal(translateProxyError(mk('UND_ERR_HEADERS_TIMEOUT'), 'u').error.httpStatus, 504);
});

test('absolute targets split without re-canonicalising', () => {
  assert.deepEqual(splitAbsoluteUrl('http://Backend:81/a%2fb/../c?x=%zz'), { origin: 'http://backend:81', path: '/a%2fb/../c?x=%zz' });
  assert.deepEqual(splitAbsoluteUrl('https://h?q'), { origin: 'https://h', path: '/?q' });
  assert.equal(splitAbsoluteUrl('ftp://h/x'), null);
});
