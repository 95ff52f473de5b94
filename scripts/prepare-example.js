#!/usr/bin/env node
'use strict';
// prestart: copy dash.js (with its Smooth Streaming bundle) from node_modules into the bundled
// example's DocumentRoot, so the demo page plays without reaching the internet. The copies are
// build outputs (gitignored).
const { copyFileSync, existsSync, mkdirSync } = require('node:fs');
const { join } = require('node:path');
const root = join(__dirname, '..');
const source = join(root, 'node_modules', 'dashjs', 'dist', 'modern', 'umd');
const target = join(root, 'conf', 'example', 'htdocs', 'vendor');
if (!existsSync(join(source, 'dash.all.min.js'))) {
  console.warn('prepare-example: dashjs is not installed (npm ci); the Smooth Streaming demo page will not play');
  process.exit(0);
}
mkdirSync(target, { recursive: true });
for (const file of ['dash.all.min.js', 'dash.mss.min.js']) copyFileSync(join(source, file), join(target, file));
