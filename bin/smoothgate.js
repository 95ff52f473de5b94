#!/usr/bin/env node
'use strict';
// V8's linear-time regexp engine takes over when a backtracking match runs away, so a crafted
// URL against a site's RewriteRule patterns costs milliseconds, not minutes (Apache bounds PCRE
// with match limits for the same reason). Must be set before any RegExp is compiled.
require('node:v8').setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
require('../dist/src/cli/main.js').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`smoothgate: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 2; },
);
