import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SgError } from '../../src/errors';
import { rewriteModule } from '../../src/rewrite';
import type { RewriteDirConf, RewriteServerConf } from '../../src/rewrite';
import { applyLine, loadRewriteConfig, newServer } from './helpers';

function configError(text: string): SgError {
  try {
    loadRewriteConfig(text, '/srv/www');
  } catch (e) {
    if (e instanceof SgError) return e;
    throw e;
  }
  throw new Error('expected a configuration error');
}

test('directive errors carry Apache text and file:line', () => {
  const e = configError('RewriteEngine On\nRewriteRule ^/x$ /b.html L');
  assert.equal(e.code, 'SG_ERR_CONFIG_ARGUMENTS');
  assert.equal(e.message, 'RewriteRule: bad flag delimiters');
  assert.deepEqual(e.where, { file: 'test.conf', line: 2 });
  assert.equal(configError('RewriteRule ^/x$ /b [QQ]').message, "RewriteRule: unknown flag 'QQ'");
  assert.equal(configError('RewriteRule ^(x$ /b').message, "RewriteRule: cannot compile regular expression '^(x$'");
  assert.equal(configError('RewriteCond %{QUERY_STRING} -lt 10').message, 'RewriteCond: bad flag delimiters');
  assert.equal(configError('RewriteCond %{QUERY_STRING}').message, "RewriteCond: bad argument line '%{QUERY_STRING}'");
  assert.equal(configError('RewriteBase /x/').message, 'RewriteBase: only valid in per-directory config files');
  assert.equal(configError('RewriteOptions LongURLOptimization').message, "RewriteOptions: unknown option 'LongURLOptimization'");
  assert.equal(configError('RewriteMap m int:nosuch').message, 'RewriteMap: internal map not found:nosuch');
  assert.match(configError('RewriteMap m "txt:/nonexistent/map.txt"').message, /^RewriteMap: file for map m not found:\/nonexistent\/map.txt$/);
});

test('unsupported regex features and map types are refused clearly', () => {
  const e = configError('RewriteRule ^(a)(?(1)b|c)$ /x');
  assert.equal(e.code, 'SG_ERR_CONFIG_UNSUPPORTED');
  assert.match(e.message, /not supported by smoothgate/);
  const m = configError('RewriteMap m prg:/bin/cat');
  assert.equal(m.code, 'SG_ERR_CONFIG_UNSUPPORTED');
  assert.match(m.message, /'prg'.*not supported by smoothgate \(test\.conf:1\)/);
  assert.match(configError('RewriteCond expr "-f %{REQUEST_FILENAME}"\nRewriteRule ^ -').message, /cannot compile expression.*not supported by smoothgate/);
});

test('MaxRedirects= only warns; NC on a file test warns and is dropped', () => {
  const ts = loadRewriteConfig('RewriteOptions MaxRedirects=3\nRewriteCond /x -f [NC]\nRewriteRule ^ -', '/srv/www');
  assert.equal(ts.warnings.length, 2);
  const sconf = ts.server.moduleConfig['rewrite_module'] as RewriteServerConf;
  assert.equal(sconf.rules[0]!.conds[0]!.flags.noCase, false);
});

test('conditions bind to the next rule only; rules keep order; -lt10 and "-lt 10" parse', () => {
  const ts = loadRewriteConfig('RewriteCond %{QUERY_STRING} -lt10\nRewriteCond %{QUERY_STRING} "-lt 10"\nRewriteRule ^/a$ /b\nRewriteRule ^/c$ /d', '/srv/www');
  const sconf = ts.server.moduleConfig['rewrite_module'] as RewriteServerConf;
  assert.equal(sconf.rules.length, 2);
  assert.equal(sconf.rules[0]!.conds.length, 2);
  assert.deepEqual(sconf.rules[0]!.conds.map((c) => [c.kind, c.operand]), [['intLt', '10'], ['intLt', ' 10']]);
  assert.equal(sconf.rules[1]!.conds.length, 0);
});

test('server-level RewriteEngine/RewriteOptions set both records; trailing ? and QSA', () => {
  const ts = loadRewriteConfig('RewriteEngine On\nRewriteOptions Inherit\nRewriteRule ^/a$ /b? \nRewriteRule ^/c$ /d? [QSA]', '/srv/www');
  const sconf = ts.server.moduleConfig['rewrite_module'] as RewriteServerConf;
  assert.equal(sconf.state, true);
  assert.equal(ts.defaults.state, true);
  assert.ok(ts.defaults.options.has('Inherit'));
  assert.equal(sconf.rules[0]!.output, '/b');
  assert.equal(sconf.rules[0]!.flags.qsNone, true);
  assert.equal(sconf.rules[1]!.output, '/d?');
  assert.equal(sconf.rules[1]!.flags.qsLast, true);
});

function dir(path: string, lines: string[]): RewriteDirConf {
  const server = newServer('/srv/www');
  const conf = rewriteModule.createDirConfig!(path);
  lines.forEach((l, i) => applyLine(l, i + 1, server, conf, path));
  return conf;
}

test('per-dir merge: child with any directive replaces rules; Inherit/InheritBefore/InheritDown/IgnoreInherit', () => {
  const merge = rewriteModule.mergeDirConfig!;
  const parent = dir('/srv/www/', ['RewriteEngine On', 'RewriteRule ^p$ p']);
  const child = dir('/srv/www/sub/', ['RewriteRule ^c$ c']);
  const m1 = merge(parent, child);
  assert.deepEqual(m1.rules.map((r) => r.pattern), ['^c$']);
  assert.equal(m1.state, true); // engine inherited when unset
  assert.equal(m1.directory, '/srv/www/sub/');
  const after = merge(parent, dir('/srv/www/sub/', ['RewriteOptions Inherit', 'RewriteRule ^c$ c']));
  assert.deepEqual(after.rules.map((r) => r.pattern), ['^c$', '^p$']);
  const before = merge(parent, dir('/srv/www/sub/', ['RewriteOptions InheritBefore', 'RewriteRule ^c$ c']));
  assert.deepEqual(before.rules.map((r) => r.pattern), ['^p$', '^c$']);
  const down = dir('/srv/www/', ['RewriteOptions InheritDown', 'RewriteRule ^p$ p']);
  assert.deepEqual(merge(down, child).rules.map((r) => r.pattern), ['^c$', '^p$']);
  const ignore = merge(down, dir('/srv/www/sub/', ['RewriteOptions IgnoreInherit', 'RewriteRule ^c$ c']));
  assert.deepEqual(ignore.rules.map((r) => r.pattern), ['^c$']);
});

test('per-dir merge: RewriteBase only with MergeBase', () => {
  const merge = rewriteModule.mergeDirConfig!;
  const parent = dir('/srv/www/', ['RewriteBase /base/']);
  assert.equal(merge(parent, dir('/srv/www/sub/', ['RewriteEngine On'])).baseUrl, null);
  assert.equal(merge(parent, dir('/srv/www/sub/', ['RewriteOptions MergeBase'])).baseUrl, '/base/');
});

test('server merge: vhost rules replace main rules unless Inherit; maps follow', () => {
  const main = loadRewriteConfig('RewriteEngine On\nRewriteMap up int:toupper\nRewriteRule ^/m$ /m', '/srv/www').server.moduleConfig['rewrite_module'] as RewriteServerConf;
  const vhost = loadRewriteConfig('RewriteRule ^/v$ /v', '/srv/www').server.moduleConfig['rewrite_module'] as RewriteServerConf;
  const merged = rewriteModule.mergeServerConfig!(main, vhost);
  assert.deepEqual(merged.rules.map((r) => r.pattern), ['^/v$']);
  assert.equal(merged.maps.size, 0);
  assert.equal(merged.state, true);
  const inh = loadRewriteConfig('RewriteOptions Inherit\nRewriteRule ^/v$ /v', '/srv/www').server.moduleConfig['rewrite_module'] as RewriteServerConf;
  const m2 = rewriteModule.mergeServerConfig!(main, inh);
  assert.deepEqual(m2.rules.map((r) => r.pattern), ['^/v$', '^/m$']);
  assert.ok(m2.maps.has('up'));
});

test('createDirConfig adds the trailing slash', () => {
  assert.equal(rewriteModule.createDirConfig!('/srv/www/x').directory, '/srv/www/x/');
  assert.equal(rewriteModule.createDirConfig!(null).directory, null);
});
