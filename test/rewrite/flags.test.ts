import { test } from 'node:test';
import assert from 'node:assert/strict';
import { atoi, defaultCondFlags, defaultRuleFlags, setCondFlag, setRuleFlag, splitFlagField } from '../../src/rewrite/flags';

function rule(field: string) {
  const f = defaultRuleFlags();
  const split = splitFlagField(field);
  if ('error' in split) return split.error;
  for (const [k, v] of split.entries) {
    const err = setRuleFlag(f, k, v);
    if (err) return err;
  }
  return f;
}

test('flag field: delimiters, trimming, values', () => {
  assert.deepEqual(splitFlagField('L'), { error: 'bad flag delimiters' });
  assert.deepEqual(splitFlagField('[L'), { error: 'bad flag delimiters' });
  assert.deepEqual(splitFlagField('[ L , R=301 ,E=a:b=c]'), { entries: [['L', ''], ['R', '301'], ['E', 'a:b=c']] });
});

test('rule flags: long and short names, case-insensitive', () => {
  const f = rule('[last,nc,QSA,qsdiscard,NE,ns,PT,end,dpi,unc,UnsafeAllow3F,unsafeprefixstat,chain]');
  assert.ok(typeof f !== 'string');
  assert.ok(f.last && f.noCase && f.qsAppend && f.qsDiscard && f.noEscape && f.noSubreq && f.passThrough);
  assert.ok(f.end && f.discardPathInfo && f.unc && f.unsafeAllow3F && f.unsafePrefixStat && f.chain);
});

test('rule flags: R codes, F, G, S, N=limit, B variants, T, H, CO, E', () => {
  const r = rule('[R=permanent]');
  assert.ok(typeof r !== 'string' && r.redirect && r.forcedStatus === 301 && !r.statusOnly);
  const s = rule('[R=404]');
  assert.ok(typeof s !== 'string' && s.statusOnly && s.noSub && s.forcedStatus === 404);
  assert.equal(rule('[R=399]'), "invalid HTTP response code '399' for flag 'R'");
  const g = rule('[G,S=3,N=7]');
  assert.ok(typeof g !== 'string' && g.forcedStatus === 410 && g.skip === 3 && g.next && g.maxRounds === 7);
  const b = rule('[B=&?,BNP,BNE=/,T=text/plain,H=x,CO=a:b:c,E=X:1,E=!Y]');
  assert.ok(typeof b !== 'string');
  assert.equal(b.escapeChars, '&?');
  assert.equal(b.noEscapeChars, '/');
  assert.ok(b.escapeBackrefs && b.escapeNoPlus);
  assert.deepEqual([b.forcedType, b.forcedHandler, b.cookies, b.env], ['text/plain', 'x', ['a:b:c'], ['X:1', '!Y']]);
  const c = rule('[BCTLS]');
  assert.ok(typeof c !== 'string' && c.escapeCtls && c.escapeBackrefs);
  assert.equal(rule('[BNE]'), "flag 'BNE' wants a list of characters (i.e. [BNE=...])");
});

test('rule flags: unknown flags are errors naming the flag', () => {
  assert.equal(rule('[QQ]'), "unknown flag 'QQ'");
  assert.equal(rule('[L,Bogus]'), "unknown flag 'Bogus'");
  assert.equal(rule('[]'), "unknown flag ''"); // as in Apache: the empty entry is a flag
});

test('condition flags', () => {
  const f = defaultCondFlags();
  assert.equal(setCondFlag(f, 'ornext', ''), null);
  assert.equal(setCondFlag(f, 'NV', ''), null);
  assert.equal(setCondFlag(f, 'nocase', ''), null);
  assert.ok(f.orNext && f.noVary && f.noCase);
  assert.equal(setCondFlag(f, 'L', ''), "unknown flag 'L'");
});

test('atoi behaves like C', () => {
  assert.equal(atoi(' 10'), 10);
  assert.equal(atoi('-3x'), -3);
  assert.equal(atoi('abc'), 0);
  assert.equal(atoi('+7'), 7);
  assert.equal(atoi(''), 0);
});
