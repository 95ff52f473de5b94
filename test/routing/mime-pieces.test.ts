/** mod_mime's find_ct reads every piece after the first '.', left to right, skipping empty ones. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MODULE_IDS } from '../../src/config/records';
import { mimeTypeChecker } from '../../src/routing/phases/mime';
import type { RequestRec } from '../../src/routing/request-rec';

/** The pieces as `name.replace(/^\.+/, '').split('.').slice(1)` (non-empty) gives them. */
function referencePieces(name: string): string[] {
  return name.replace(/^\.+/, '').split('.').slice(1).filter((p) => p !== '');
}

test('the extensions mod_mime looks at, in order, for any file name', () => {
  const exts = ['a', 'b', 'gz', 'x'];
  // Each known extension maps to an encoding named after it: contentEncoding lists the pieces seen.
  const extensions = new Map(exts.map((e) => [e, { encoding: e }]));
  fc.assert(
    fc.property(fc.array(fc.constantFrom('.', 'a', 'b', 'gz', 'x'), { maxLength: 12 }), (parts) => {
      const name = parts.join('');
      const r = {
        finfo: null, filename: `/d/${name}`, pathInfo: '', handler: null, contentType: null, contentEncoding: null,
        perDirConfig: { [MODULE_IDS.mime]: { extensions } },
        server: { moduleConfig: { [MODULE_IDS.mime]: { types: new Map() } } },
      } as unknown as RequestRec;
      mimeTypeChecker(r);
      const expected = referencePieces(name).filter((p) => exts.includes(p));
      assert.equal(r.contentEncoding, expected.length === 0 ? null : expected.join(', '), name);
    }),
    { numRuns: 3000 },
  );
});
