/**
 * `ErrorDocument` as server/core.c `set_error_document` reads it: which codes have a slot, how the
 * text is classified (message / local URL / full URL / default), the 401-with-URL notice, string
 * expressions, the per-directory merge (a later `default` hides an inherited page) — and that every
 * refusal names file, line and directive.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreDir, mergeDirVectors, parseHtaccess, overrideSetOf, type DirConfigVector, type LoadedConfig } from '../../src/config';
import { errorDocumentSetting } from '../../src/config/modules/error-document-setting';
import { isSgError } from '../../src/errors';
import { load, loadText, tempConf } from './temp-conf';

const BASE = `${load(['authz_core', 'mime'])}\nServerName www.example.com\n`;

function refusal(conf: string): { message: string; line: number; file: string; directive: unknown } {
  const t = tempConf(conf);
  try {
    t.load();
  } catch (err) {
    assert.ok(isSgError(err), String(err));
    return { message: err.message, line: err.where?.line ?? -1, file: err.where?.file ?? '', directive: err.details.directive };
  } finally {
    t.cleanup();
  }
  assert.fail('expected a configuration error');
}

test('the text is a message, a local URL or a full URL as core.c guesses it', () => {
  assert.deepEqual(errorDocumentSetting('404', '/err/404.html'), { kind: 'response', status: 404, response: '/err/404.html' });
  assert.deepEqual(errorDocumentSetting('500', 'http://example.com/x'), { kind: 'response', status: 500, response: 'http://example.com/x' });
  // A space makes a message even when it starts with '/'; a lone word is a message too.
  assert.deepEqual(errorDocumentSetting('403', '/ no entry'), { kind: 'response', status: 403, response: '"/ no entry' });
  assert.deepEqual(errorDocumentSetting('403', 'Forbidden'), { kind: 'response', status: 403, response: '"Forbidden' });
  assert.deepEqual(errorDocumentSetting('404', 'DEFAULT'), { kind: 'default', status: 404 });
  assert.deepEqual(errorDocumentSetting('401', 'https://login.example.com/'), { kind: 'ignored', status: 401 });
  assert.deepEqual(errorDocumentSetting('401', '/login.html'), { kind: 'response', status: 401, response: '/login.html' });
});

test('codes with a status line of their own are accepted, 2xx and 3xx included; atoi reads the number', () => {
  for (const code of ['200', '301', '404', '451', '511', '500', '500abc', ' 404']) assert.doesNotThrow(() => errorDocumentSetting(code, '/x'), code);
  assert.equal(errorDocumentSetting('500abc', '/x').status, 500);
  for (const code of ['418', '420', '600', '99', 'abc', '0']) assert.throws(() => errorDocumentSetting(code, '/x'), new RegExp(`Unsupported HTTP response code ${code}`), code);
});

test('refusals name the file, the line and the directive', () => {
  const bad = refusal(`${BASE}\nErrorDocument 418 /teapot.html\n`);
  assert.equal(bad.message, 'Unsupported HTTP response code 418');
  assert.equal(bad.line, 5);
  assert.match(bad.file, /httpd\.conf$/);
  assert.equal(bad.directive, 'ErrorDocument');
  const expr = refusal(`${BASE}ErrorDocument 404 /x%{REQUEST_URI\n`);
  assert.match(expr.message, /^Cannot parse expression in ErrorDocument: /);
  assert.equal(expr.line, 4);
  assert.equal(expr.directive, 'ErrorDocument');
  const arity = refusal(`${BASE}ErrorDocument 404\n`);
  assert.equal(arity.line, 4);
  assert.match(arity.message, /ErrorDocument/);
});

test('a full URL for 401 is ignored with AH00113; an expression we cannot evaluate is noted, not fatal', () => {
  const t = tempConf(`${BASE}ErrorDocument 401 http://login.example.com/\nErrorDocument 404 "gone: %{FOO_BAR}"\n`);
  try {
    const config = t.load();
    assert.ok(config.warnings.some((w) => /cannot use a full URL in a 401 ErrorDocument directive --- ignoring! \(AH00113\)/.test(w)));
    assert.ok((config.notes ?? []).some((n) => n.directive === 'ErrorDocument' && n.kind === 'unsupported' && /FOO_BAR/.test(n.reason)));
    const core = coreDir(config.mainServer.lookupDefaults);
    assert.equal(core.errorDocuments.has(401), false);
  } finally {
    t.cleanup();
  }
});

function htaccess(config: LoadedConfig, dir: string, text: string): DirConfigVector {
  const server = config.mainServer;
  const vec = server.directorySections.filter((s) => !s.regex && dir.startsWith(s.path)).reduce((v, s) => mergeDirVectors(v, s.config), server.lookupDefaults as DirConfigVector);
  return parseHtaccess(text, `${dir}.htaccess`, dir, overrideSetOf(coreDir(vec))!, server, config);
}

test('.htaccess settings merge per directory; `default` hides an inherited page', () => {
  const { config } = loadText(`${BASE}ErrorDocument 404 /err/404.html\nErrorDocument 500 "oops"\n<Directory /srv/>\nAllowOverride FileInfo\n</Directory>\n`);
  const server = coreDir(config.mainServer.lookupDefaults).errorDocuments;
  assert.deepEqual([...server], [[404, '/err/404.html'], [500, '"oops']]);
  const child = htaccess(config, '/srv/', 'ErrorDocument 404 default\nErrorDocument 403 /err/403.html\n');
  const merged = coreDir(mergeDirVectors(config.mainServer.lookupDefaults, child)).errorDocuments;
  assert.equal(merged.get(404), null, 'default stays a setting of its own');
  assert.equal(merged.get(403), '/err/403.html');
  assert.equal(merged.get(500), '"oops');
});

test('without AllowOverride FileInfo ErrorDocument is not allowed in .htaccess', () => {
  const { config } = loadText(`${BASE}<Directory /srv/>\nAllowOverride AuthConfig\n</Directory>\n`);
  assert.throws(() => htaccess(config, '/srv/', 'ErrorDocument 404 /x\n'), (err: unknown) => isSgError(err) && /ErrorDocument not allowed here/.test(err.message) && err.where?.line === 1);
});

test('ProxyErrorOverride: On/Off, then the codes to intercept (mod_proxy.c set_proxy_error_override)', () => {
  const PROXY = `${load(['authz_core', 'mime', 'proxy'])}\nServerName www.example.com\n`;
  const { config } = loadText(`${PROXY}ProxyErrorOverride On 500 404\n<Location /a>\nProxyErrorOverride On 502\n</Location>\n`);
  const server = config.mainServer.lookupDefaults['proxy_module'] as { errorOverride: boolean; errorOverrideCodes: number[] };
  assert.deepEqual([server.errorOverride, server.errorOverrideCodes], [true, [404, 500]]);
  for (const [line, message] of [
    ['ProxyErrorOverride 404', 'ProxyErrorOverride first parameter must be one of: off | on'],
    ['ProxyErrorOverride Off 404', "ProxyErrorOverride: status codes must follow a value of 'on'"],
    ['ProxyErrorOverride On 302', 'ProxyErrorOverride: status codes to intercept must be valid HTTP Status Codes >=400 && <600'],
    ['ProxyErrorOverride On x404', 'ProxyErrorOverride: status codes to intercept must be numeric'],
  ] as const) {
    const bad = refusal(`${PROXY}${line}\n`);
    assert.deepEqual([bad.message, bad.line, bad.directive], [message, 5, 'ProxyErrorOverride'], line);
  }
});
