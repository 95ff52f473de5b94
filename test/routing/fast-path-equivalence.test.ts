/**
 * The routing core's caches must never change a decision. `conformance` routes with a trace and an
 * uncached FsView; `serve` routes without a trace through CachingFsView, where the per-request fast
 * paths (walk cache, memoised expansions …) are taken. Every case of every corpus, routed both ways
 * (the cached way three times, so the later runs are answered from the caches), must decide alike.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { loadConfig } from '../../src/config';
import { readCases } from '../../src/conformance/cases';
import { buildCaseServer, caseRequest } from '../../src/conformance/case-server';
import { conformanceFsView } from '../../src/conformance/server-user-fs';
import { CachingFsView } from '../../src/fs/caching-fs-view';
import { NodeFsView } from '../../src/fs/node-fs-view';
import { Router } from '../../src/routing/router';

const projectRoot = join(__dirname, '..', '..', '..');
const corpora: string[] = [];
const ownDir = join(projectRoot, 'test', 'conformance');
for (const name of readdirSync(ownDir).sort()) if (name.endsWith('.jsonl')) corpora.push(join(ownDir, name));
const sharedDir = join(projectRoot, '..', 'shared', 'conformance');
for (const name of ['rewrite-cases.jsonl', 'access-cases.jsonl']) if (existsSync(join(sharedDir, name))) corpora.push(join(sharedDir, name));

for (const file of corpora) {
  test(`cached, untraced routing decides as traced routing: ${relative(join(projectRoot, '..'), file)}`, () => {
    let compared = 0;
    for (const c of readCases(file)) {
      const server = buildCaseServer(c);
      try {
        let config;
        try {
          config = loadConfig({ httpdConf: server.httpdConf, serverRoot: server.root, envvars: 'none', processEnv: {} });
        } catch {
          continue;
        }
        const options = { installedHandlers: new Set(['h264-streaming']) };
        const reference = new Router(config, conformanceFsView(new NodeFsView()), options).route(caseRequest(c), true).decision;
        const fast = new Router(config, new CachingFsView(conformanceFsView(new NodeFsView()), { clock: () => 0 }), options);
        for (let round = 0; round < 3; round++) {
          assert.deepEqual(fast.decide(caseRequest(c)), reference, `${c.id}, round ${round + 1}`);
        }
        compared++;
      } finally {
        server.dispose();
      }
    }
    assert.ok(compared > 0);
  });
}
