#!/usr/bin/env node
'use strict';
// npm run bench -- NAME: runs dist/bench/NAME/*.js (compiled by `npm run bench`), or a bench's own
// run.sh when it has one (benchmarks that drive nginx/Apache/wrk).
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');
const name = process.argv[2];
const root = join(__dirname, '..');
if (!name) {
  console.log(`usage: npm run bench -- NAME   (one of: ${readdirSync(join(root, 'bench')).filter((n) => !n.startsWith('.')).join(', ')})`);
  process.exit(2);
}
const script = join(root, 'bench', name, 'run.sh');
if (existsSync(script)) process.exit(spawnSync('bash', [script, ...process.argv.slice(3)], { stdio: 'inherit' }).status ?? 1);
const dir = join(root, 'dist', 'bench', name);
if (!existsSync(dir)) { console.error(`no benchmark '${name}'`); process.exit(2); }
for (const f of readdirSync(dir).filter((f) => f.endsWith('.js'))) {
  const r = spawnSync(process.execPath, ['--enable-experimental-regexp-engine-on-excessive-backtracks', join(dir, f), ...process.argv.slice(3)], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
