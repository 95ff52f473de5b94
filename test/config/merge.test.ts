/**
 * Merge functions as Apache's (parent, child) per module: Options +/- across levels, DirectoryIndex
 * accumulate/replace, mod_mime extension overlay with Remove*, authz AuthMerging, headers append,
 * mod_env set/unset.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  authzDir,
  coreDir,
  createDirVector,
  dirDir,
  effectiveOptions,
  envDir,
  headersDir,
  mergeDirVectors,
  mimeDir,
  type DirConfigVector,
  type LoadedConfig,
} from '../../src/config';
import { load, loadText } from './temp-conf';

/** Merge the server defaults with every non-regex <Directory> whose path prefixes `dir`, in walk order. */
function dirChain(config: LoadedConfig, dir: string): DirConfigVector {
  const server = config.mainServer;
  return server.directorySections
    .filter((s) => !s.regex && dir.startsWith(s.path))
    .reduce((vec, s) => mergeDirVectors(vec, s.config), server.lookupDefaults as DirConfigVector);
}

const sorted = (set: ReadonlySet<string>) => [...set].sort();

test('Options: absolute replaces, +/- apply to what is inherited, across levels', () => {
  const { config } = loadText(
    [
      '<Directory />\nOptions FollowSymLinks Indexes\n</Directory>',
      '<Directory /a>\nOptions +ExecCGI -Indexes\n</Directory>',
      '<Directory /a/b>\nOptions -FollowSymLinks\n</Directory>',
      '<Directory /a/b/c>\nOptions MultiViews\n</Directory>',
      '<Directory /a/b/c/d>\nOptions +Indexes\n</Directory>',
    ].join('\n') + '\n',
  );
  assert.deepEqual(sorted(coreDir(dirChain(config, '/x/')).options as Set<string>), ['FollowSymLinks', 'Indexes']);
  assert.deepEqual(sorted(coreDir(dirChain(config, '/a/')).options as Set<string>), ['ExecCGI', 'FollowSymLinks']);
  assert.deepEqual(sorted(coreDir(dirChain(config, '/a/b/')).options as Set<string>), ['ExecCGI']);
  assert.deepEqual(sorted(coreDir(dirChain(config, '/a/b/c/')).options as Set<string>), ['MultiViews']);
  assert.deepEqual(sorted(coreDir(dirChain(config, '/a/b/c/d/')).options as Set<string>), ['Indexes', 'MultiViews']);
  assert.deepEqual(sorted(effectiveOptions(coreDir(config.mainServer.lookupDefaults))), ['FollowSymLinks']);
});

test('Options: mixing +/- with plain words is an error; All excludes MultiViews', () => {
  const { config } = loadText('<Directory /a>\nOptions All\n</Directory>\n');
  assert.deepEqual(sorted(coreDir(dirChain(config, '/a/')).options as Set<string>), ['ExecCGI', 'FollowSymLinks', 'Includes', 'Indexes']);
  assert.throws(() => loadText('<Directory /a>\nOptions +Indexes FollowSymLinks\n</Directory>\n'), /Either all Options must start with \+ or -, or no Option may\./);
});

test('DirectoryIndex accumulates within a context, `disabled` clears, a deeper context replaces', () => {
  const { config } = loadText(
    `${load(['dir'])}\nDirectoryIndex a.html\nDirectoryIndex b.html c.html\n<Directory /x>\nDirectoryIndex x.php\n</Directory>\n<Directory /y>\nDirectoryIndex disabled\n</Directory>\n<Directory /z>\nDirectorySlash Off\n</Directory>\n`,
  );
  assert.deepEqual(dirDir(config.mainServer.lookupDefaults)?.index, ['a.html', 'b.html', 'c.html']);
  assert.deepEqual(dirDir(dirChain(config, '/x/'))?.index, ['x.php']);
  assert.deepEqual(dirDir(dirChain(config, '/y/'))?.index, []);
  assert.deepEqual(dirDir(dirChain(config, '/z/'))?.index, ['a.html', 'b.html', 'c.html']);
  assert.equal(dirDir(dirChain(config, '/z/'))?.directorySlash, false);
});

test('mod_mime: child overlays per field, RemoveHandler clears the inherited handler only, RemoveType overrides TypesConfig', () => {
  const { config } = loadText(
    `${load(['mime'])}\nAddHandler php-script .php\nAddType text/x-foo .PHP .foo\nAddHandler h264-streaming.extensions mp4\n` +
      '<Directory /up>\nRemoveHandler .php\nAddEncoding gzip .foo\nRemoveType foo\n</Directory>\n<Directory /up/again>\nAddHandler php-script .php\n</Directory>\n',
  );
  const top = mimeDir(config.mainServer.lookupDefaults);
  assert.deepEqual(top?.extensions.get('php'), { handler: 'php-script', forcedType: 'text/x-foo' });
  assert.deepEqual(top?.extensions.get('mp4'), { handler: 'h264-streaming.extensions' });
  const up = mimeDir(dirChain(config, '/up/'));
  assert.deepEqual(up?.extensions.get('php'), { forcedType: 'text/x-foo' });
  assert.deepEqual(up?.extensions.get('foo'), { forcedType: '', encoding: 'gzip' });
  assert.equal(up?.removeHandlers.size, 0, 'removals are not inherited further');
  assert.deepEqual(mimeDir(dirChain(config, '/up/again/'))?.extensions.get('php'), { forcedType: 'text/x-foo', handler: 'php-script' });
});

test('mod_mime: a RemoveHandler in the same context as AddHandler removes it at merge time', () => {
  const { config } = loadText(`${load(['mime'])}\n<Directory /d>\nAddHandler x .php\nRemoveHandler .php\n</Directory>\n`);
  assert.deepEqual(mimeDir(dirChain(config, '/d/'))?.extensions.get('php'), {});
});

test('authz: a child Require replaces, AuthMerging And/Or combines, no Require inherits', () => {
  const { config } = loadText(
    `${load(['authz_core', 'authz_host'])}\n<Directory />\nRequire all denied\n</Directory>\n<Directory /a>\nRequire all granted\n</Directory>\n` +
      '<Directory /a/b>\nAuthMerging And\nRequire ip 127.0.0.1\n</Directory>\n<Directory /a/b/c>\nOptions None\n</Directory>\n' +
      '<Directory /n>\n<RequireAll>\nRequire all granted\nRequire not ip 10.0.0.0/8\n<RequireAll>\nRequire local\n</RequireAll>\n</RequireAll>\n</Directory>\n',
  );
  const line = (provider: string, args: string[], negate = false) => ({ negate, provider, args });
  const strip = (block: unknown): unknown =>
    JSON.parse(JSON.stringify(block, (k, v) => (k === 'where' || k === 'limit' || k === 'raw' ? undefined : v)));
  assert.deepEqual(strip(authzDir(dirChain(config, '/x/'))?.require), { kind: 'any', negate: false, children: [{ kind: 'line', line: line('all', ['denied']) }] });
  assert.deepEqual(strip(authzDir(dirChain(config, '/a/'))?.require), { kind: 'any', negate: false, children: [{ kind: 'line', line: line('all', ['granted']) }] });
  const ab = strip(authzDir(dirChain(config, '/a/b/'))?.require) as { kind: string; children: unknown[] };
  assert.equal(ab.kind, 'all');
  assert.equal(ab.children.length, 2);
  assert.deepEqual(strip(authzDir(dirChain(config, '/a/b/c/'))?.require), ab);
  const n = strip(authzDir(dirChain(config, '/n/'))?.require);
  assert.deepEqual(n, {
    kind: 'any',
    negate: false,
    children: [{ kind: 'all', negate: false, children: [{ kind: 'line', line: line('all', ['granted']) }, { kind: 'line', line: line('ip', ['10.0.0.0/8'], true) }, { kind: 'line', line: line('local', []) }] }],
  });
});

test('headers append parent then child; env: UnsetEnv removes inherited values, SetEnv wins', () => {
  const { config } = loadText(
    `${load(['headers', 'env'])}\nHeader set X-A 1\nSetEnv A 1\nSetEnv B 2\n<Directory /d>\nHeader always append X-B 2\nUnsetEnv A\nSetEnv B 3\n</Directory>\n`,
  );
  const vec = dirChain(config, '/d/');
  assert.deepEqual(headersDir(vec)?.responseHeaders.map((h) => [h.action, h.header, h.value, h.condition]), [['set', 'X-A', '1', 'onsuccess'], ['append', 'X-B', '2', 'always']]);
  assert.deepEqual(envDir(vec)?.vars, [['B', '3']]);
});

test('mergeDirVectors: a module with a record on one side only keeps it; createDirVector(null) has every module', () => {
  const server = createDirVector(null);
  assert.ok(Object.keys(server).includes('core_module'));
  assert.ok(Object.keys(server).includes('mime_module'));
  const section = createDirVector('/x/');
  assert.deepEqual(Object.keys(section), ['core_module']);
  const merged = mergeDirVectors(section, { dir_module: { index: ['a'], directorySlash: undefined, fallbackResource: undefined, checkHandler: undefined } });
  assert.deepEqual(dirDir(merged)?.index, ['a']);
});
