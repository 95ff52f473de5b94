import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyServeFlags } from '../../src/cli/serve-flags';
import {
  defaultSettings,
  loadSmoothgateYaml,
  parseDurationMs,
  parseListenAddress,
  parseSizeBytes,
  parseSmoothgateYaml,
} from '../../src/config/smoothgate-yaml';
import { SgError } from '../../src/errors';

const FULL = `
listen: ["127.0.0.1:8080", "[::1]:8081"]
tls:
  listen: "0.0.0.0:8443"
  cert: /etc/cert.pem
  key: /etc/key.pem
httpdConf: /etc/apache2/apache2.conf
envvars: none
defines: [SSL, DEV]
backend:
  url: http://127.0.0.1:8081
  preserveHost: false
  sendOriginalUrl: false
  connectTimeout: 500ms
  headersTimeout: 30s
  bodyTimeout: 5m
  connections: 16
serveStaticLocally: true
trustedProxies: [10.0.0.0/8, "::1", 192.168.1.1]
limits:
  requestLineBytes: 4KiB
  headerFieldBytes: 8190
  headerFields: 50
  bodyBytes: 256MiB
  headersTimeout: 20s
  requestTimeout: 1500
  keepAliveTimeout: 5s
  maxConnections: 100
shutdownGrace: 1h
streaming:
  indexCacheBytes: 64KiB
  manifestContentType: text/xml
  gzip: false
  cors:
    allowOrigin: null
  cacheControl:
    manifest: "max-age=5"
    fragment: null
    progressive: "max-age=60"
  audioOnlyFragment: 4s
metrics:
  listen: null
log:
  level: debug
  access: common
  accessPath: /var/log/access.log
workers: auto
`;

test('every key of INTERFACE.md §3 is read with its unit', () => {
  const s = parseSmoothgateYaml(FULL, 'sg.yaml');
  assert.deepEqual(s.listen, [{ host: '127.0.0.1', port: 8080 }, { host: '::1', port: 8081 }]);
  assert.deepEqual(s.tls, { listen: { host: '0.0.0.0', port: 8443 }, certPath: '/etc/cert.pem', keyPath: '/etc/key.pem' });
  assert.equal(s.httpdConf, '/etc/apache2/apache2.conf');
  assert.equal(s.envvars, 'none');
  assert.deepEqual(s.defines, ['SSL', 'DEV']);
  assert.deepEqual(s.backend, {
    url: 'http://127.0.0.1:8081', preserveHost: false, sendOriginalUrl: false,
    connectTimeoutMs: 500, headersTimeoutMs: 30_000, bodyTimeoutMs: 300_000, connections: 16,
  });
  assert.equal(s.serveStaticLocally, true);
  assert.deepEqual(s.trustedProxies, ['10.0.0.0/8', '::1', '192.168.1.1']);
  assert.deepEqual(s.limits, {
    requestLineBytes: 4096, headerFieldBytes: 8190, headerFields: 50, bodyBytes: 256 * 1024 * 1024,
    headersTimeoutMs: 20_000, requestTimeoutMs: 1500, keepAliveTimeoutMs: 5000, maxConnections: 100,
  });
  assert.equal(s.shutdownGraceMs, 3_600_000);
  assert.deepEqual(s.streaming, {
    indexCacheBytes: 65536, manifestContentType: 'text/xml', gzip: false, corsAllowOrigin: null,
    cacheControl: { manifest: 'max-age=5', fragment: null, progressive: 'max-age=60' }, audioOnlyFragmentMs: 4000,
  });
  assert.equal(s.metricsListen, null);
  assert.deepEqual(s.log, { level: 'debug', access: 'common', accessPath: '/var/log/access.log' });
  assert.equal(s.workers, 'auto');
});

test('an empty file and a missing key give the defaults of §3', () => {
  const s = parseSmoothgateYaml('', 'e.yaml');
  const d = defaultSettings();
  assert.deepEqual({ ...s, sourceFile: null }, d);
  assert.equal(d.listen, null, 'listen unset: httpd.conf Listen, else 0.0.0.0:8080');
  assert.deepEqual(d.metricsListen, { host: '127.0.0.1', port: 9464 });
  assert.equal(d.limits.requestLineBytes, 8190);
  assert.equal(d.limits.headersTimeoutMs, 20_000);
  assert.equal(d.shutdownGraceMs, 30_000);
  assert.equal(d.streaming.indexCacheBytes, 256 * 1024 * 1024);
  assert.equal(parseSmoothgateYaml('backend:\n  url: http://b:1\n', 'b.yaml').backend?.connections, 128);
});

function expectError(text: string, code: string, line: number, key: string): void {
  assert.throws(
    () => parseSmoothgateYaml(text, 'conf/sg.yaml'),
    (err: unknown) => {
      assert.ok(err instanceof SgError);
      assert.equal(err.code, code);
      assert.equal(err.details.line, line);
      if (key) assert.equal(err.details.key, key);
      assert.match(err.message, new RegExp(`^conf/sg\\.yaml:${line}: `));
      return true;
    },
  );
}

test('unknown keys and bad values name file, line and key', () => {
  expectError('listen: ["a:1"]\nbogus: 1\n', 'SG_ERR_YAML_UNKNOWN_KEY', 2, 'bogus');
  expectError('limits:\n  headerFields: 10\n  bodyByte: 5\n', 'SG_ERR_YAML_UNKNOWN_KEY', 3, 'limits.bodyByte');
  expectError('limits:\n  bodyBytes: 5 parsecs\n', 'SG_ERR_YAML_VALUE', 2, 'limits.bodyBytes');
  expectError('shutdownGrace: soon\n', 'SG_ERR_YAML_VALUE', 1, 'shutdownGrace');
  expectError('backend:\n  url: ftp://x\n', 'SG_ERR_YAML_VALUE', 2, 'backend.url');
  expectError('backend:\n  preserveHost: yes\n  url: http://x\n', 'SG_ERR_YAML_VALUE', 2, 'backend.preserveHost');
  expectError('workers: 0\n', 'SG_ERR_YAML_VALUE', 1, 'workers');
  expectError('log:\n  level: loud\n', 'SG_ERR_YAML_VALUE', 2, 'log.level');
  expectError('trustedProxies: [not-an-ip]\n', 'SG_ERR_YAML_VALUE', 1, 'trustedProxies');
  expectError('streaming:\n  cors:\n    allowOrigins: "*"\n', 'SG_ERR_YAML_UNKNOWN_KEY', 3, 'streaming.cors.allowOrigins');
  expectError('listen: 8080:80:1\n', 'SG_ERR_YAML_VALUE', 1, 'listen');
  assert.throws(() => parseSmoothgateYaml('listen: [\n', 'x.yaml'), (e: unknown) => e instanceof SgError && e.code === 'SG_ERR_YAML_SYNTAX');
  assert.throws(() => parseSmoothgateYaml('a: 1\na: 2\n', 'x.yaml'), (e: unknown) => e instanceof SgError && e.code === 'SG_ERR_YAML_SYNTAX');
});

test('durations, sizes and addresses', () => {
  assert.equal(parseDurationMs('500ms'), 500);
  assert.equal(parseDurationMs('30s'), 30_000);
  assert.equal(parseDurationMs('5m'), 300_000);
  assert.equal(parseDurationMs('1.5s'), 1500);
  assert.equal(parseDurationMs(250), 250);
  assert.equal(parseDurationMs('5'), null, 'a string needs a unit');
  assert.equal(parseDurationMs(-1), null);
  assert.equal(parseSizeBytes('64KiB'), 65536);
  assert.equal(parseSizeBytes('256MiB'), 268435456);
  assert.equal(parseSizeBytes('1GB'), 1e9);
  assert.equal(parseSizeBytes(1234), 1234);
  assert.equal(parseSizeBytes('12 bytes'), null);
  assert.deepEqual(parseListenAddress('8080'), { host: '0.0.0.0', port: 8080 });
  assert.deepEqual(parseListenAddress('[::]:80'), { host: '::', port: 80 });
  assert.deepEqual(parseListenAddress('localhost:0'), { host: 'localhost', port: 0 });
  assert.equal(parseListenAddress('::1:80'), null, 'IPv6 needs brackets');
  assert.equal(parseListenAddress('h:70000'), null);
});

test('command-line flags override the file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'sg-yaml-'));
  const file = join(dir, 'smoothgate.yaml');
  writeFileSync(file, 'listen: ["127.0.0.1:1"]\nbackend:\n  url: http://a:1\n  connections: 3\ndefines: [A]\n');
  const s = applyServeFlags(loadSmoothgateYaml(file), {
    listen: ['127.0.0.1:2', '127.0.0.1:3'],
    backend: 'http://b:2',
    workers: '4',
    metrics: 'off',
    logLevel: 'warn',
    defines: ['B'],
    httpdConf: '/x.conf',
  });
  assert.equal(s.sourceFile, file);
  assert.deepEqual(s.listen, [{ host: '127.0.0.1', port: 2 }, { host: '127.0.0.1', port: 3 }]);
  assert.equal(s.backend?.url, 'http://b:2');
  assert.equal(s.backend?.connections, 3, 'other backend keys stay');
  assert.equal(s.workers, 4);
  assert.equal(s.metricsListen, null);
  assert.equal(s.log.level, 'warn');
  assert.deepEqual(s.defines, ['A', 'B']);
  assert.equal(s.httpdConf, '/x.conf');
  assert.equal(applyServeFlags(s, { backend: 'none' }).backend, null);
  assert.throws(() => applyServeFlags(s, { workers: 'many' }), (e: unknown) => e instanceof SgError && e.code === 'SG_ERR_CLI_USAGE');
  assert.throws(() => applyServeFlags(s, { listen: ['nope'] }), (e: unknown) => e instanceof SgError && e.code === 'SG_ERR_CLI_USAGE');
  assert.throws(() => loadSmoothgateYaml(join(dir, 'absent.yaml')), (e: unknown) => e instanceof SgError && e.code === 'SG_ERR_YAML_SYNTAX');
});
