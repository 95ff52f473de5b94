import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apacheTime, compileLogFormat, escapeLogItem, redactQuery, type AccessLogRecord } from '../../src/server/access-log';
import { startGateway } from '../helpers/gateway';
import { tableDecide } from '../helpers/table-decide';
import { fetchRaw } from '../helpers/http-client';

const record: AccessLogRecord = {
  remoteIp: '192.0.2.1',
  remotePort: 51234,
  localIp: '127.0.0.1',
  localPort: 8080,
  method: 'GET',
  rawTarget: '/v/a.mp4?start=10&password=hunter2',
  protocol: 'HTTP/1.1',
  status: 206,
  originalStatus: 200,
  requestHeaders: [
    ['Host', 'www.example.com'],
    ['User-Agent', 'Mozilla/5.0 "quoted"'],
    ['Referer', 'http://ref.example/'],
    ['Authorization', 'Basic dXNlcjpzZWNyZXQ='],
    ['Cookie', 'session=abc'],
  ],
  responseHeader: (name) => (name.toLowerCase() === 'content-type' ? 'video/mp4' : name.toLowerCase() === 'set-cookie' ? 'k=v' : undefined),
  env: new Map([['HANDLER', 'h264']]),
  bodyBytes: 0,
  bytesSent: 345,
  bytesReceived: 120,
  startMs: Date.UTC(2026, 10, 25, 10, 4, 51),
  durationUs: 1_234_567,
  serverName: 'www.example.com',
  uriPath: '/v/a.mp4',
  query: 'start=10&password=hunter2',
  filename: '/srv/v/a.mp4',
  handler: 'h264-streaming.extensions',
  remoteUser: 'user',
  connectionStatus: '+',
};

test('combined and common read as Apache writes them', () => {
  const time = apacheTime(record.startMs);
  assert.match(time, /^\[25\/Nov\/2026:\d\d:04:51 [+-]\d{4}\]$/);
  assert.equal(
    compileLogFormat('combined')(record),
    `192.0.2.1 - user ${time} "GET /v/a.mp4?start=10&password=[redacted] HTTP/1.1" 206 - "http://ref.example/" "Mozilla/5.0 \\"quoted\\""`,
  );
  assert.equal(compileLogFormat('common')({ ...record, bodyBytes: 1000 }), `192.0.2.1 - user ${time} "GET /v/a.mp4?start=10&password=[redacted] HTTP/1.1" 206 1000`);
});

test('the common % directives of mod_log_config', () => {
  const f = compileLogFormat('%a %A %B %b %O %I %S %D %T %{ms}T %U%q %H %m %v %p %{remote}p %f %R %X %s %>s %{HANDLER}e %{Content-Type}o %{Host}i %% %{Missing}i \\t%k');
  assert.equal(
    f(record),
    '192.0.2.1 127.0.0.1 0 - 345 120 465 1234567 1 1234 /v/a.mp4?start=10&password=[redacted] HTTP/1.1 GET www.example.com 8080 51234 /srv/v/a.mp4 h264-streaming.extensions + 200 206 h264 video/mp4 www.example.com % - \t0',
  );
});

test('Authorization, Cookie and Set-Cookie values are never written', () => {
  const line = compileLogFormat('%{Authorization}i %{Cookie}i %{Set-Cookie}o %{Proxy-Authorization}i')(record);
  assert.equal(line, '[redacted] [redacted] [redacted] -');
  assert.doesNotMatch(compileLogFormat('combined')(record), /hunter2|dXNlcjpzZWNyZXQ|abc/);
});

test('escaping and redaction helpers', () => {
  assert.equal(escapeLogItem('a"b\\c\x01\n'), 'a\\"b\\\\c\\x01\\n');
  assert.equal(redactQuery('a=1&pwd=x&token=y&keep=z'), 'a=1&pwd=[redacted]&token=[redacted]&keep=z');
  assert.equal(redactQuery('plain=1'), 'plain=1');
});

test('the gateway writes one combined line per request', async (t) => {
  const gw = await startGateway(t, { decide: tableDecide({ '/r': { kind: 'redirect', status: 302, location: 'http://x/' } }) });
  await fetchRaw(`${gw.url}/r?password=p`, { headers: { 'user-agent': 'tester', authorization: 'Basic eDp5' } });
  await fetchRaw(`${gw.url}/nope`, { method: 'HEAD' });
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(gw.accessLines.length, 2);
  assert.match(gw.accessLines[0]!, /^127\.0\.0\.1 - x \[[^\]]+\] "GET \/r\?password=\[redacted\] HTTP\/1\.1" 302 \d+ "-" "tester"\n$/);
  assert.match(gw.accessLines[1]!, /"HEAD \/nope HTTP\/1\.1" 404 - /);
});

test("httpd.conf's CustomLog format wins over log.access", async (t) => {
  const gw = await startGateway(t, {
    decide: tableDecide({ '/r': { kind: 'redirect', status: 302, location: 'http://x/' } }),
    accessLogFormat: '%>s %U%q %{X-Req}i',
  });
  await fetchRaw(`${gw.url}/r?a=1`, { headers: { 'x-req': 'yes' } });
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(gw.accessLines, ['302 /r?a=1 yes\n']);
});
