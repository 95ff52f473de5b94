/**
 * The project's own conformance corpus (test/conformance/*.jsonl, `expected` produced by real Apache
 * through ../shared/tools/rewrite-oracle/oracle.py --update) and the shared cases when ../shared is
 * present, each run through the same routing core `serve` uses.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { readCases } from '../../src/conformance/cases';
import { runCase } from '../../src/cli/conformance-command';

const projectRoot = join(__dirname, '..', '..', '..');
const corpora: string[] = [];
const ownDir = join(projectRoot, 'test', 'conformance');
for (const name of readdirSync(ownDir).sort()) if (name.endsWith('.jsonl')) corpora.push(join(ownDir, name));
const sharedDir = join(projectRoot, '..', 'shared', 'conformance');
for (const name of ['rewrite-cases.jsonl', 'access-cases.jsonl']) if (existsSync(join(sharedDir, name))) corpora.push(join(sharedDir, name));

for (const file of corpora) {
  test(`conformance corpus ${relative(join(projectRoot, '..'), file)}`, () => {
    const cases = readCases(file);
    assert.ok(cases.length > 0, 'corpus is empty');
    const failures: string[] = [];
    for (const c of cases) {
      const run = runCase(c);
      for (const d of run.diffs) failures.push(`${c.id}: ${d}`);
    }
    assert.deepEqual(failures, [], `${failures.length} field(s) differ from Apache`);
  });
}
