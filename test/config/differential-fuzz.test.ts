/**
 * Seeded fuzz against `apache2 -t`: a random known directive with random words in a random
 * context. We must never refuse what Apache accepts (a false reject would stop a working site);
 * the other direction is reported by ./differential.test.ts for hand-written cases. Runs
 * SG_DIFF_FUZZ_RUNS cases (default 60; each run loads every module, ~80 ms) with a fixed seed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { MODULES } from '../../src/config';
import { judge } from './apache-oracle';

const MODULES_DIR = '/usr/lib/apache2/modules';
const BUILTIN = new Set(['core', 'so', 'watchdog', 'http', 'log_config', 'logio', 'version', 'unixd']);
const WORDS = ['on', 'Off', '1', 'x', '/a', 'text/html', '.y', 'http://127.0.0.1:9/', 'all', 'granted', 'a=b', '"q r"', '300'];
const CONTEXTS: ReadonlyArray<(line: string) => string> = [
  (l) => l,
  (l) => `<Directory /a>\n${l}\n</Directory>`,
  (l) => `<Location /l>\n${l}\n</Location>`,
  (l) => `<Files f>\n${l}\n</Files>`,
  (l) => `<VirtualHost *:8080>\n${l}\n</VirtualHost>`,
];

test('seeded directive fuzz: no configuration Apache accepts is refused', { skip: existsSync('/usr/sbin/apache2') ? false : 'apache2 not installed' }, () => {
  const available = new Set(readdirSync(MODULES_DIR).map((f) => f.replace(/^mod_/, '').replace(/\.so$/, '')));
  const loadable = MODULES.map((m) => m.id.replace(/_module$/, '')).filter((n) => available.has(n) && !n.startsWith('mpm_') && !/php|rewrite/.test(n));
  const names: string[] = [];
  for (const m of MODULES) {
    const short = m.id.replace(/_module$/, '');
    if (!loadable.includes(short) && !BUILTIN.has(short)) continue;
    for (const d of m.directives) if (!d.section && !d.execOnRead && !/^(Rewrite|Include|Define|UnDefine|Error$)/.test(d.name)) names.push(d.name);
  }
  let seed = 12345;
  const random = (): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const falseRejects: string[] = [];
  const runs = Number(process.env['SG_DIFF_FUZZ_RUNS'] ?? 60);
  for (let i = 0; i < runs; i++) {
    const words = Array.from({ length: Math.floor(random() * 4) }, () => pick(WORDS));
    const conf = pick(CONTEXTS)(`${pick(names)} ${words.join(' ')}`.trim());
    const verdict = judge({ name: 'fuzz', conf, modules: loadable });
    if (verdict.apacheOk && !verdict.oursOk) falseRejects.push(`${JSON.stringify(conf)}: ${verdict.ourMessage}`);
  }
  assert.deepEqual(falseRejects, []);
});
