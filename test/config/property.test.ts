/**
 * Property: any configuration text yields a LoadedConfig or SgErrors that carry file:line — never
 * another exception, never a hang. Texts are built from Apache-ish fragments and random noise.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfigReport, mergeDirVectors, overrideSetOf, parseHtaccess, coreDir } from '../../src/config';
import { isSgError } from '../../src/errors';
import { load } from './temp-conf';

const FRAGMENTS = [
  '<Directory /', '</Directory>', '<Files "a">', '</Files>', '<IfModule mod_dir.c>', '</IfModule>', '<Location /x>', '</Location>',
  '<VirtualHost *:80>', '</VirtualHost>', '<RequireAll>', '</RequireAll>', '<Limit GET>', '</Limit>', '<If "true">', '</If>',
  'Options +Indexes', 'Options -FollowSymLinks', 'DirectoryIndex a b', 'AddHandler x .y', 'Require all granted', 'Require not env X',
  'Header set X "1"', 'Redirect 301 /a /b', 'Alias /a /b', 'Define V "x y"', '${V}', '${NOPE}', 'Include', 'IncludeOptional /nonexist/*.c',
  'SetEnv A', 'AllowOverride All', 'AllowOverrideList Redirect', '"', "'", '\\', '\\\n', '#', '>', '<', ' ', '\t', '\n', '~', '*', 'FooBar',
];

const textArb = fc.array(fc.oneof(fc.constantFrom(...FRAGMENTS), fc.string({ maxLength: 8 })), { maxLength: 40 }).map((parts) => parts.join(' ').replace(/ (?=\n)/g, ''));
const linesArb = fc.array(textArb, { maxLength: 12 }).map((lines) => lines.join('\n'));

test('any text → LoadedConfig or SgErrors with file:line (httpd.conf)', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sg-prop-')));
  const conf = join(root, 'httpd.conf');
  try {
    fc.assert(
      fc.property(linesArb, (text) => {
        writeFileSync(conf, `${load(['dir', 'mime', 'authz_core', 'headers', 'env', 'alias'])}\n${text}\n`);
        for (const collect of [true, false]) {
          try {
            const report = loadConfigReport({ httpdConf: conf, envvars: 'none', processEnv: {} }, collect);
            for (const err of report.errors) assert.ok(err.where && err.where.line >= 1 && err.where.file !== '', `no location: ${err.message}`);
          } catch (err) {
            assert.ok(isSgError(err), `not an SgError: ${String(err)}`);
            assert.ok(err.where && err.where.line >= 1, `no location: ${err.message}`);
          }
        }
      }),
      { numRuns: Number(process.env["SG_PROPERTY_RUNS"] ?? 300) },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('any text → vector or SgError with file:line (.htaccess)', () => {
  const root = realpathSync(mkdtempSync(join(tmpdir(), 'sg-prop-')));
  const conf = join(root, 'httpd.conf');
  try {
    writeFileSync(conf, `${load(['dir', 'mime', 'authz_core', 'headers', 'env', 'alias'])}\n<Directory ${root}>\nAllowOverride All\n</Directory>\n`);
    const config = loadConfigReport({ httpdConf: conf, envvars: 'none', processEnv: {} }, false).config!;
    const vec = config.mainServer.directorySections.reduce((v, s) => mergeDirVectors(v, s.config), config.mainServer.lookupDefaults);
    const override = overrideSetOf(coreDir(vec))!;
    fc.assert(
      fc.property(linesArb, (text) => {
        try {
          parseHtaccess(text, `${root}/.htaccess`, `${root}/`, override, config.mainServer, config);
        } catch (err) {
          assert.ok(isSgError(err), `not an SgError: ${String(err)}`);
          assert.equal(err.where?.file, `${root}/.htaccess`);
          assert.ok((err.where?.line ?? 0) >= 1);
        }
      }),
      { numRuns: Number(process.env["SG_PROPERTY_RUNS"] ?? 300) },
    );
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});
