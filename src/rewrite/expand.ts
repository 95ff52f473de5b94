/**
 * Expansion of substitutions, condition inputs and flag values (mod_rewrite.c `do_expand`):
 * `\x` escapes, `%{VAR}`, `${map:key|default}`, `$N` and `%N`, in a single pass so that text
 * coming from the request is never expanded again. With `trackQmark`, reports where the first
 * (with [QSL]: the last) '?' came from — a literal one is safe, one produced by an expansion is
 * the CVE-2024-38474 case (AH10508) — as 2.4.63's "better question mark tracking" does.
 */
import type { RuleFlags } from './flags';
import type { RewriteCtx } from './context';
import { lookupParsedVariable, parseVariableName } from './variables';
import type { VariableRef } from './variables';
import { lookupMap } from './maps';
import { escapeBackref } from './uri';

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

/**
 * One piece of a parsed template. Literal text from a run between specials is `tracked` (a '?' in
 * it is literal for the question-mark tracking); the text of an escape, of a lone special or of an
 * unclosed `%{`/`${` is not (do_expand copies those characters one by one, outside its scan).
 */
type Piece =
  | { readonly kind: 'literal'; readonly text: string; readonly tracked: boolean; readonly hasQmark: boolean }
  | { readonly kind: 'variable'; readonly ref: VariableRef }
  | { readonly kind: 'map'; readonly mapName: string; readonly keyText: string; readonly dflt: string | null }
  | { readonly kind: 'backref'; readonly rule: boolean; readonly n: number };

function literal(text: string, tracked: boolean): Piece {
  return { kind: 'literal', text, tracked, hasQmark: text.includes('?') };
}

/** Splits a template into pieces: what do_expand's scan finds depends only on the text. */
function parseTemplate(input: string): Piece[] {
  const pieces: Piece[] = [];
  let p = 0;
  const literalRun = (): void => {
    const end = spanTo(input, p, SPECIALS);
    if (end > p) pieces.push(literal(input.slice(p, end), true));
    p = end;
  };
  literalRun();
  while (p < input.length) {
    const c = input[p]!;
    if (c === '\\') {
      if (p + 1 >= input.length) {
        pieces.push(literal('\\', false));
        p++;
        break;
      }
      pieces.push(literal(input[p + 1]!, false));
      p += 2;
    } else if (input[p + 1] === '{') {
      const end = findClosingCurly(input, p + 2);
      if (end < 0) {
        pieces.push(literal(input.slice(p, p + 2), false));
        p += 2;
      } else if (c === '%') {
        pieces.push({ kind: 'variable', ref: parseVariableName(input.slice(p + 2, end)) });
        p = end + 1;
      } else {
        const colon = findCharInCurlies(input, p + 2, ':');
        if (colon < 0) {
          pieces.push(literal(input.slice(p, p + 2), false));
          p += 2;
        } else {
          const inner = input.slice(colon + 1, end);
          const bar = findCharInCurlies(inner + '}', 0, '|');
          pieces.push({
            kind: 'map',
            mapName: input.slice(p + 2, colon),
            keyText: bar < 0 ? inner : inner.slice(0, bar),
            dflt: bar < 0 ? null : inner.slice(bar + 1),
          });
          p = end + 1;
        }
      }
    } else if (/[0-9]/.test(input[p + 1] ?? '')) {
      pieces.push({ kind: 'backref', rule: c === '$', n: Number(input[p + 1]) });
      p += 2;
    } else {
      pieces.push(literal(c, false));
      p++;
    }
    literalRun();
  }
  return pieces;
}

/**
 * Parsed templates by text. Templates are configuration text (substitutions, condition inputs,
 * flag values), so parsing each once is enough; the bound only guards against unusual growth
 * (many reloads of different configurations), and a dropped entry is just parsed again.
 */
const templates = new Map<string, Piece[]>();
const MAX_TEMPLATES = 10_000;

function templateOf(input: string): Piece[] {
  let pieces = templates.get(input);
  if (pieces === undefined) {
    pieces = parseTemplate(input);
    if (templates.size >= MAX_TEMPLATES) templates.clear();
    templates.set(input, pieces);
  }
  return pieces;
}

/**
 * The literal run a template starts with, as it stands in the text (no escape in it), and whether
 * the template is nothing else; null when the template starts with a special.
 */
export function leadingLiteral(input: string): { readonly text: string; readonly whole: boolean } | null {
  const pieces = templateOf(input);
  const first = pieces[0];
  if (first === undefined || first.kind !== 'literal' || !first.tracked) return null;
  return { text: first.text, whole: pieces.length === 1 };
}

export function expand(input: string, ctx: RewriteCtx, rule: Readonly<RuleFlags> | null, trackQmark: boolean): Expansion {
  let tracking = trackQmark;
  let unsafe: -1 | 0 | 1 = -1;
  const qsLast = rule?.qsLast ?? false;
  const pieces = templateOf(input);
  // A template without expansions is its own text (the common `index.php`, `-`, `protossl:s`).
  if (pieces.length === 1 && pieces[0]!.kind === 'literal') {
    const only = pieces[0]!;
    return { text: only.text, unsafeQmark: tracking && only.tracked && only.hasQmark ? 0 : -1 };
  }
  let out = '';
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    let text: string;
    switch (piece.kind) {
      case 'literal':
        out += piece.text;
        if (tracking && piece.tracked && piece.hasQmark) {
          unsafe = 0;
          if (!qsLast) tracking = false;
        }
        continue;
      case 'variable':
        text = lookupParsedVariable(piece.ref, ctx);
        break;
      case 'map': {
        let value = lookupMap(ctx.r, piece.mapName, expand(piece.keyText, ctx, rule, false).text);
        if (value === null && piece.dflt !== null && piece.dflt !== '') value = expand(piece.dflt, ctx, rule, false).text;
        text = value ?? '';
        break;
      }
      case 'backref': {
        const groups = piece.rule ? ctx.ruleGroups : ctx.condGroups;
        const g = groups?.[piece.n];
        if (g === undefined || g === '') continue;
        text = rule?.escapeBackrefs
          ? escapeBackref(g, { escapeChars: rule.escapeChars, noEscapeChars: rule.noEscapeChars, noPlus: rule.escapeNoPlus, ctls: rule.escapeCtls })
          : g;
        break;
      }
    }
    out += text;
    if (tracking && text.includes('?')) {
      unsafe = 1;
      if (!qsLast) tracking = false;
    }
  }
  return { text: out, unsafeQmark: unsafe };
}
