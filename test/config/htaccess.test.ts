/**
 * .htaccess parsing under AllowOverride: classes, AllowOverrideList, Options=, Nonfatal=, and the
 * directives never allowed there (Define, Include); errors carry the file and line.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coreDir, dirDir, mergeDirVectors, overrideSetOf, parseHtaccess, type DirConfigVector, type LoadedConfig, type OverrideSet } from '../../src/config';
import { isSgError } from '../../src/errors';
import { load, loadText } from './temp-conf';

const BASE = `${load(['authz_core', 'mime', 'dir', 'headers'])}\n`;

function overrideFor(config: LoadedConfig, dir: string): OverrideSet | null {
  const server = config.mainServer;
  const vec = server.directorySections.filter((s) => !s.regex && dir.startsWith(s.path)).reduce((v, s) => mergeDirVectors(v, s.config), server.lookupDefaults as DirConfigVector);
  return overrideSetOf(coreDir(vec));
}

function parse(config: LoadedConfig, dir: string, text: string): DirConfigVector {
  const override = overrideFor(config, dir);
  assert.ok(override, 'AllowOverride None: the file would not be read');
  return parseHtaccess(text, `${dir}.htaccess`, dir, override, config.mainServer, config);
}

function errorOf(fn: () => unknown): { message: string; line: number; file: string } {
  try {
    fn();
  } catch (err) {
    assert.ok(isSgError(err));
    return { message: err.message, line: err.where?.line ?? -1, file: err.where?.file ?? '' };
  }
  assert.fail('expected an error');
}

test('AllowOverride None and no list: the file is not opened (overrideSetOf → null)', () => {
  const { config } = loadText(`${BASE}<Directory /a>\nAllowOverride None\n</Directory>\n<Directory /b>\nAllowOverride FileInfo\n</Directory>\n`);
  assert.equal(overrideFor(config, '/a/'), null);
  assert.equal(overrideFor(config, '/x/'), null, 'default since 2.3.9 is None');
  assert.deepEqual([...(overrideFor(config, '/b/')?.classes ?? [])], ['FileInfo']);
});

test('a directive of a class not granted is "not allowed here"; unknown is "Invalid command", both with file:line', () => {
  const { config } = loadText(`${BASE}<Directory /d>\nAllowOverride FileInfo Indexes\n</Directory>\n`);
  const vec = parse(config, '/d/', 'AddHandler x .y\nDirectoryIndex i.html\nHeader set X 1\n');
  assert.deepEqual(dirDir(vec)?.index, ['i.html']);
  let e = errorOf(() => parse(config, '/d/', '# c\nRequire all denied\n'));
  assert.equal(e.message, 'Require not allowed here');
  assert.equal(e.line, 2);
  assert.equal(e.file, '/d/.htaccess');
  e = errorOf(() => parse(config, '/d/', 'AddHandler x .y\nFooBarBaz on\n'));
  assert.match(e.message, /^Invalid command 'FooBarBaz'/);
  assert.equal(e.line, 2);
  e = errorOf(() => parse(config, '/d/', '<Files a>\nOptions None\n</Files>\n'));
  assert.equal(e.message, 'Options not allowed in <Files> context');
});

test('Define and Include are never allowed in .htaccess', () => {
  const { config } = loadText(`${BASE}<Directory /d>\nAllowOverride All\n</Directory>\n`);
  assert.equal(errorOf(() => parse(config, '/d/', 'Define X 1\n')).message, 'Define not allowed here');
  assert.equal(errorOf(() => parse(config, '/d/', 'Include /etc/passwd\n')).message, 'Include not allowed here');
  assert.equal(errorOf(() => parse(config, '/d/', 'AllowOverride All\n')).message, 'AllowOverride not allowed here');
  assert.equal(errorOf(() => parse(config, '/d/', 'DocumentRoot /\n')).message, 'DocumentRoot not allowed here');
});

test('AllowOverrideList admits named directives; Nonfatal=Override/Unknown turn errors into warnings', () => {
  const { config } = loadText(`${BASE}<Directory /l>\nAllowOverrideList Redirect DirectoryIndex\n</Directory>\n<Directory /n>\nAllowOverride FileInfo Nonfatal=All\n</Directory>\n`);
  const vec = parse(config, '/l/', 'DirectoryIndex l.html\n');
  assert.deepEqual(dirDir(vec)?.index, ['l.html']);
  assert.equal(errorOf(() => parse(config, '/l/', 'AddType a/b .c\n')).message, 'AddType not allowed here');
  assert.equal(errorOf(() => parse(config, '/l/', '<IfModule mod_dir.c>\nDirectoryIndex x\n</IfModule>\n')).message, '<IfModule not allowed here');
  const n = parse(config, '/n/', 'Require all denied\nBogusDirective\nAddType a/b .c\n');
  assert.ok(n['mime_module']);
});

test('AllowOverride Options=… limits the options an .htaccess may set', () => {
  const { config } = loadText(`${BASE}<Directory /o>\nAllowOverride Options=Indexes,MultiViews\n</Directory>\n<Directory /p>\nAllowOverride Options\n</Directory>\n`);
  const vec = parse(config, '/o/', 'Options +Indexes -MultiViews\n');
  assert.deepEqual([...coreDir(vec).optionsAdd], ['Indexes']);
  assert.equal(errorOf(() => parse(config, '/o/', 'Options +FollowSymLinks\n')).message, 'Option FollowSymLinks not allowed here');
  // "AllowOverride Options" grants OPT_ALL, which excludes MultiViews and SymLinksIfOwnerMatch (core.c).
  assert.equal(errorOf(() => parse(config, '/p/', 'Options +MultiViews\n')).message, 'Option MultiViews not allowed here');
});

test('<Files> in .htaccess keeps the .htaccess override and is filed in the scope\'s core record', () => {
  const { config } = loadText(`${BASE}<Directory /f>\nAllowOverride AuthConfig\n</Directory>\n`);
  const vec = parse(config, '/f/', '<FilesMatch "\\.php$">\nRequire all denied\n</FilesMatch>\n');
  assert.equal(coreDir(vec).filesSections.length, 1);
  assert.equal(coreDir(vec).filesSections[0]?.regex?.source, '\\.php$');
});
