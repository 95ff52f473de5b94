/**
 * `smoothgate check`: Syntax OK and the report on a good configuration, errors with file:line and
 * exit 1 on a broken one or a broken .htaccess, usage errors, JSON output, the lint hook.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { run, type CheckDeps } from '../../src/cli/check-command';
import type { CheckReport } from '../../src/cli/check-report';
import { isSgError } from '../../src/errors';
import { load, tempConf } from '../config/temp-conf';

function capture(linters: CheckDeps['linters'] = []): { deps: CheckDeps; out: () => string } {
  let text = '';
  return { deps: { linters, write: (t) => (text += t), processEnv: {} }, out: () => text };
}

const SITE = (root: string) =>
  `${load(['mpm_prefork', 'authz_core', 'mime', 'dir', 'alias', 'headers', 'env'])}\nServerRoot ${root}\nDocumentRoot ${root}/htdocs\n` +
  `<Directory ${root}/htdocs>\nAllowOverride All\nRequire all granted\n</Directory>\nAddHandler cgi-script .cgi\nKeepAlive On\n` +
  `<VirtualHost *:80>\nServerName v.example\nServerAlias *.v.example\nDocumentRoot ${root}/htdocs\n</VirtualHost>\n`;

test('a good configuration: Syntax OK, vhosts, streaming handlers from .htaccess, ignored directives; exit 0', async () => {
  const t = tempConf('', { 'htdocs/.htaccess': 'AddHandler h264-streaming.extensions .mp4 .ismv\n', 'htdocs/sub/.htaccess': 'AddHandler smooth-streaming .ism\n' });
  try {
    t.write('httpd.conf', SITE(t.root));
    const c = capture([() => ['lint: example warning']]);
    const code = await run(['--httpd-conf', t.httpdConf, '--envvars', 'none'], c.deps);
    const text = c.out();
    assert.equal(code, 0, text);
    assert.match(text, /^Syntax OK/);
    assert.match(text, /\*:80 ServerName v\.example aliases \*\.v\.example/);
    assert.match(text, /htdocs\/\.htaccess: \.mp4 → h264-streaming\.extensions/);
    assert.match(text, /htdocs\/sub\/\.htaccess: \.ism → smooth-streaming/);
    assert.match(text, /server: \.cgi → cgi-script/);
    assert.match(text, /KeepAlive ×1 — process tuning/);
    assert.match(text, /lint: example warning/);
    assert.match(text, /2 file\(s\) read, 0 with errors/);
  } finally {
    t.cleanup();
  }
});

test('a broken .htaccess and a fail-closed scope are errors with file:line; exit 1; --json', async () => {
  const t = tempConf('', { 'htdocs/.htaccess': 'AddType text/plain .txt\nFooBarBaz on\n', 'htdocs/p/.htaccess': 'AuthType Digest\n' });
  try {
    t.write('httpd.conf', SITE(t.root).replace("load(['mpm_prefork'", "load(['mpm_prefork'") + `${load(['authn_core'])}\n`);
    const c = capture();
    const code = await run(['--httpd-conf', t.httpdConf, '--envvars', 'none', '--json'], c.deps);
    const report = JSON.parse(c.out()) as CheckReport;
    assert.equal(code, 1);
    assert.equal(report.ok, false);
    const unknown = report.errors.find((e) => e.code === 'SG_ERR_CONFIG_UNKNOWN_DIRECTIVE');
    assert.equal(unknown?.file, `${t.root}/htdocs/.htaccess`);
    assert.equal(unknown?.line, 2);
    assert.ok(report.errors.some((e) => e.code === 'SG_ERR_ROUTING_FAIL_CLOSED' && /AuthType Digest/.test(e.message)), JSON.stringify(report.errors));
  } finally {
    t.cleanup();
  }
});

test('httpd.conf errors: every collectable one listed with file:line, no Syntax OK, exit 1; --no-htaccess', async () => {
  const t = tempConf('DocumentRoot /nonexistent-xyz\nFooBar\n<Directory />\nOptions Bogus\n</Directory>\n');
  try {
    const c = capture();
    const code = await run(['--httpd-conf', t.httpdConf, '--envvars', 'none', '--no-htaccess'], c.deps);
    const text = c.out();
    assert.equal(code, 1);
    assert.doesNotMatch(text, /Syntax OK/);
    assert.match(text, /httpd\.conf:1: DocumentRoot '\/nonexistent-xyz' is not a directory, or is not readable/);
    assert.match(text, /httpd\.conf:2: Invalid command 'FooBar'/);
    assert.match(text, /httpd\.conf:4: Illegal option Bogus/);
  } finally {
    t.cleanup();
  }
});

test('read errors that leave the reader in a known state are collected too', async () => {
  const t = tempConf('Include @ROOT@/missing.conf\n</Directory>\nFooBar\nDefine a:b\n');
  try {
    const c = capture();
    assert.equal(await run(['--httpd-conf', t.httpdConf, '--envvars', 'none', '--json'], c.deps), 1);
    const report = JSON.parse(c.out()) as CheckReport;
    assert.deepEqual(report.errors.map((e) => e.line), [1, 2, 4, 3]);
  } finally {
    t.cleanup();
  }
});

test('usage errors', async () => {
  for (const argv of [[], ['--bogus'], ['--httpd-conf']]) {
    await assert.rejects(run(argv, capture().deps), (err: unknown) => isSgError(err) && err.code === 'SG_ERR_CLI_USAGE');
  }
});

test('--config: check reads httpdConf from smoothgate.yaml like every command (INTERFACE.md §2)', async () => {
  const t = tempConf('', { 'htdocs/.htaccess': 'FooBarBaz on\n' });
  try {
    t.write('httpd.conf', SITE(t.root));
    // A relative httpdConf is relative to the YAML file's folder (INTERFACE.md §3).
    t.write('smoothgate.yaml', 'httpdConf: httpd.conf\nenvvars: none\n');
    const c = capture();
    const code = await run(['--config', `${t.root}/smoothgate.yaml`, '--json'], c.deps);
    const report = JSON.parse(c.out()) as CheckReport;
    assert.equal(code, 1);
    assert.ok(report.errors.some((e) => e.file === `${t.root}/htdocs/.htaccess` && e.line === 1), JSON.stringify(report.errors));
  } finally {
    t.cleanup();
  }
});
