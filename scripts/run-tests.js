#!/usr/bin/env node
'use strict';
// Runs one suite of compiled tests with node's built-in test runner (node:test).
// Suites by folder under dist/test: 'unit' = everything except the folders named below;
// 'e2e', 'reliability', 'large' = test/<suite>/. Node 20 has no --test glob, so we list the files.
const { readdirSync, statSync, existsSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const SPECIAL = new Set(['e2e', 'reliability', 'large']);
const suite = process.argv[2] || 'unit';
// `npm run test:reliability -- --soak=SECONDS` lengthens the load and soak parts (default: the CI run).
for (const arg of process.argv.slice(3)) {
  const soak = /^--soak=(\d+)$/.exec(arg);
  if (soak) process.env.SMOOTHGATE_SOAK_SECONDS = soak[1];
  else {
    console.error(`run-tests: unknown argument ${arg}`);
    process.exit(2);
  }
}
const root = join(__dirname, '..', 'dist', 'test');

function collect(dir, top) {
  const out = [];
  if (!existsSync(dir)) return out;
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (top && suite === 'unit' && SPECIAL.has(name)) continue;
      out.push(...collect(path, false));
    } else if (name.endsWith('.test.js')) {
      // Only tests whose TypeScript source still exists (dist/ may hold stale outputs).
      const source = join(__dirname, '..', path.slice(join(__dirname, '..', 'dist').length + 1)).replace(/\.js$/, '.ts');
      if (existsSync(source)) out.push(path);
    }
  }
  return out;
}

const files = suite === 'unit' ? collect(root, true) : collect(join(root, suite), false);
if (files.length === 0) {
  console.log(`no test files for suite '${suite}'`);
  console.log('0 passed, 0 failed');
  process.exit(suite === 'unit' ? 1 : 0);
}
const args = [
  '--enable-experimental-regexp-engine-on-excessive-backtracks',
  '--test',
  '--test-reporter=spec',
  ...(process.env.TEST_CONCURRENCY ? [`--test-concurrency=${process.env.TEST_CONCURRENCY}`] : []),
  ...files,
];
let reportDir = null;
if (suite === 'reliability') {
  // Each reliability suite writes its tally here; the closing table is printed from them.
  reportDir = join(root, 'reliability', '.report');
  require('node:fs').rmSync(reportDir, { recursive: true, force: true });
  process.env.SMOOTHGATE_RELIABILITY_REPORT = reportDir;
}
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
let status = result.status === null ? 1 : result.status;
if (reportDir) {
  const violations = require('./reliability-summary.js').printSummary(reportDir);
  if (violations > 0 && status === 0) status = 1;
}
process.exit(status);
