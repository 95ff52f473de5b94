/**
 * mod_alias (httpd modules/mappers/mod_alias.c add_alias_internal, add_alias, add_redirect_internal,
 * merge_alias_config, merge_alias_dir_config; SPEC-NOTES §4.5.1). Merges put the more specific
 * list first: a virtual host's entries, then the main server's; a child directory's redirects,
 * then its parent's.
 */
import { NOT_IN_DIR_CONTEXT, NOT_IN_DIRECTORY, NOT_IN_FILES, checkCmdContext } from '../context-flags';
import type { CmdParms, DirectiveDef, ModuleDef } from '../module';
import { compileApacheRegex } from '../regex';
import type { AliasDirConf, AliasServerConf, RedirectEntry } from '../records';
import { RSRC, RSRC_ACCESS, directive, fail, ignored, orClass, rootRelative } from './define';

type AliasDirective = DirectiveDef<AliasServerConf, AliasDirConf>;

/** ap_is_url: a scheme (letters, digits, + - .) followed by ':'. */
function isUrl(text: string): boolean {
  return /^[A-Za-z0-9+.-]+:/.test(text);
}

function facts(p: CmdParms) {
  return { isVirtual: p.server.isVirtual, inLimit: (p.limit ?? null) !== null, inHtaccess: p.inHtaccess === true, hasPath: p.path !== null, sectionNames: p.sectionNames ?? [] };
}

function addAlias(p: CmdParms, server: AliasServerConf, fake: string, real: string, regex: boolean, script: boolean): void {
  const err = checkCmdContext(p.directiveName, facts(p), NOT_IN_DIR_CONTEXT);
  if (err) throw fail(err);
  let compiled: RegExp | null = null;
  if (regex) {
    compiled = compileApacheRegex(fake);
    if (!compiled) throw fail('Regular expression could not be compiled.');
  }
  server.aliases = [
    ...server.aliases,
    { kind: script ? 'scriptAlias' : 'alias', fake, regex: compiled, real: regex && real.startsWith('$') ? real : rootRelative(p, real), where: p.where },
  ];
  if (script) p.backendOnly?.(`${p.directiveName} ${fake}: CGI runs on the backend`);
}

function aliasDirective(name: string, script: boolean): AliasDirective {
  return directive(name, RSRC_ACCESS, 'take12', 'a fakename and a realname, or a realname in a Location', (p, dir, server, [fake, real]) => {
    if (real !== undefined) {
      addAlias(p, server, fake as string, real, false, script);
      return;
    }
    const err = checkCmdContext(name, facts(p), NOT_IN_DIRECTORY | NOT_IN_FILES);
    if (err) throw fail(err);
    if (p.path === null) throw fail('Alias must have two arguments when used globally');
    dir.locationAlias = fake as string;
    p.note?.('unsupported', `one-argument ${name} (ap_expr target) is not evaluated`);
  });
}

const STATUS_WORDS: Record<string, number> = { permanent: 301, temp: 302, seeother: 303, gone: 410 };

/** add_redirect_internal: the argument forms and Apache's validation messages. */
function addRedirect(p: CmdParms, dir: AliasDirConf, server: AliasServerConf, defaultStatus: number, arg1: string, arg2: string | undefined, arg3: string | undefined, useRegex: boolean): void {
  let status = defaultStatus;
  let grok = 1;
  const keyword = STATUS_WORDS[arg1.toLowerCase()];
  if (keyword !== undefined) {
    status = keyword;
    if (keyword === 410) grok = -1;
  } else if (/^[0-9]/.test(arg1)) {
    status = parseInt(arg1, 10);
    if (!(status >= 300 && status < 400)) grok = -1;
  } else grok = 0;
  if (arg3 !== undefined && grok === 0) throw fail('Redirect: invalid first argument (of three)');
  if (p.path !== null) {
    if ((grok > 0 && arg2 !== undefined && arg3 === undefined) || (grok === 0 && arg2 === undefined)) {
      dir.locationRedirect = { target: grok ? (arg2 as string) : arg1, status };
      p.note?.('unsupported', `one-argument ${p.directiveName} (ap_expr target) is evaluated as a plain URL`);
      return;
    }
    if (grok < 0 && arg2 === undefined) {
      dir.locationRedirect = { target: null, status };
      return;
    }
  }
  let fake = arg2;
  let url = arg3;
  if (arg3 === undefined && grok === 0) {
    fake = arg1;
    url = arg2;
  }
  let regex: RegExp | null = null;
  if (useRegex) {
    regex = compileApacheRegex(fake ?? '');
    if (!regex) throw fail('Regular expression could not be compiled.');
  }
  if (status >= 300 && status < 400) {
    if (url === undefined) throw fail('URL to redirect to is missing');
    if (!useRegex && !isUrl(url) && !url.startsWith('/')) throw fail('Redirect to non-URL');
  } else if (url !== undefined) {
    throw fail('Redirect URL not valid for this status');
  }
  const entry: RedirectEntry = { fake: fake ?? '', regex, target: url ?? null, status, where: p.where };
  if (p.path !== null) dir.redirects = [...dir.redirects, entry];
  else server.redirects = [...server.redirects, entry];
}

const DIRECTIVES: AliasDirective[] = [
  aliasDirective('Alias', false),
  aliasDirective('ScriptAlias', true),
  directive('Redirect', orClass('FileInfo'), 'take123', 'an optional status, then document to be redirected and destination URL', (p, dir, server, [a, b, c]) =>
    addRedirect(p, dir, server, 302, a as string, b, c, false)),
  directive('AliasMatch', RSRC, 'take2', 'a regular expression and a filename', (p, _d, server, [fake, real]) => addAlias(p, server, fake as string, real as string, true, false)),
  directive('ScriptAliasMatch', RSRC, 'take2', 'a regular expression and a filename', (p, _d, server, [fake, real]) => addAlias(p, server, fake as string, real as string, true, true)),
  directive('RedirectMatch', orClass('FileInfo'), 'take23', 'an optional status, then a regular expression and destination URL', (p, dir, server, [a, b, c]) =>
    addRedirect(p, dir, server, 302, a as string, b, c, true)),
  directive('RedirectTemp', orClass('FileInfo'), 'take2', 'a document to be redirected, then the destination URL', (p, dir, server, [a, b]) =>
    addRedirect(p, dir, server, 302, a as string, b, undefined, false)),
  directive('RedirectPermanent', orClass('FileInfo'), 'take2', 'a document to be redirected, then the destination URL', (p, dir, server, [a, b]) =>
    addRedirect(p, dir, server, 301, a as string, b, undefined, false)),
  directive('RedirectRelative', orClass('FileInfo'), 'flag', 'Set to ON to allow relative redirect targets to be issued as-is', (_p, dir, _s, [v]) => {
    dir.redirectRelative = v === 'on';
  }),
  ignored('AliasPreservePath', orClass('FileInfo'), 'flag', 'AliasPreservePath is not emulated'),
];

export const aliasModule: ModuleDef<AliasServerConf, AliasDirConf> = {
  id: 'alias_module',
  sourceName: 'mod_alias.c',
  createServerConfig: () => ({ aliases: [], redirects: [] }),
  mergeServerConfig: (base, vhost) => ({ aliases: [...vhost.aliases, ...base.aliases], redirects: [...vhost.redirects, ...base.redirects] }),
  createDirConfig: () => ({ redirects: [], redirectRelative: undefined, locationAlias: undefined, locationRedirect: undefined }),
  mergeDirConfig: (base, child) => ({
    redirects: [...child.redirects, ...base.redirects],
    redirectRelative: child.redirectRelative ?? base.redirectRelative,
    locationAlias: child.locationAlias ?? base.locationAlias,
    locationRedirect: child.locationRedirect ?? base.locationRedirect,
  }),
  directives: DIRECTIVES,
};
