'use strict';
// The closing table of `npm run test:reliability` (issue 6): one row per suite from the tallies the
// suites wrote (test/reliability/lib/summary.ts), then every violation. Returns the number of
// violations so the runner fails even if a test forgot to assert one.
const { readdirSync, readFileSync, existsSync } = require('node:fs');
const { join } = require('node:path');

function mb(bytes) {
  return bytes === null || bytes === undefined ? '-' : `${(bytes / 1048576).toFixed(0)} MB`;
}

function printSummary(dir) {
  const tallies = existsSync(dir)
    ? readdirSync(dir).filter((f) => f.endsWith('.json')).sort().map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')))
    : [];
  const rows = [['suite', 'cases', 'statuses seen', 'crashes', 'hangs', 'leaks', 'fds start→end', 'RSS start→end', 'p99']];
  let violations = 0;
  for (const t of tallies) {
    const statuses = Object.entries(t.statuses).sort().map(([k, v]) => `${k}×${v}`).join(' ');
    rows.push([
      t.suite, String(t.cases), statuses || '-', String(t.crashes), String(t.hangs), String(t.leaks),
      t.fdStart === null ? '-' : `${t.fdStart}→${t.fdEnd ?? "-"}`,
      t.rssStartBytes === null ? '-' : `${mb(t.rssStartBytes)}→${mb(t.rssEndBytes)}`,
      t.p99Ms === null ? '-' : `${t.p99Ms.toFixed(1)} ms`,
    ]);
    violations += t.violations.length;
  }
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  console.log('\nreliability summary');
  for (const [n, r] of rows.entries()) {
    console.log('| ' + r.map((c, i) => c.padEnd(widths[i])).join(' | ') + ' |');
    if (n === 0) console.log('| ' + widths.map((w) => '-'.repeat(w)).join(' | ') + ' |');
  }
  for (const t of tallies) for (const note of t.notes) console.log(`${t.suite}: ${note}`);
  for (const t of tallies) for (const v of t.violations) console.log(`VIOLATION ${t.suite}: ${v}`);
  if (tallies.length === 0) console.log('(no suite wrote a tally)');
  return violations;
}

module.exports = { printSummary };
