/**
 * Every configuration of the shared conformance cases: the `config_error` ones must be rejected,
 * every other must load; the .htaccess files of loadable cases must parse where Apache parsed them
 * (a case answering 500 may hold a broken .htaccess). Cases whose configuration uses mod_rewrite's
 * directives are left to the rewrite engine's own tests (src/rewrite owns those directives).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isSgError } from '../../src/errors';
import { loadConfigReport, overrideSetOf, parseHtaccess, coreDir, mergeDirVectors } from '../../src/config';
import { readCases, type ConformanceCase } from '../../src/conformance/cases';
import { buildCaseServer } from '../../src/conformance/case-server';

const SHARED = join(__dirname, '..', '..', '..', '..', 'shared', 'conformance');

function loadCases(): ConformanceCase[] {
  const out: ConformanceCase[] = [];
  for (const name of ['rewrite-cases.jsonl', 'access-cases.jsonl']) {
    const path = join(SHARED, name);
    if (existsSync(path)) out.push(...readCases(path));
  }
  return out;
}

const cases = loadCases();

test('shared conformance configurations: config_error rejected, others load', { skip: cases.length === 0 ? 'shared conformance cases not present' : false }, () => {
  let checked = 0;
  const failures: string[] = [];
  const check = (ok: unknown, message: string): void => {
    if (!ok) failures.push(message);
  };
  for (const c of cases) {
    if (!c.expected) continue;
    const server = buildCaseServer(c);
    const { root, httpdConf } = server;
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
          const main = config.mainServer;
          const core = coreDir(mergeDirVectors(main.lookupDefaults, main.directorySections.filter((s) => dir.startsWith(s.path)).reduce((v, s) => mergeDirVectors(v, s.config), main.lookupDefaults)));
          const override = overrideSetOf(core);
          if (!override) continue;
          try {
            parseHtaccess(readFileSync(join(root, path), 'latin1'), join(root, path), dir, override, main, config);
          } catch (err) {
            check(isSgError(err), `${c.id}: non-SgError from parseHtaccess`);
            // A broken .htaccess is a 500 for requests in its directory (and below) only.
            const urlDir = path.startsWith('htdocs/') ? `/${path.slice('htdocs/'.length, -'.htaccess'.length)}` : null;
            const inScope = urlDir !== null && (c.request.target ?? '').startsWith(urlDir);
            if (isSgError(err) && inScope) check(c.expected.status === 500, `${c.id}: ${err.describe()}`);
          }
        }
      }
      checked++;
    } finally {
      server.dispose();
    }
  }
  assert.deepEqual(failures, []);
  assert.ok(checked > 20, `only ${checked} cases checked`);
});
