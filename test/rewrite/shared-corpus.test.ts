/**
 * The shared conformance corpus (real Apache 2.4.71's answers) and our own
 * test/conformance/rewrite-engine.jsonl, run through the hooks with a small stand-in router
 * (mini-router.ts). Cases needing more of the routing core than the stand-in has are skipped
 * here; the lead's `smoothgate conformance` runs them all.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { readCases, runCase, supportsCase } from './corpus';

const projectRoot = resolve(__dirname, '..', '..', '..');
const sharedCases = resolve(projectRoot, '..', 'shared', 'conformance', 'rewrite-cases.jsonl');
const ownCases = resolve(projectRoot, 'test', 'conformance', 'rewrite-engine.jsonl');

/** Cases the stand-in router cannot reproduce (they need the real routing core). */
const NEEDS_ROUTING_CORE = new Set([
  'dir-dir-slash-rewrite', // mod_dir
  'hardening-htpasswd-denied', // access control
  'wordpress-htaccess', // access control (<FilesMatch> denies before the fixups)
  'drupal-module-file', // access control
  'drupal-web-config', // access control
  'errors-conf-unclosed', // the config reader
  're-proxy-NE', // mod_proxy refuses the raw space of a [P,NE] URL (403)
  're-pd-allownoslash', // mod_dir's DirectorySlash fixup answers 301 after the rewrite
  're-pd-noslash-skipped', // mod_dir
  're-empty-subst', // mod_dir: the result is the DocumentRoot directory, r->uri stays /e → 301 /e/
]);

for (const [label, file] of [['shared', sharedCases], ['own', ownCases]] as const) {
  test(`${label} conformance cases through the rewrite hooks`, { skip: !existsSync(file) && `${file} not present` }, () => {
    const failures: string[] = [];
    let ran = 0;
    for (const c of readCases(file)) {
      if (!supportsCase(c) || NEEDS_ROUTING_CORE.has(c.id)) continue;
      // The oracle's files are root-owned; ours are owned by whoever runs the tests.
      if (c.id === 're-pd-vars-owner' && process.getuid?.() !== 0) continue;
      ran++;
      const r = runCase(c);
      if (r.diffs.length > 0) failures.push(`${c.id}: ${r.diffs.join(' | ')}`);
    }
    assert.ok(ran > 0);
    assert.deepEqual(failures, []);
  });
}
