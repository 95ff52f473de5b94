/**
 * Child process of redos.test.ts: compiles the Smooth Streaming seed rules, runs them per-dir on
 * an 8 KB crafted path and prints the elapsed milliseconds. Started with or without V8's
 * --enable-experimental-regexp-engine-on-excessive-backtracks.
 */
import { readFileSync } from 'node:fs';
import { applyRewriteList } from '../../src/rewrite/engine';
import type { RewriteDirConf } from '../../src/rewrite';
import { applyLine, makeRequest, newServer } from './helpers';
import { rewriteModule } from '../../src/rewrite';

const [seedPath, sizeText] = process.argv.slice(2);
const size = Number(sizeText ?? 8192);
const dir = '/srv/www/';
const server = newServer('/srv/www');
const conf: RewriteDirConf = rewriteModule.createDirConfig!(dir);
readFileSync(seedPath!, 'utf8').split('\n').forEach((line, i) => {
  if (/^Rewrite/i.test(line.trim())) applyLine(line.trim(), i + 1, server, conf, dir);
});
// Many '/', '.ism' and 'Fragments(' near-misses: the shape that makes (.*)/(.*)\.ism… backtrack.
const unit = 'a.ism/QualityLevels(1)/Fragments(x=1/';
let path = '';
while (path.length < size) path += unit;
path = path.slice(0, size) + 'Z';
const r = makeRequest({ target: '/x?q=1', server, filename: dir + path });
const start = process.hrtime.bigint();
applyRewriteList(r, conf.rules, dir);
const elapsedMs = Number(process.hrtime.bigint() - start) / 1e6;
process.stdout.write(JSON.stringify({ elapsedMs, rules: conf.rules.length }));
