#!/usr/bin/env node
'use strict';
require('../dist/src/cli/mp4split-main.js').main(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { process.stderr.write(`mp4split: ${err && err.stack ? err.stack : err}\n`); process.exitCode = 2; },
);
