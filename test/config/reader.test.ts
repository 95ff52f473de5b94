/**
 * The reader: Include/IncludeOptional, Define and ${VAR}, <IfModule>/<IfDefine>/<IfVersion>,
 * structure errors — every error names its file and line, and the text of the line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreServer, dirDir } from '../../src/config';
import { firstError, load, loadText, tempConf } from './temp-conf';

test('Include of a directory reads every entry recursively, dotfiles and backups too, in byte order', () => {
  const { config, root } = loadText(`${load(['dir'])}\nInclude @ROOT@/inc\n`, {
    'inc/b.conf': 'DirectoryIndex b',
    'inc/A.conf': 'DirectoryIndex A',
    'inc/.dot.conf': 'DirectoryIndex dot',
    'inc/c.conf~': 'DirectoryIndex c~',
    'inc/sub/z.conf': 'DirectoryIndex z',
  }, { serverRoot: undefined });
  void root;
  assert.deepEqual(dirDir(config.mainServer.lookupDefaults)?.index, ['dot', 'A', 'b', 'c~', 'z']);
  assert.deepEqual(config.files.map((f) => f.replace(/^.*\/(inc\/|httpd)/, '$1')), ['httpd.conf', 'inc/.dot.conf', 'inc/A.conf', 'inc/b.conf', 'inc/c.conf~', 'inc/sub/z.conf']);
});

test('wildcards: PERIOD semantics, any component, byte order, relative to ServerRoot', () => {
  const { config } = loadText(`${load(['dir'])}\nIncludeOptional inc/*/deeper/*.conf\nInclude inc/d/*.conf\n`, {
    'inc/d/.dot.conf': 'DirectoryIndex dot',
    'inc/d/b.conf': 'DirectoryIndex b',
    'inc/d/A.conf': 'DirectoryIndex A',
    'inc/sub/deeper/z.conf': 'DirectoryIndex z',
    'inc/file': '',
  }, { serverRoot: undefined });
  assert.deepEqual(dirDir(config.mainServer.lookupDefaults)?.index, ['z', 'A', 'b']);
});

test('Include errors carry Apache\'s messages and the Include line', () => {
  let e = firstError('ServerAdmin a\nInclude @ROOT@/nofile.conf\n');
  assert.ok(e);
  assert.equal(e.message, `Could not open configuration file ${e.root}/nofile.conf: No such file or directory`);
  assert.equal(e.line, 2);
  assert.ok(e.file.endsWith('/httpd.conf'));
  e = firstError('Include @ROOT@/inc/*.conf\n', { 'inc/x.txt': '' });
  assert.equal(e?.message, `Include/IncludeOptional: No matches for the wildcard '*.conf' in '${e?.root}/inc', failing`);
  e = firstError('Include @ROOT@/none/*.conf\n');
  assert.equal(e?.message, `Include/IncludeOptional: Could not open directory ${e?.root}/none: No such file or directory`);
  assert.equal(firstError('IncludeOptional @ROOT@/none/*.conf\nIncludeOptional @ROOT@/nofile.conf\n'), undefined);
});

test('an error inside an included file names that file and line; optional includes are still checked', () => {
  const e = firstError('IncludeOptional @ROOT@/a.conf\n', { 'a.conf': 'ServerAdmin a\n\nBogusDirective x\n' });
  assert.equal(e?.code, 'SG_ERR_CONFIG_UNKNOWN_DIRECTIVE');
  assert.ok(e?.file.endsWith('/a.conf'));
  assert.equal(e?.line, 3);
});

test('include recursion stops at depth 128 with Apache\'s message', () => {
  const e = firstError('Include @ROOT@/loop.conf\n', { 'loop.conf': 'Include @ROOT@/loop.conf\n' });
  assert.equal(e?.code, 'SG_ERR_CONFIG_INCLUDE_DEPTH');
  assert.equal(e?.message, 'Exceeded maximum include depth of 128, There appears to be a recursion.');
  assert.ok(e?.file.endsWith('/loop.conf'));
});

test('structure errors: unclosed, unmatched, mismatched, missing >', () => {
  let e = firstError('ServerAdmin a\n<Directory "@ROOT@/sub">\n');
  assert.equal(e?.message, `${e?.root}/httpd.conf:2: <Directory> was not closed.`);
  assert.equal(e?.line, 2);
  e = firstError('</Directory>\n');
  assert.equal(e?.message, '</Directory> without matching <Directory> section');
  e = firstError('<Directory />\n</Location>\n');
  assert.equal(e?.message, 'Expected </Directory> but saw </Location>');
  assert.equal(e?.line, 2);
  e = firstError('<Directory />\n</Directory >\n');
  assert.equal(e?.message, "</Directory> directive missing closing '>'");
  e = firstError('<Directory /\n</Directory>\n');
  assert.equal(e?.message, "<Directory> directive missing closing '>'");
  assert.equal(firstError('<Directory />\n</directory>\n'), undefined);
});

test('directive errors: unknown, wrong context, arity, handler message', () => {
  let e = firstError('FooBar on\n');
  assert.equal(e?.message, "Invalid command 'FooBar', perhaps misspelled or defined by a module not included in the server configuration");
  e = firstError('<Location /x>\n  DocumentRoot /tmp\n</Location>\n');
  assert.equal(e?.message, 'DocumentRoot not allowed in <Location> context');
  assert.equal(e?.line, 2);
  e = firstError('ServerAdmin x@y # comment\n');
  assert.equal(e?.message, 'ServerAdmin takes one argument, The email address of the server administrator');
  e = firstError('<Directory />\nOptions FooBar\n</Directory>\n');
  assert.equal(e?.message, 'Illegal option FooBar');
  e = firstError('Require all granted\n' + load(['authz_core']) + '\n');
  assert.equal(e?.message, 'Require not allowed here');
});

test('Define, ${VAR} (whole line, before splitting), undefined left literal with a warning, names with ":" silent', () => {
  const t = tempConf(load(['dir']) + '\nDefine V "a b"\nDefine D @ROOT@\nServerAdmin "${V}"\nDocumentRoot ${D}\nServerName ${NOPE}\nDefine a.b\n<IfDefine a.b>\nDirectoryIndex ${m:key}\n</IfDefine>\n');
  try {
    const config = t.load({ processEnv: {} });
    assert.equal(coreServer(config.mainServer).serverAdmin, 'a b');
    assert.equal(coreServer(config.mainServer).documentRoot, t.root);
    assert.equal(config.mainServer.serverName, '${NOPE}');
    assert.deepEqual(dirDir(config.mainServer.lookupDefaults)?.index, ['${m:key}']);
    assert.equal(config.warnings.filter((w) => w.includes('Config variable ${NOPE} is not defined')).length, 1);
    assert.equal(config.warnings.some((w) => w.includes('m:key')), false);
  } finally {
    t.cleanup();
  }
  assert.equal(firstError('Define V "a b"\nServerAdmin ${V}\n')?.message, 'ServerAdmin takes one argument, The email address of the server administrator');
  assert.equal(firstError('Define a:b 1\n')?.message, "Variable name must not contain ':'");
});

test('the process environment fills what Define does not; -D names make <IfDefine> true', () => {
  const { config } = loadText('ServerAdmin ${WHO}\n<IfDefine FOO>\nServerName foo\n</IfDefine>\n<IfDefine !FOO>\nServerName notfoo\n</IfDefine>\n', {}, { processEnv: { WHO: 'me@x' }, defines: ['FOO'] });
  assert.equal(coreServer(config.mainServer).serverAdmin, 'me@x');
  assert.equal(config.mainServer.serverName, 'foo');
});

test('<IfModule>: case-sensitive mod_x.c or x_module, negation, evaluated while reading', () => {
  const conf = [
    '<IfModule mod_dir.c>\nDirectoryIndex early\n</IfModule>',
    load(['dir']),
    '<IfModule Mod_Dir.c>\nDirectoryIndex wrongcase\n</IfModule>',
    '<IfModule mod_dir>\nDirectoryIndex noc\n</IfModule>',
    '<IfModule dir_module>\nDirectoryIndex id\n</IfModule>',
    '<IfModule mod_dir.c>\nDirectoryIndex src\n</IfModule>',
    '<IfModule !mod_nope.c>\nDirectoryIndex neg\n</IfModule>',
    '<IfModule mod_log_config.c>\nDirectoryIndex builtin\n</IfModule>',
    '<IfModule mod_nope.c>\nBogus directives are not checked\n<Directory />\n</Directory>\n</IfModule>',
    '<IfVersion >= 2.4.60>\nDirectoryIndex v\n</IfVersion>',
    '<IfVersion < 2.4>\nDirectoryIndex old\n</IfVersion>',
  ].join('\n');
  const { config } = loadText(conf + '\n');
  assert.deepEqual(dirDir(config.mainServer.lookupDefaults)?.index, ['id', 'src', 'neg', 'builtin', 'v']);
  assert.equal(firstError('<IfModule mod_nope.c>\nX\n')?.message, 'Expected </IfModule> before end of configuration');
  assert.equal(firstError('<IfModule>\n</IfModule>\n')?.message, '<IfModule> directive requires additional arguments');
});

test('LoadModule makes a module\'s directives valid; <IfModule> sees compiled-in modules', () => {
  assert.equal(firstError('SSLEngine on\n')?.code, 'SG_ERR_CONFIG_UNKNOWN_DIRECTIVE');
  const { config } = loadText(`${load(['ssl'])}\nSSLEngine on\n`);
  assert.ok(config.loadedModules.has('ssl_module'));
  assert.ok(config.notes?.some((n) => n.directive === 'SSLEngine' && n.kind === 'ignored' && /TLS is configured in smoothgate.yaml/.test(n.reason)));
});

test('deep nesting is an error, never a stack overflow; a deep false branch is skipped', () => {
  const deep = (open: string, close: string, n: number) => `${Array(n).fill(open).join('\n')}\nServerAdmin a\n${Array(n).fill(close).join('\n')}\n`;
  assert.equal(firstError(deep('<IfModule mod_so.c>', '</IfModule>', 5000))?.code, 'SG_ERR_CONFIG_SECTION');
  assert.equal(firstError(deep('<Files x>', '</Files>', 5000))?.code, 'SG_ERR_CONFIG_SECTION');
  assert.equal(firstError(deep('<IfModule mod_nope.c>', '</IfModule>', 20000)), undefined);
});
