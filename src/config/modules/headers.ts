/**
 * mod_headers (httpd modules/metadata/mod_headers.c header_cmd, header_inout_cmd,
 * merge_headers_config): `Header [always|onsuccess] action name [value] [replacement]
 * [early|env=[!]VAR|expr=…]`, RequestHeader likewise without the condition. Merge appends the
 * child's entries after the parent's. `expr=` conditions and values are recorded as unsupported.
 */
import { getWordConf, restOf } from '../lexer';
import type { CmdParms, DirectiveDef, ModuleDef } from '../module';
import { compileApacheRegex } from '../regex';
import { checkBoolExpression } from '../expr-syntax';
import type { HeaderAction, HeaderDirective, HeadersDirConf } from '../records';
import { directive, fail, orClass } from './define';

type HeadersDirective = DirectiveDef<unknown, HeadersDirConf>;

const ACTIONS: readonly HeaderAction[] = ['set', 'setifempty', 'add', 'append', 'merge', 'unset', 'echo', 'edit', 'edit*', 'note'];

const FORMAT_TAGS = new Set(['D', 't', 'e', 's', 'l', 'i', 'b']);

/** parse_format_string/parse_format_tag: every %-tag must be one mod_headers registers. */
function checkFormat(value: string): void {
  if (value.startsWith('expr=')) return;
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '%') continue;
    i++;
    if (i >= value.length || value[i] === '%') continue;
    if (value[i] === '{') {
      const close = value.indexOf('}', i);
      i = close < 0 ? value.length : close + 1;
    }
    const tag = value[i] ?? '';
    if (!FORMAT_TAGS.has(tag)) throw fail(`Unrecognized header format %${tag}`);
  }
}

function headerCommand(p: CmdParms, dir: HeadersDirConf, raw: string, request: boolean): void {
  const cursor = { text: raw, pos: 0 };
  let action = getWordConf(cursor);
  let condition: 'onsuccess' | 'always' = 'onsuccess';
  if (!request) {
    if (action.toLowerCase() === 'always') {
      condition = 'always';
      action = getWordConf(cursor);
    } else if (action.toLowerCase() === 'onsuccess') action = getWordConf(cursor);
  }
  const header = getWordConf(cursor);
  let value: string | null = restOf(cursor) !== '' ? getWordConf(cursor) : null;
  let subs: string | null = restOf(cursor) !== '' ? getWordConf(cursor) : null;
  let envclause: string | null = restOf(cursor) !== '' ? getWordConf(cursor) : null;
  if (restOf(cursor) !== '') throw fail(`${p.directiveName} has too many arguments`);
  const act = ACTIONS.find((a) => a === action.toLowerCase());
  if (!act) throw fail("first argument must be 'add', 'set', 'setifempty', 'append', 'merge', 'unset', 'echo', 'note', 'edit', or 'edit*'.");
  let editRegex: RegExp | null = null;
  let editReplacement: string | null = null;
  if (act === 'edit' || act === 'edit*') {
    if (subs === null) throw fail('Header edit requires a match and a substitution');
    editRegex = compileApacheRegex(value as string);
    if (!editRegex) throw fail('Header edit regex could not be compiled');
    editReplacement = subs;
  } else {
    if (envclause !== null) throw fail('Too many arguments to directive');
    envclause = subs;
    subs = null;
  }
  if (act === 'unset') {
    if (value !== null) {
      if (envclause !== null) throw fail('header unset takes two arguments');
      envclause = value;
      value = null;
    }
  } else if (act === 'echo') {
    if (value !== null) {
      if (envclause !== null) throw fail('Header echo takes two arguments');
      envclause = value;
      value = null;
    }
    if (request) throw fail('Header echo only valid on Header directives');
    if (!compileApacheRegex(header)) throw fail('Header echo regex could not be compiled');
  } else if (value === null) {
    throw fail('Header requires three arguments');
  }
  let envCondition: HeaderDirective['envCondition'] = null;
  let early = false;
  let exprCondition: string | undefined;
  if (envclause !== null) {
    const lower = envclause.toLowerCase();
    if (lower === 'early') early = true;
    else if (lower.startsWith('env=')) {
      const name = envclause.slice(4);
      if (name === '' || name === '!') throw fail('error: missing environment variable name. envclause should be in the form env=envar ');
      envCondition = name.startsWith('!') ? { name: name.slice(1), negate: true } : { name, negate: false };
    } else if (lower.startsWith('expr=')) {
      const syntax = checkBoolExpression(envclause.slice(5));
      if (syntax) throw fail(`Can't parse envclause/expression: ${syntax}`);
      p.note?.('unsupported', `${p.directiveName} ${header}: expr= conditions are not evaluated (the header is never applied)`);
      exprCondition = envclause.slice(5);
    } else throw fail(`Unknown parameter: ${envclause}`);
  }
  if (act === 'edit' || act === 'edit*') checkFormat(editReplacement as string);
  else if (value !== null) checkFormat(value);
  if (value !== null && value.startsWith('expr=')) p.note?.('unsupported', `${p.directiveName} ${header}: expr= values are not evaluated`);
  const entry: HeaderDirective = {
    action: act,
    header,
    value,
    editRegex,
    editReplacement,
    condition,
    envCondition,
    early,
    where: p.where,
    ...(exprCondition === undefined ? {} : { exprCondition }),
  };
  if (request) dir.requestHeaders = [...dir.requestHeaders, entry];
  else dir.responseHeaders = [...dir.responseHeaders, entry];
}

const DIRECTIVES: HeadersDirective[] = [
  directive('Header', orClass('FileInfo'), 'raw', 'an optional condition, an action, header and value followed by optional env clause', (p, dir, _s, [raw]) => headerCommand(p, dir, raw as string, false)),
  directive('RequestHeader', orClass('FileInfo'), 'raw', 'an action, header and value followed by optional env clause', (p, dir, _s, [raw]) => headerCommand(p, dir, raw as string, true)),
];

export const headersModule: ModuleDef<unknown, HeadersDirConf> = {
  id: 'headers_module',
  sourceName: 'mod_headers.c',
  createDirConfig: () => ({ responseHeaders: [], requestHeaders: [] }),
  mergeDirConfig: (base, add) => ({
    responseHeaders: base.responseHeaders.length === 0 ? add.responseHeaders : [...base.responseHeaders, ...add.responseHeaders],
    requestHeaders: base.requestHeaders.length === 0 ? add.requestHeaders : [...base.requestHeaders, ...add.requestHeaders],
  }),
  directives: DIRECTIVES,
};
