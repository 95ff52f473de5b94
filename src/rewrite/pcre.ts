/**
 * PCRE2 → JavaScript RegExp, for the patterns of RewriteRule and RewriteCond.
 *
 * Apache compiles with ap_regcomp (server/util_pcre.c), which adds the default options of
 * `RegexDefaultOptions` — DOTALL and DOLLAR_ENDONLY — so `.` matches every character including
 * newline (JS flag `s`) and `$` matches only at the very end of the subject (JS `$` without `m`:
 * exactly that). `\Z` keeps PCRE's "end or before a final newline" meaning and is translated to a
 * lookahead. Apache passes no UTF flag, so PCRE works on bytes with its C-locale tables: `\s`,
 * `\w`, `\d`, POSIX classes and case folding are ASCII-only; JS `\s` is Unicode-wide, so it is
 * spelt out. Case-insensitivity ([NC], `(?i)`, `(?i:…)`) is not JS's `i` flag (which would also
 * fold é/É, unlike PCRE's C tables) but an expansion of ASCII letters: `a` → `[aA]`, classes get
 * both cases; a back-reference under case-insensitivity is refused. `(?s)`/`(?-s)` act locally.
 *
 * Translation keeps PCRE's group numbers: atomic groups and possessive quantifiers (which JS lacks)
 * become `(?=(X))\k`, adding JS groups; `groupMap` maps PCRE group n to its JS index.
 * Constructs with no equivalent (recursion, conditionals, verbs, \G, \K, \p, inline option changes
 * in mid-pattern, branch reset) are refused: the caller reports a configuration error.
 */

import { classOf, literal, rangesText, SPACE, HSPACE, VSPACE, WORD, isLetter } from './pcre-sets';
import { readCharEscape, readClass, Refusal } from './pcre-scan';

export interface CompiledRegex {
  readonly source: string; // the PCRE text as written
  readonly regex: RegExp;
  /** groupMap[n] = JS group index of PCRE group n (groupMap[0] = 0). */
  readonly groupMap: readonly number[];
}

export type TranslateResult = { ok: true; value: CompiledRegex } | { ok: false; reason: string };

class Translator {
  pos = 0;
  private out = '';
  private pcreGroups = 0;
  private jsGroups = 0;
  private readonly groupMap: number[] = [0];
  private readonly open: Array<{
    kind: 'plain' | 'atomic' | 'assertion';
    jsIndex: number;
    outStart: number;
    groupsBefore: number;
    icase: boolean;
    dotall: boolean;
    /** PCRE number of a capturing group. */
    pcre?: number;
  }> = [];
  private readonly closedGroups = new Set<number>();
  /** Named groups → PCRE numbers. */
  private readonly names = new Map<string, number>();
  /** Output start of the last repeatable atom and the JS group count before it (null: none). */
  private lastAtom: { outStart: number; groupsBefore: number; assertion?: boolean } | null = null;
  private readonly backrefs: Array<{ marker: string; pcre: number }> = [];
  /** JS flags: DOTALL always; `m` only from a leading (?m). */
  flags = 's';
  /** Local options (PCRE option changes last to the end of the enclosing group). */
  private icase: boolean;
  private dotall = true;
  private readonly totalGroups: number;

  constructor(readonly src: string, noCase: boolean) {
    this.icase = noCase;
    this.totalGroups = (src.match(/\((?!\?)|\(\?P?<[A-Za-z_]|\(\?'/g) ?? []).length;
  }

  run(): TranslateResult {
    try {
      this.leadingOptions();
      while (this.pos < this.src.length) this.step();
      if (this.open.length > 0) return { ok: false, reason: 'missing closing parenthesis' };
      let source = this.out;
      for (const b of this.backrefs) {
        const js = this.groupMap[b.pcre];
        if (js === undefined) return { ok: false, reason: `reference to non-existent subpattern ${b.pcre}` };
        source = source.replace(b.marker, `(?:\\${js})`);
      }
      const regex = new RegExp(source, this.flags);
      return { ok: true, value: { source: this.src, regex, groupMap: this.groupMap } };
    } catch (err) {
      return { ok: false, reason: err instanceof Refusal ? err.message : (err as Error).message };
    }
  }

  /** `(?m)` is only accepted at the very start (a RegExp flag); i and s are handled locally. */
  private leadingOptions(): void {
    const m = /^\(\?([a-zA-Z-]*)\)/.exec(this.src);
    if (!m || !/m/.test(m[1]!.split('-')[0]!)) return;
    if (/m/.test(m[1]!.split('-')[1] ?? '')) return;
    this.flags += 'm';
    this.pos += m[0].length;
    this.setOptions(m[1]!.replace('m', ''));
  }

  /** Applies an option string such as "i", "-i", "is-s"; refuses what cannot be expressed. */
  private setOptions(text: string): void {
    let on = true;
    for (const c of text) {
      if (c === '-') on = false;
      else if (c === 'i') this.icase = on;
      else if (c === 's') this.dotall = on;
      else if (c === 'm' && on === this.flags.includes('m')) continue;
      else if (c === 'U' || c === 'x' || c === 'J' || c === 'n' || c === 'm') {
        throw new Refusal(`inline option (?${text}) has no JavaScript equivalent`);
      } else throw new Refusal(`unrecognized character after (? or (?-`);
    }
  }

  /** A literal character outside a class, case-expanded when case-insensitive. */
  private lit(code: number): string {
    if (this.icase && isLetter(code)) return `[${String.fromCharCode(code | 0x20)}${String.fromCharCode(code & ~0x20)}]`;
    return literal(code);
  }

  private atomStart(): { outStart: number; groupsBefore: number } {
    return { outStart: this.out.length, groupsBefore: this.jsGroups };
  }

  private step(): void {
    const c = this.src[this.pos]!;
    switch (c) {
      case '\\': {
        const start = this.atomStart();
        const repeatable = this.escape(false);
        this.lastAtom = repeatable ? start : null;
        return;
      }
      case '[': {
        const start = this.atomStart();
        this.out += readClass(this, this.icase);
        this.lastAtom = start;
        return;
      }
      case '(':
        this.groupOpen();
        return;
      case ')':
        this.groupClose();
        return;
      case '*':
      case '+':
      case '?':
        this.quantifier(c);
        return;
      case '{': {
        const m = /^\{(\d+)(,(\d*))?\}/.exec(this.src.slice(this.pos));
        if (m) {
          this.quantifier(m[0]);
          return;
        }
        const start = this.atomStart();
        this.out += '\\{';
        this.pos++;
        this.lastAtom = start;
        return;
      }
      case '|':
        this.out += '|';
        this.pos++;
        this.lastAtom = null;
        return;
      case '^':
      case '$':
        this.out += c;
        this.pos++;
        this.lastAtom = null;
        return;
      case '.': {
        const start = this.atomStart();
        this.out += this.dotall ? '.' : '[^\\n]';
        this.pos++;
        this.lastAtom = start;
        return;
      }
      default: {
        const start = this.atomStart();
        this.out += this.lit(c.charCodeAt(0));
        this.pos++;
        this.lastAtom = start;
      }
    }
  }

  private quantifier(q: string): void {
    if (!this.lastAtom) throw new Refusal('quantifier does not follow a repeatable item');
    this.pos += q.length;
    let text = q;
    if (q.startsWith('{')) {
      const m = /^\{(\d+)(,(\d*))?\}$/.exec(q)!;
      if (m[3] !== undefined && m[3] !== '' && Number(m[3]) < Number(m[1])) {
        throw new Refusal('numbers out of order in {} quantifier');
      }
    }
    if (this.lastAtom.assertion) {
      // PCRE2: a quantified assertion with minimum 0 is skipped, otherwise it counts once.
      // JS cannot quantify a lookbehind, so apply that rule here.
      if (this.src[this.pos] === '?' || this.src[this.pos] === '+') this.pos++;
      const min = q === '*' || q === '?' ? 0 : q === '+' ? 1 : Number(/^\{(\d+)/.exec(q)![1]);
      if (min === 0) {
        if (this.jsGroups !== this.lastAtom.groupsBefore) {
          throw new Refusal('an optional assertion containing capture groups has no JavaScript equivalent');
        }
        this.out = this.out.slice(0, this.lastAtom.outStart);
      }
      this.lastAtom = null;
      return;
    }
    const next = this.src[this.pos];
    if (next === '?') {
      text += '?';
      this.pos++;
    } else if (next === '+') {
      // Possessive: X*+ ≡ (?=(X*))\k — only when X holds no capture group (numbering stays simple).
      this.pos++;
      if (this.jsGroups !== this.lastAtom.groupsBefore) {
        throw new Refusal('possessive quantifier on a group with captures has no JavaScript equivalent');
      }
      const atom = this.out.slice(this.lastAtom.outStart);
      this.out = this.out.slice(0, this.lastAtom.outStart);
      const k = ++this.jsGroups;
      this.out += `(?:(?=(${atom}${text}))\\${k})`;
      this.lastAtom = null;
      return;
    }
    this.out += text;
    this.lastAtom = null;
  }

  private groupOpen(): void {
    const rest = this.src.slice(this.pos);
    const start = this.atomStart();
    if (rest.startsWith('(*')) throw new Refusal('backtracking control verbs (*…) have no JavaScript equivalent');
    if (!rest.startsWith('(?')) {
      this.pos++;
      this.captureOpen(start, '(');
      return;
    }
    let m: RegExpExecArray | null;
    if ((m = /^\(\?#[^)]*\)/.exec(rest))) {
      this.pos += m[0].length; // comment
      return;
    }
    if ((m = /^\(\?(?:P<|<(?![=!])|')([A-Za-z_][A-Za-z0-9_]*)[>']/.exec(rest))) {
      this.pos += m[0].length;
      this.captureOpen(start, `(?<${m[1]}>`);
      this.names.set(m[1]!, this.pcreGroups);
      return;
    }
    if ((m = /^\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/.exec(rest))) {
      if (this.icase) throw new Refusal('a back-reference in a case-insensitive pattern has no JavaScript equivalent');
      this.pos += m[0].length;
      this.out += this.namedBackref(m[1]!);
      this.lastAtom = start;
      return;
    }
    const simple: Array<[string, string]> = [['(?:', '(?:'], ['(?=', '(?='], ['(?!', '(?!'], ['(?<=', '(?<='], ['(?<!', '(?<!']];
    for (const [pcre, js] of simple) {
      if (rest.startsWith(pcre)) {
        this.pos += pcre.length;
        this.out += js;
        const kind = pcre === '(?:' ? 'plain' : 'assertion';
        this.open.push({ kind, jsIndex: -1, outStart: start.outStart, groupsBefore: start.groupsBefore, icase: this.icase, dotall: this.dotall });
        this.lastAtom = null;
        return;
      }
    }
    if (rest.startsWith('(?>')) {
      this.pos += 3;
      const k = ++this.jsGroups;
      // Wrapped in (?:…) so that a quantifier after the atomic group covers the whole emulation.
      this.out += '(?:(?=(';
      this.open.push({ kind: 'atomic', jsIndex: k, outStart: start.outStart, groupsBefore: start.groupsBefore, icase: this.icase, dotall: this.dotall });
      this.lastAtom = null;
      return;
    }
    if ((m = /^\(\?([a-zA-Z]*(?:-[a-zA-Z]*)?):/.exec(rest))) {
      // (?flags:…): the options hold inside the group only.
      this.pos += m[0].length;
      this.out += '(?:';
      this.open.push({ kind: 'plain', jsIndex: -1, outStart: start.outStart, groupsBefore: start.groupsBefore, icase: this.icase, dotall: this.dotall });
      this.setOptions(m[1]!);
      this.lastAtom = null;
      return;
    }
    if ((m = /^\(\?([a-zA-Z]*(?:-[a-zA-Z]*)?)\)/.exec(rest))) {
      // (?flags): to the end of the enclosing group (restored when it closes). Not repeatable.
      this.pos += m[0].length;
      this.setOptions(m[1]!);
      this.lastAtom = null;
      return;
    }
    if (rest.startsWith('(?|')) throw new Refusal('branch reset groups (?|…) have no JavaScript equivalent');
    if (rest.startsWith('(?(')) throw new Refusal('conditional groups (?(…)…) have no JavaScript equivalent');
    if (/^\(\?(R|[+-]?\d|&|P>)/.test(rest)) throw new Refusal('recursion and subroutine calls have no JavaScript equivalent');
    throw new Refusal(`unsupported group syntax near '${rest.slice(0, 6)}'`);
  }

  private captureOpen(start: { outStart: number; groupsBefore: number }, text: string): void {
    const k = ++this.jsGroups;
    this.groupMap[++this.pcreGroups] = k;
    this.out += text;
    this.open.push({ kind: 'plain', jsIndex: k, outStart: start.outStart, groupsBefore: start.groupsBefore, icase: this.icase, dotall: this.dotall, pcre: this.pcreGroups });
    this.lastAtom = null;
  }

  /**
   * A back-reference. PCRE fails on a group that has not been set, JS matches the empty string:
   * references to a group not yet closed are refused; a closed group that did not take part
   * (an untaken alternative) is the remaining, documented divergence.
   */
  private namedBackref(name: string): string {
    const n = this.names.get(name);
    if (n === undefined) throw new Refusal(`a reference to group '${name}' before it is closed has no JavaScript equivalent`);
    return this.backref(n);
  }

  private backref(n: number): string {
    if (!this.closedGroups.has(n)) throw new Refusal(`a reference to group ${n} before it is closed has no JavaScript equivalent`);
    const marker = `\u0000BR${this.backrefs.length}\u0000`;
    this.backrefs.push({ marker, pcre: n });
    return marker;
  }

  private groupClose(): void {
    const g = this.open.pop();
    if (!g) throw new Refusal('unmatched closing parenthesis');
    this.pos++;
    this.out += g.kind === 'atomic' ? `))\\${g.jsIndex})` : ')';
    this.icase = g.icase;
    this.dotall = g.dotall;
    if (g.pcre !== undefined) this.closedGroups.add(g.pcre);
    this.lastAtom = { outStart: g.outStart, groupsBefore: g.groupsBefore, assertion: g.kind === 'assertion' };
  }

  /** An escape outside a class; returns whether the result is repeatable. */
  private escape(inClass: boolean): boolean {
    const src = this.src;
    const c = src[this.pos + 1];
    if (c === undefined) throw new Refusal('\\ at end of pattern');
    this.pos += 2;
    const emit = (s: string): boolean => {
      this.out += s;
      return true;
    };
    switch (c) {
      case 'd': return emit('[0-9]');
      case 'D': return emit('[^0-9]');
      case 'w': return emit(classOf(WORD));
      case 'W': return emit(`[^${rangesText(WORD)}]`);
      case 's': return emit(classOf(SPACE));
      case 'S': return emit(`[^${rangesText(SPACE)}]`);
      case 'h': return emit(classOf(HSPACE));
      case 'H': return emit(`[^${rangesText(HSPACE)}]`);
      case 'v': return emit(classOf(VSPACE));
      case 'V': return emit(`[^${rangesText(VSPACE)}]`);
      case 'N': return emit('[^\\n]');
      case 'R': return emit('(?:\\r\\n|[\\n\\v\\f\\r\\u0085])');
      case 'b': this.out += '\\b'; return false;
      case 'B': this.out += '\\B'; return false;
      case 'A': this.out += '(?<![\\s\\S])'; return false;
      case 'z': this.out += '(?![\\s\\S])'; return false;
      case 'Z': this.out += '(?=\\n?(?![\\s\\S]))'; return false;
      case 'Q': {
        const end = src.indexOf('\\E', this.pos);
        const text = end < 0 ? src.slice(this.pos) : src.slice(this.pos, end);
        this.pos = end < 0 ? src.length : end + 2;
        if (text.length === 0) return false;
        // The quantifier after \Q…\E applies to its last character only.
        for (let i = 0; i < text.length - 1; i++) this.out += this.lit(text.charCodeAt(i));
        return emit(this.lit(text.charCodeAt(text.length - 1)));
      }
      case 'E': return false; // a stray \E is ignored by PCRE
      case 'g': case 'k': return emit(this.namedOrNumberedBackref(c));
      case 'G': case 'K': case 'C': case 'X': case 'p': case 'P':
        throw new Refusal(`\\${c} has no JavaScript equivalent`);
      default: {
        const code = readCharEscape(this, c);
        if (code !== null) return emit(this.lit(code));
        if (/[1-9]/.test(c)) {
          this.pos--;
          const m = /^\d+/.exec(src.slice(this.pos))!;
          const n = Number(m[0]);
          if (n < 10 || n <= this.totalGroups) {
            this.pos += m[0].length;
            if (this.icase) throw new Refusal('a back-reference in a case-insensitive pattern has no JavaScript equivalent');
            return emit(this.backref(n));
          }
          const oct = /^[0-7]{1,3}/.exec(src.slice(this.pos));
          if (!oct) throw new Refusal(`reference to non-existent subpattern ${n}`);
          this.pos += oct[0].length;
          return emit(this.lit(parseInt(oct[0], 8) & 0xff));
        }
        if (/[A-Za-z0-9]/.test(c)) throw new Refusal(`unrecognized character follows \\: \\${c}`);
        return emit(literal(c.charCodeAt(0)));
      }
    }
  }

  private namedOrNumberedBackref(kind: string): string {
    const rest = this.src.slice(this.pos);
    if (this.icase) throw new Refusal('a back-reference in a case-insensitive pattern has no JavaScript equivalent');
    let m: RegExpExecArray | null;
    if (kind === 'k' && (m = /^(?:<([A-Za-z_]\w*)>|'([A-Za-z_]\w*)'|\{([A-Za-z_]\w*)\})/.exec(rest))) {
      this.pos += m[0].length;
      return this.namedBackref((m[1] ?? m[2] ?? m[3])!);
    }
    if (kind === 'g' && (m = /^(?:\{(-?\d+)\}|(-?\d+))/.exec(rest))) {
      this.pos += m[0].length;
      let n = Number(m[1] ?? m[2]);
      if (n < 0) n = this.pcreGroups + 1 + n;
      return this.backref(n);
    }
    if (kind === 'g' && (m = /^\{([A-Za-z_]\w*)\}/.exec(rest))) {
      this.pos += m[0].length;
      return this.namedBackref(m[1]!);
    }
    throw new Refusal(`\\${kind} subroutine call or malformed reference has no JavaScript equivalent`);
  }


}


/** Translates one PCRE pattern; `noCase` is Apache's AP_REG_ICASE ([NC]). */
export function translatePcre(pattern: string, noCase: boolean): TranslateResult {
  return new Translator(pattern, noCase).run();
}

/**
 * Runs a compiled pattern; returns the PCRE-numbered groups (undefined for a group that did not
 * take part) or null when it does not match.
 */
export function execPcre(re: CompiledRegex, input: string): Array<string | undefined> | null {
  re.regex.lastIndex = 0;
  const m = re.regex.exec(input);
  if (!m) return null;
  const map = re.groupMap;
  const groups: Array<string | undefined> = new Array(map.length);
  for (let i = 0; i < map.length; i++) groups[i] = m[map[i]!];
  return groups;
}
