/**
 * `smoothgate conformance CASES.jsonl…` (INTERFACE.md §2): build each case's server as the oracle
 * does, route the request through the same core `serve` uses (with no handler installed: the
 * oracle's Apache has no streaming module), compare with `expected`. One line per failing field,
 * then exactly one closing line `N passed, M failed`; exit 1 when anything failed.
 */
import { loadConfig } from '../config';
import { isSgError } from '../errors';
import { NodeFsView } from '../fs/node-fs-view';
import { Router } from '../routing/router';
import type { ConformanceCase, Outcome } from '../conformance/cases';
import { compareOutcome, readCases } from '../conformance/cases';
import { buildCaseServer, caseRequest, observe } from '../conformance/case-server';
import { conformanceFsView } from '../conformance/server-user-fs';
import { parseArgs } from './args';
import { usageError } from './main';

export interface CaseRun {
  readonly id: string;
  readonly observed: Outcome;
  readonly diffs: string[];
  readonly trace: string[];
}

const CONFIG_ERROR: Outcome = {
  kind: 'config_error',
  status: null,
  uri: null,
  query: null,
  file: null,
  handler: null,
  location: null,
  proxy: null,
  headers: {},
  env: {},
};

export function runCase(c: ConformanceCase): CaseRun {
  const server = buildCaseServer(c);
  try {
    let config;
    try {
      config = loadConfig({ httpdConf: server.httpdConf, serverRoot: server.root, envvars: 'none', processEnv: {} });
    } catch (err) {
      if (!isSgError(err)) throw err;
      const observed = CONFIG_ERROR;
      return { id: c.id, observed, diffs: c.expected ? compareOutcome(c.expected, observed) : ['no expected value'], trace: [err.describe()] };
    }
    const router = new Router(config, conformanceFsView(new NodeFsView()), { installedHandlers: new Set() });
    const { decision, trace } = router.route(caseRequest(c), true);
    const observed = observe(c, decision, server);
    const diffs = c.expected ? compareOutcome(c.expected, observed) : ['no expected value'];
    const lines = (trace ?? []).map((s) => `${s.phase}: ${s.text}`);
    if (decision.kind === 'status') lines.push(`reason: ${decision.reason}`);
    return { id: c.id, observed, diffs, trace: lines };
  } finally {
    server.dispose();
  }
}

export async function run(argv: string[]): Promise<number> {
  const { flags, positional } = parseArgs(argv, { filter: 'string', verbose: 'boolean', json: 'boolean' });
  if (positional.length === 0) throw usageError('conformance: name one or more CASES.jsonl files');
  let passed = 0;
  let failed = 0;
  const results: Array<{ file: string; id: string; passed: boolean; diffs: string[]; observed: Outcome }> = [];
  for (const file of positional) {
    for (const c of readCases(file)) {
      if (typeof flags.filter === 'string' && !c.id.includes(flags.filter)) continue;
      let result: CaseRun;
      try {
        result = runCase(c);
      } catch (err) {
        result = { id: c.id, observed: CONFIG_ERROR, diffs: [`crashed: ${(err as Error).stack ?? err}`], trace: [] };
      }
      const ok = result.diffs.length === 0;
      if (ok) passed++;
      else failed++;
      results.push({ file, id: c.id, passed: ok, diffs: result.diffs, observed: result.observed });
      if (!ok && !flags.json) {
        for (const d of result.diffs) process.stdout.write(`FAIL ${c.id}: ${d}\n`);
        if (flags.verbose) for (const t of result.trace) process.stdout.write(`    ${t}\n`);
      }
    }
  }
  if (flags.json) process.stdout.write(`${JSON.stringify({ passed, failed, results }, null, 2)}\n`);
  process.stdout.write(`${passed} passed, ${failed} failed\n`);
  return failed > 0 ? 1 : 0;
}
