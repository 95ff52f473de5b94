/**
 * mod_setenvif (httpd modules/metadata/mod_setenvif.c add_setenvif_core, add_envvars,
 * merge_setenvif_config): entries at server level go to the server record, in sections and
 * .htaccess to the per-dir record; merges append. SetEnvIfExpr is recorded as unsupported.
 */
import { getWordConf, restOf } from '../lexer';
import type { CmdParms, DirectiveDef, ModuleDef } from '../module';
import { compileApacheRegex } from '../regex';
import { checkBoolExpression } from '../expr-syntax';
import type { SetEnvIfConf, SetEnvIfEntry } from '../records';
import { directive, fail, orClass } from './define';

type SetEnvIfDirective = DirectiveDef<SetEnvIfConf, SetEnvIfConf>;

const SPECIAL = ['remote_addr', 'remote_host', 'request_uri', 'request_method', 'request_protocol', 'server_addr'];

function addEntry(p: CmdParms, dir: SetEnvIfConf, server: SetEnvIfConf, attribute: string, rest: string, noCase: boolean): void {
  const cursor = { text: rest, pos: 0 };
  const pattern = getWordConf(cursor);
  if (pattern === '') throw fail(`Missing regular expression for ${p.directiveName}`);
  const regex = compileApacheRegex(pattern, noCase);
  if (!regex) throw fail(`${p.directiveName} regex could not be compiled.`);
  const special = SPECIAL.includes(attribute.toLowerCase());
  const attributeIsRegex = !special && /[^-_A-Za-z0-9]/.test(attribute);
  if (attributeIsRegex && !compileApacheRegex(attribute, true)) throw fail(`${p.directiveName} Header name regex could not be compiled.`);
  const assignments: Array<readonly [string, string]> = [];
  for (let feature = getWordConf(cursor); feature !== ''; feature = getWordConf(cursor)) {
    const eq = feature.indexOf('=');
    const name = eq < 0 ? feature : feature.slice(0, eq);
    if (name === '' || name === '!') throw fail(`Missing envariable name for ${p.directiveName}`);
    if (name.startsWith('!')) assignments.push([name, '']);
    else assignments.push([name, eq < 0 ? '1' : feature.slice(eq + 1)]);
    if (restOf(cursor) === '') break;
  }
  const entry: SetEnvIfEntry = { attribute, attributeIsRegex, regex, assignments, where: p.where };
  const target = p.path === null && p.inHtaccess !== true ? server : dir;
  target.entries = [...target.entries, entry];
}

const DIRECTIVES: SetEnvIfDirective[] = [
  ...(['SetEnvIf', 'SetEnvIfNoCase'] as const).map((name) =>
    directive<SetEnvIfConf, SetEnvIfConf>(name, orClass('FileInfo'), 'raw', 'A header-name, regex and a list of variables.', (p, dir, server, [raw]) => {
      const cursor = { text: raw as string, pos: 0 };
      const attribute = getWordConf(cursor);
      if (attribute === '') throw fail(`Missing header-field name for ${name}`);
      addEntry(p, dir, server, attribute, restOf(cursor), name === 'SetEnvIfNoCase');
    }),
  ),
  ...(['BrowserMatch', 'BrowserMatchNoCase'] as const).map((name) =>
    directive<SetEnvIfConf, SetEnvIfConf>(name, orClass('FileInfo'), 'raw', 'A browser regex and a list of variables.', (p, dir, server, [raw]) =>
      addEntry(p, dir, server, 'User-Agent', raw as string, name === 'BrowserMatchNoCase'),
    ),
  ),
  directive('SetEnvIfExpr', orClass('FileInfo'), 'raw', 'an expression and a list of variables.', (p, _d, _s, [raw]) => {
    const expr = getWordConf({ text: raw as string, pos: 0 });
    if (expr === '') throw fail('Missing expression for SetEnvIfExpr');
    const syntax = checkBoolExpression(expr);
    if (syntax) throw fail(`Could not parse expression "${expr}": ${syntax}`);
    p.note?.('unsupported', 'SetEnvIfExpr expressions are not evaluated (the variables are never set)');
  }),
];

const merge = (base: SetEnvIfConf, add: SetEnvIfConf): SetEnvIfConf => ({ entries: [...base.entries, ...add.entries] });

export const setenvifModule: ModuleDef<SetEnvIfConf, SetEnvIfConf> = {
  id: 'setenvif_module',
  sourceName: 'mod_setenvif.c',
  createServerConfig: () => ({ entries: [] }),
  mergeServerConfig: merge,
  createDirConfig: () => ({ entries: [] }),
  mergeDirConfig: merge,
  directives: DIRECTIVES,
};
