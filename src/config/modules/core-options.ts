/**
 * Options and AllowOverride parsing and merging (httpd server/core.c set_options, set_allow_opts,
 * set_override, merge_core_dir_configs). Kept as Apache's bit sets internally; the records expose
 * option-name sets as well (records.ts).
 */
import type { OptionName } from '../records';
import { fail } from './define';

export const OPT_INDEXES = 1;
export const OPT_INCLUDES = 2;
export const OPT_SYM_LINKS = 4;
export const OPT_EXECCGI = 8;
export const OPT_INC_WITH_EXEC = 32;
export const OPT_SYM_OWNER = 64;
export const OPT_MULTI = 128;
export const OPT_ALL = OPT_INDEXES | OPT_INCLUDES | OPT_INC_WITH_EXEC | OPT_SYM_LINKS | OPT_EXECCGI;
/** What may be set when nothing restricts it (core.c override_opts default). */
export const OPT_EVERYTHING = OPT_ALL | OPT_SYM_OWNER | OPT_MULTI;

/** Option keyword → bits (case-insensitive); undefined for an unknown word. */
export function optionBits(word: string): number | undefined {
  switch (word.toLowerCase()) {
    case 'indexes':
      return OPT_INDEXES;
    case 'includes':
      return OPT_INCLUDES | OPT_INC_WITH_EXEC;
    case 'includesnoexec':
      return OPT_INCLUDES;
    case 'followsymlinks':
      return OPT_SYM_LINKS;
    case 'symlinksifownermatch':
      return OPT_SYM_OWNER;
    case 'execcgi':
      return OPT_EXECCGI;
    case 'multiviews':
      return OPT_MULTI;
    case 'runscripts':
      return OPT_MULTI | OPT_EXECCGI;
    default:
      return undefined;
  }
}

const namesByBits = new Map<number, ReadonlySet<OptionName>>();

/**
 * Bits → the option names of records.ts ('Includes' = with exec, 'IncludesNOEXEC' = without).
 * Memoised: merges run per request level, and the sets are never mutated.
 */
export function optionNames(bits: number): ReadonlySet<OptionName> {
  let cached = namesByBits.get(bits);
  if (!cached) {
    cached = computeOptionNames(bits);
    namesByBits.set(bits, cached);
  }
  return cached;
}

function computeOptionNames(bits: number): Set<OptionName> {
  const names = new Set<OptionName>();
  if (bits & OPT_INDEXES) names.add('Indexes');
  if (bits & OPT_INCLUDES) names.add(bits & OPT_INC_WITH_EXEC ? 'Includes' : 'IncludesNOEXEC');
  if (bits & OPT_SYM_LINKS) names.add('FollowSymLinks');
  if (bits & OPT_SYM_OWNER) names.add('SymLinksIfOwnerMatch');
  if (bits & OPT_EXECCGI) names.add('ExecCGI');
  if (bits & OPT_MULTI) names.add('MultiViews');
  return names;
}

export function bitsOfNames(names: ReadonlySet<string>): number {
  let bits = 0;
  for (const name of names) bits |= optionBits(name) ?? 0;
  return bits;
}

export interface OptionsLine {
  /** Absolute value when the line had no +/- words (else null). */
  readonly absolute: number | null;
  readonly add: number;
  readonly remove: number;
}

/**
 * set_options: either all words carry +/- or none (after All/None the relative form is allowed);
 * `allowed` is AllowOverride's Options= restriction ("Option X not allowed here").
 */
export function parseOptionsLine(words: readonly string[], allowed: number, previous: { opts: number | null; add: number; remove: number }): OptionsLine {
  let opts = previous.opts;
  let add = previous.add;
  let remove = previous.remove;
  let first = true;
  let merge = false;
  let allNone = false;
  for (const raw of words) {
    let word = raw;
    let action: '+' | '-' | null = null;
    if (word.startsWith('+') || word.startsWith('-')) {
      action = word[0] as '+' | '-';
      word = word.slice(1);
      if (!merge && !first && !allNone) throw fail('Either all Options must start with + or -, or no Option may.');
      merge = true;
    } else if (first) {
      opts = 0;
    } else if (merge) {
      throw fail('Either all Options must start with + or -, or no Option may.');
    }
    let opt: number;
    const lower = word.toLowerCase();
    if (lower === 'none' || lower === 'all') {
      const label = lower === 'none' ? 'None' : 'All';
      if (!first) throw fail(lower === 'none' ? "'Options None' must be the first Option given." : "'Options All' must be the first option given.");
      if (merge) throw fail(`You may not use 'Options +${label}' or 'Options -${label}'.`);
      opt = lower === 'none' ? 0 : OPT_ALL;
      allNone = true;
    } else {
      const bits = optionBits(word);
      if (bits === undefined) throw fail(`Illegal option ${word}`);
      opt = bits;
    }
    if ((allowed & opt) !== opt) throw fail(`Option ${word} not allowed here`);
    if (action === '-') {
      remove |= opt;
      add &= ~opt;
      if (opts !== null) opts &= ~opt;
    } else if (action === '+') {
      add |= opt;
      remove &= ~opt;
      if (opts !== null) opts |= opt;
    } else {
      opts = (opts ?? 0) | opt;
    }
    first = false;
  }
  return { absolute: opts, add, remove };
}

/** set_allow_opts: "Options=Indexes,FollowSymLinks" of AllowOverride. */
export function parseAllowOpts(list: string): number {
  let bits = 0;
  for (const word of list.split(',')) {
    if (word === '') continue;
    const lower = word.toLowerCase();
    if (lower === 'none') continue;
    if (lower === 'all') {
      bits |= OPT_ALL;
      continue;
    }
    const opt = optionBits(word);
    if (opt === undefined) throw fail(`Illegal option ${word}`);
    bits |= opt;
  }
  return bits;
}
