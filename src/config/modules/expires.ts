/**
 * mod_expires (httpd modules/metadata/mod_expires.c check_code, set_expiresbytype,
 * merge_expires_dir_configs): codes compile to 'A<seconds>' / 'M<seconds>'; each keyword matches
 * by its first letter(s) as strncasecmp(word, "months", 2) does.
 */
import { getWordConf } from '../lexer';
import type { DirectiveDef, ModuleDef } from '../module';
import type { ExpiresDirConf } from '../records';
import { directive, fail, orClass } from './define';

const UNITS: ReadonlyArray<readonly [string, number, number]> = [
  ['years', 1, 60 * 60 * 24 * 365],
  ['months', 2, 60 * 60 * 24 * 30],
  ['weeks', 1, 60 * 60 * 24 * 7],
  ['days', 1, 60 * 60 * 24],
  ['hours', 1, 60 * 60],
  ['minutes', 2, 60],
  ['seconds', 1, 1],
];

/** strncasecmp(word, keyword, n) === 0: the first n characters agree (a shorter word never does). */
function prefixMatch(word: string, keyword: string, n: number): boolean {
  return word.slice(0, n).toLowerCase() === keyword.slice(0, n);
}

/** check_code: the compiled code, or throws with mod_expires' message. */
export function compileExpiresCode(code: string): string {
  if (code.startsWith('A') || code.startsWith('M')) return code;
  const cursor = { text: code, pos: 0 };
  let word = getWordConf(cursor);
  let base: 'A' | 'M';
  if (prefixMatch(word, 'now', 1) || prefixMatch(word, 'access', 1)) base = 'A';
  else if (prefixMatch(word, 'modification', 1)) base = 'M';
  else throw new Error(`bad expires code, unrecognised <base> '${word}'`);
  word = getWordConf(cursor);
  if (prefixMatch(word, 'plus', 1)) word = getWordConf(cursor);
  let seconds = 0;
  while (word !== '') {
    if (!/^[0-9]/.test(word)) throw new Error(`bad expires code, numeric value expected <num> '${word}'`);
    const num = parseInt(word, 10);
    word = getWordConf(cursor);
    if (word === '') throw new Error('bad expires code, missing <type>');
    const unit = UNITS.find(([name, n]) => prefixMatch(word, name, n));
    if (!unit) throw new Error(`bad expires code, unrecognised <type>'${word}'`);
    seconds += unit[2] * num;
    word = getWordConf(cursor);
  }
  return `${base}${seconds}`;
}

const INDEXES = orClass('Indexes');
const DIRECTIVES: DirectiveDef<unknown, ExpiresDirConf>[] = [
  directive('ExpiresActive', INDEXES, 'flag', 'Limited to \'on\' or \'off\'', (_p, dir, _s, [v]) => {
    dir.active = v === 'on';
  }),
  directive('ExpiresByType', INDEXES, 'take2', 'a MIME type followed by an expiry date code', (_p, dir, _s, [mime, code]) => {
    const slash = (mime as string).lastIndexOf('/');
    if (slash < 0) throw fail('Invalid mimetype: should contain a slash');
    try {
      const next = new Map(dir.byType);
      next.set((mime as string).toLowerCase(), compileExpiresCode(code as string));
      dir.byType = next;
    } catch (err) {
      throw fail(`'ExpiresByType ${mime} ${code}': ${(err as Error).message}`);
    }
  }),
  directive('ExpiresDefault', INDEXES, 'take1', 'an expiry date code', (_p, dir, _s, [code]) => {
    try {
      dir.default = compileExpiresCode(code as string);
    } catch (err) {
      throw fail(`'ExpiresDefault ${code}': ${(err as Error).message}`);
    }
  }),
];

export const expiresModule: ModuleDef<unknown, ExpiresDirConf> = {
  id: 'expires_module',
  sourceName: 'mod_expires.c',
  createDirConfig: () => ({ active: undefined, byType: new Map(), default: undefined }),
  mergeDirConfig: (base, add) => ({
    active: add.active ?? base.active,
    default: add.default ?? base.default,
    byType: new Map([...base.byType, ...add.byType]),
  }),
  directives: DIRECTIVES,
};
