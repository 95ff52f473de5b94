#!/usr/bin/env node
'use strict';
// `npm run bench -- NAME [args…]`: runs the compiled benchmark dist/bench/NAME/run.js (INTERFACE.md §12).
const { existsSync, readdirSync } = require('node:fs');
const { join } = require('node:path');
const { spawnSync } = require('node:child_process');

const [name, ...rest] = process.argv.slice(2);
const root = join(__dirname, '..', 'dist', 'bench');
const available = existsSync(root) ? readdirSync(root).filter((d) => existsSync(join(root, d, 'run.js'))) : [];
if (!name || !available.includes(name)) {
  console.error(`usage: npm run bench -- NAME   (available: ${available.join(', ') || 'none'})`);
  process.exit(2);
}
const result = spawnSync(process.execPath, [join(root, name, 'run.js'), ...rest], { stdio: 'inherit' });
process.exit(result.status === null ? 1 : result.status);
