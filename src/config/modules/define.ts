/**
 * Helpers for writing directive tables compactly (Apache's AP_INIT_* macros) and for handlers'
 * errors. A handler throws `fail(message)`; the walker adds file:line and the line's text.
 */
import { SgError } from '../../errors';
import type { CmdParms, DirectiveContexts, DirectiveDef, DirectiveSyntax, OverrideClass } from '../module';

/** Apache's req_override spellings. */
export const RSRC: DirectiveContexts = { server: true, sections: false };
export const ACCESS: DirectiveContexts = { server: false, sections: true };
export const RSRC_ACCESS: DirectiveContexts = { server: true, sections: true };
export const OR_ALL_CTX: DirectiveContexts = { server: false, sections: false, override: 'All' };
export function orClass(cls: OverrideClass, extra: Partial<DirectiveContexts> = {}): DirectiveContexts {
  return { server: false, sections: false, ...extra, override: cls };
}

export function fail(text: string): SgError {
  return new SgError('SG_ERR_CONFIG_DIRECTIVE', { text });
}

type Apply<S, D> = (p: CmdParms, dir: D, server: S, args: string[], raw: string) => void;

export function directive<S, D>(
  name: string,
  contexts: DirectiveContexts,
  syntax: DirectiveSyntax,
  help: string,
  apply: Apply<S, D>,
  extra: { notIn?: number } = {},
): DirectiveDef<S, D> {
  return { name, contexts, syntax, help, apply, ...extra };
}

/**
 * A directive we accept and do not emulate: arity-checked like Apache, then listed in `check`
 * with the reason (INTERFACE.md §9).
 */
export function ignored(name: string, contexts: DirectiveContexts, syntax: DirectiveSyntax, reason: string, extra: { notIn?: number } = {}): DirectiveDef {
  return directive<unknown, unknown>(name, contexts, syntax, '', (p) => p.note?.('ignored', reason), extra);
}

/** A read-time directive: the reader executes it (./parser.ts, ./read-time.ts). */
export function readTime(name: string, contexts: DirectiveContexts, syntax: DirectiveSyntax, help: string, section = false): DirectiveDef {
  return { name, contexts, syntax, help, execOnRead: true, section, apply: () => undefined };
}

/** A container the walker processes (./sections.ts). */
export function container(name: string, contexts: DirectiveContexts, help: string): DirectiveDef {
  return { name, contexts, syntax: 'raw', help, section: true, apply: () => undefined };
}

/** Parse a non-negative decimal integer as Apache's apr_strtoi64 checks do; null when invalid. */
export function parseNonNegativeInt(text: string): number | null {
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** C's atoi: leading whitespace, an optional sign, digits; 0 when there are none. */
export function atoi(text: string): number {
  const m = /^[ \t\n\v\f\r]*([+-]?\d+)/.exec(text);
  return m ? parseInt(m[1] as string, 10) : 0;
}

/** ap_server_root_relative for handlers. */
export function rootRelative(p: CmdParms, path: string): string {
  if (path.startsWith('/')) return path;
  return p.serverRoot.endsWith('/') ? `${p.serverRoot}${path}` : `${p.serverRoot}/${path}`;
}
