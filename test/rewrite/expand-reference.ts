/**
 * The scan-as-you-go do_expand that src/rewrite/expand.ts had before templates were parsed once
 * (kept as the reference its parsed form must agree with; see expand-differential.test.ts).
 */
import type { RuleFlags } from '../../src/rewrite/flags';
import type { RewriteCtx } from '../../src/rewrite/context';
import { lookupVariable } from '../../src/rewrite/variables';
import { lookupMap } from '../../src/rewrite/maps';
import { escapeBackref } from '../../src/rewrite/uri';

export interface Expansion {
  readonly text: string;
  /** -1: no '?' seen; 0: it was literal; 1: it came from an expansion. */
  readonly unsafeQmark: -1 | 0 | 1;
}

const SPECIALS = '\\$%';

function findClosingCurly(s: string, from: number): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    if (s[i] === '}' && --depth === 0) return i;
    if (s[i] === '{') depth++;
  }
  return -1;
}

function findCharInCurlies(s: string, from: number, c: string): number {
  let depth = 1;
  for (let i = from; i < s.length; i++) {
    if (s[i] === c && depth === 1) return i;
    if (s[i] === '}' && --depth === 0) return -1;
    if (s[i] === '{') depth++;
  }
  return -1;
}

function spanTo(s: string, from: number, set: string): number {
  let i = from;
  while (i < s.length && !set.includes(s[i]!)) i++;
  return i;
}

export function referenceExpand(input: string, ctx: RewriteCtx, rule: Readonly<RuleFlags> | null, trackQmark: boolean): Expansion {
  let tracking = trackQmark;
  let unsafe: -1 | 0 | 1 = -1;
  const qsLast = rule?.qsLast ?? false;
  let out = '';
  let p = 0;

  const literalRun = (): void => {
    let end = spanTo(input, p, tracking ? SPECIALS + '?' : SPECIALS);
    if (tracking && input[end] === '?') {
      unsafe = 0;
      if (!qsLast) tracking = false;
      end = spanTo(input, end, SPECIALS);
    }
    out += input.slice(p, end);
    p = end;
  };

  literalRun();
  while (p < input.length) {
    let piece = '';
    let expanded = false;
    const c = input[p]!;
    if (c === '\\') {
      if (p + 1 >= input.length) {
        out += '\\';
        p++;
        break;
      }
      piece = input[p + 1]!;
      p += 2;
    } else if (input[p + 1] === '{') {
      const end = findClosingCurly(input, p + 2);
      if (end < 0) {
        piece = input.slice(p, p + 2);
        p += 2;
      } else if (c === '%') {
        piece = lookupVariable(input.slice(p + 2, end), ctx);
        expanded = true;
        p = end + 1;
      } else {
        const colon = findCharInCurlies(input, p + 2, ':');
        if (colon < 0) {
          piece = input.slice(p, p + 2);
          p += 2;
        } else {
          const mapName = input.slice(p + 2, colon);
          const inner = input.slice(colon + 1, end);
          const bar = findCharInCurlies(inner + '}', 0, '|');
          const keyText = bar < 0 ? inner : inner.slice(0, bar);
          const dflt = bar < 0 ? null : inner.slice(bar + 1);
          let value = lookupMap(ctx.r, mapName, referenceExpand(keyText, ctx, rule, false).text);
          if (value === null && dflt !== null && dflt !== '') value = referenceExpand(dflt, ctx, rule, false).text;
          piece = value ?? '';
          expanded = true;
          p = end + 1;
        }
      }
    } else if (/[0-9]/.test(input[p + 1] ?? '')) {
      const n = Number(input[p + 1]);
      const groups = c === '$' ? ctx.ruleGroups : ctx.condGroups;
      const g = groups?.[n];
      if (g !== undefined && g !== '') {
        piece = rule?.escapeBackrefs
          ? escapeBackref(g, { escapeChars: rule.escapeChars, noEscapeChars: rule.noEscapeChars, noPlus: rule.escapeNoPlus, ctls: rule.escapeCtls })
          : g;
        expanded = true;
      }
      p += 2;
    } else {
      piece = c;
      p++;
    }
    out += piece;
    if (tracking && expanded && piece.includes('?')) {
      unsafe = 1;
      if (!qsLast) tracking = false;
    }
    literalRun();
  }
  return { text: out, unsafeQmark: unsafe };
}
