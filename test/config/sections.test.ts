/**
 * Sections and virtual hosts: where each kind is filed, components as Apache's sorter counts them,
 * <Limit> scopes, <If> recorded and failing closed over access control, vhost merging.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { aliasServer, authzDir, coreDir, coreServer, dirDir, mimeDir, type RequireBlock } from '../../src/config';
import { load, loadText } from './temp-conf';

const MODS = load(['authz_core', 'authz_host', 'mime', 'dir', 'alias', 'headers']);

test('<Directory> paths are canonical with a trailing slash; wildcards kept; sorted non-regex first, by components, then config order', () => {
  const { config } = loadText(
    `${MODS}\n<DirectoryMatch "^/srv/t/www/merge/deep">\n</DirectoryMatch>\n<DirectoryMatch "merge">\n</DirectoryMatch>\n` +
      '<Directory /srv//t/./www/../www>\n</Directory>\n<Directory "/srv/t/www/*/deep">\n</Directory>\n<Directory />\n</Directory>\n<Directory ~ "^/x">\n</Directory>\n',
  );
  const dirs = config.mainServer.directorySections.map((s) => [s.path, s.components, s.regex !== null]);
  assert.deepEqual(dirs, [
    ['/', 0, false],
    ['/srv/t/www/', 4, false],
    ['/srv/t/www/*/deep/', 6, false],
    ['merge', 0, true],
    ['^/x', 1, true],
    ['^/srv/t/www/merge/deep', 5, true],
  ]);
});

test('<Files> at top level go to the server, nested ones to the enclosing scope; <Location> keeps its path', () => {
  const { config } = loadText(`${MODS}\n<Files "a.txt">\nForceType text/x-a\n</Files>\n<Directory /d>\n<FilesMatch "\\.b$">\nForceType text/x-b\n</FilesMatch>\n</Directory>\n<Location /loc>\nSetHandler x\n</Location>\n<LocationMatch "^/m">\n</LocationMatch>\n`);
  const server = config.mainServer;
  assert.deepEqual(server.filesSections.map((s) => [s.path, coreDir(s.config).forceType]), [['a.txt', 'text/x-a']]);
  const d = server.directorySections.find((s) => s.path === '/d/');
  assert.deepEqual(coreDir(d!.config).filesSections.map((s) => [s.path, s.regex?.source, coreDir(s.config).forceType]), [['\\.b$', '\\.b$', 'text/x-b']]);
  assert.deepEqual(server.locationSections.map((s) => [s.path, s.regex !== null, coreDir(s.config).handler ?? null]), [['/loc', false, 'x'], ['^/m', true, null]]);
});

test('<Limit> scopes Require lines; an <If> we cannot evaluate fails its scope closed when it holds access control', () => {
  // `-f` (a file test) is outside the ap_expr subset the routing core evaluates; `=~` and `-n` are in it.
  const { config } = loadText(
    `${MODS}\n<Directory /l>\n<Limit POST PUT>\nRequire ip 127.0.0.1\n</Limit>\n</Directory>\n<Directory /i>\n<If "-f '/etc/hostname'">\nRequire all denied\n</If>\n</Directory>\n<Directory /h>\n<If "-f '/etc/hostname'">\nHeader set X 1\n</If>\n</Directory>\n<Directory /e>\n<If "%{QUERY_STRING} =~ /x/">\nRequire all denied\n</If>\n</Directory>\n`,
  );
  const l = config.mainServer.directorySections.find((s) => s.path === '/l/')!;
  const block = authzDir(l.config)?.require as Extract<RequireBlock, { children: RequireBlock[] }>;
  const line = block.children[0] as Extract<RequireBlock, { kind: 'line' }>;
  assert.deepEqual(line.line.limit, { methods: ['POST', 'PUT'], except: false, parent: null });
  const i = config.mainServer.directorySections.find((s) => s.path === '/i/')!;
  assert.match(coreDir(i.config).failClosed ?? '', /not evaluated/);
  assert.equal(coreDir(i.config).ifSections?.length, 1);
  const h = config.mainServer.directorySections.find((s) => s.path === '/h/')!;
  assert.equal(coreDir(h.config).failClosed, undefined);
  assert.ok(config.notes?.some((n) => n.kind === 'unsupported' && n.directive === '<If'));
  const e = config.mainServer.directorySections.find((s) => s.path === '/e/')!;
  assert.equal(coreDir(e.config).failClosed, undefined, 'an <If> we evaluate does not fail closed');
  assert.equal(coreDir(e.config).ifSections?.[0]?.decidable, true);
});

test('access control we cannot evaluate fails closed: Require of unknown-to-us providers, AuthType Digest, AuthBasicProvider dbm', () => {
  const { config } = loadText(`${MODS}\n${load(['authn_core', 'auth_basic', 'authn_file', 'authn_dbm', 'authz_user'])}\n<Directory /x>\nAuthType Digest\n</Directory>\n<Directory /y>\nAuthType Basic\nAuthBasicProvider file dbm\nRequire valid-user\n</Directory>\n<Directory /z>\nAuthType Basic\nAuthUserFile users\nRequire valid-user\n</Directory>\n`);
  const find = (p: string) => coreDir(config.mainServer.directorySections.find((s) => s.path === p)!.config).failClosed;
  assert.match(find('/x/') ?? '', /AuthType Digest/);
  assert.match(find('/y/') ?? '', /AuthBasicProvider dbm/);
  assert.equal(find('/z/'), undefined);
});

test('virtual hosts: server records merged with the main server, sections appended after the main server\'s, names and aliases', () => {
  const { config, root } = loadText(
    `${MODS}\nServerName main.example\nAddType text/x-main .m\nAlias /ma /tmp\n<Directory /a>\nDirectoryIndex a\n</Directory>\n` +
      '<VirtualHost *:80 127.0.0.1:8080>\nServerName v.example:8080\nServerAlias w.example *.v.example\nAlias /va /tmp\nAddType text/x-v .v\n<Directory />\nDirectoryIndex v\n</Directory>\n</VirtualHost>\n',
  );
  void root;
  const [v] = config.virtualHosts;
  assert.ok(v);
  assert.deepEqual(v.addresses, ['*:80', '127.0.0.1:8080']);
  assert.equal(v.serverName, 'v.example');
  assert.equal(coreServer(v).serverNamePort, 8080);
  assert.deepEqual(v.serverAliases, ['w.example', '*.v.example']);
  assert.equal(config.mainServer.serverName, 'main.example');
  assert.deepEqual(aliasServer(v)?.aliases.map((a) => a.fake), ['/va', '/ma']);
  assert.deepEqual([...(mimeDir(v.lookupDefaults)?.extensions.keys() ?? [])].sort(), ['m', 'v']);
  assert.deepEqual(v.directorySections.map((s) => [s.path, dirDir(s.config)?.index]), [['/', ['v']], ['/a/', ['a']]]);
  assert.equal(coreServer(v).documentRoot, coreServer(config.mainServer).documentRoot);
});
