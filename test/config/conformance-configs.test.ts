/**
 * Every configuration of the shared conformance cases: the `config_error` ones must be rejected,
 * every other must load; the .htaccess files of loadable cases must parse where Apache parsed them
 * (a case answering 500 may hold a broken .htaccess). Cases whose configuration uses mod_rewrite's
 * directives are left to the rewrite engine's own tests (src/rewrite owns those directives).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { isSgError } from '../../src/errors';
import { loadConfigReport, overrideSetOf, parseHtaccess, coreDir, mergeDirVectors } from '../../src/config';
import { buildCaseRoot, type CaseLike } from './case-server';

const SHARED = join(__dirname, '..', '..', '..', '..', 'shared', 'conformance');

function loadCases(): CaseLike[] {
  const out: CaseLike[] = [];
  for (const name of ['rewrite-cases.jsonl', 'access-cases.jsonl']) {
    const path = join(SHARED, name);
    if (!existsSync(path)) continue;
    for (const line of readFileSync(path, 'utf8').split('\n')) if (line.trim() !== '') out.push(JSON.parse(line) as CaseLike);
  }
  return out;
}

const usesRewrite = (c: CaseLike): boolean =>
  /^\s*Rewrite/im.test(c.conf) || Object.values(c.files).some((v) => typeof v === 'string' && /^\s*Rewrite/im.test(v));

const cases = loadCases();

test('shared conformance configurations: config_error rejected, others load', { skip: cases.length === 0 ? 'shared conformance cases not present' : false }, () => {
  let checked = 0;
  const failures: string[] = [];
  const check = (ok: unknown, message: string): void => {
    if (!ok) failures.push(message);
  };
  for (const c of cases) {
    if (usesRewrite(c) || !c.expected) continue;
    const { root, httpdConf } = buildCaseRoot(c);
    try {
      const report = loadConfigReport({ httpdConf, envvars: 'none', processEnv: {} }, true);
      if (c.expected.kind === 'config_error') {
        check(report.errors.length > 0, `${c.id}: expected a configuration error`);
        for (const err of report.errors) check(err.where && err.where.line > 0, `${c.id}: error without file:line`);
      } else {
        check(report.errors.length === 0, `${c.id}: unexpected errors ${report.errors.map((e) => e.describe()).join('; ')}`);
        const config = report.config;
        if (!config) continue;
        for (const [path, value] of Object.entries(c.files)) {
          if (!path.endsWith('.htaccess') || typeof value !== 'string') continue;
          const dir = `${root}/${path.slice(0, -'.htaccess'.length)}`;
          const server = config.mainServer;
          const core = coreDir(mergeDirVectors(server.lookupDefaults, server.directorySections.filter((s) => dir.startsWith(s.path)).reduce((v, s) => mergeDirVectors(v, s.config), server.lookupDefaults)));
          const override = overrideSetOf(core);
          if (!override) continue;
          try {
            parseHtaccess(readFileSync(join(root, path), 'utf8'), join(root, path), dir, override, server, config);
          } catch (err) {
            check(isSgError(err), `${c.id}: non-SgError from parseHtaccess`);
            if (isSgError(err)) check((c.expected as { status?: number }).status === 500, `${c.id}: ${err.describe()}`);
          }
        }
      }
      checked++;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 20, `only ${checked} cases checked`);
});
