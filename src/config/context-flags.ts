/**
 * Apache's context bits (include/http_config.h OR_*, ACCESS_CONF, RSRC_CONF; include/http_core.h
 * NOT_IN_*) and the two checks built on them: invoke_cmd's override test (server/config.c) and
 * ap_check_cmd_context (server/core.c). We keep Apache's bit arithmetic because the messages and
 * the odd cases (Require at server top level is "not allowed here": the top level grants
 * RSRC_CONF|OR_ALL minus AuthConfig and Limit) fall out of it.
 */
import type { DirectiveContexts, OverrideClass, OverrideSet } from './module';

export const OR_LIMIT = 1;
export const OR_OPTIONS = 2;
export const OR_FILEINFO = 4;
export const OR_AUTHCFG = 8;
export const OR_INDEXES = 16;
export const ACCESS_CONF = 64;
export const RSRC_CONF = 128;
export const NONFATAL_OVERRIDE = 512;
export const NONFATAL_UNKNOWN = 1024;
export const OR_ALL = OR_LIMIT | OR_OPTIONS | OR_FILEINFO | OR_AUTHCFG | OR_INDEXES;

/** What the top level of the main server and of a <VirtualHost> grants (config.c ap_process_config_tree). */
export const SERVER_OVERRIDE = (RSRC_CONF | OR_ALL) & ~(OR_AUTHCFG | OR_LIMIT);
/** What <Directory>, <Location>, <Files> (outside .htaccess) grant (core.c dirsection & co.). */
export const SECTION_OVERRIDE = OR_ALL | ACCESS_CONF;

export const NOT_IN_VIRTUALHOST = 0x01;
export const NOT_IN_LIMIT = 0x02;
export const NOT_IN_DIRECTORY = 0x04;
export const NOT_IN_LOCATION = 0x08;
export const NOT_IN_FILES = 0x10;
export const NOT_IN_HTACCESS = 0x20;
export const NOT_IN_PROXY = 0x40;
export const NOT_IN_DIR_LOC_FILE = NOT_IN_DIRECTORY | NOT_IN_LOCATION | NOT_IN_FILES;
export const NOT_IN_DIR_CONTEXT = NOT_IN_LIMIT | NOT_IN_DIR_LOC_FILE | NOT_IN_PROXY;
export const GLOBAL_ONLY = NOT_IN_VIRTUALHOST | NOT_IN_DIR_CONTEXT;

const CLASS_BITS: Record<OverrideClass, number> = {
  AuthConfig: OR_AUTHCFG,
  FileInfo: OR_FILEINFO,
  Indexes: OR_INDEXES,
  Limit: OR_LIMIT,
  Options: OR_OPTIONS,
};

/** The command_rec req_override of a directive table entry. */
export function reqOverrideOf(contexts: DirectiveContexts): number {
  let bits = 0;
  if (contexts.server) bits |= RSRC_CONF;
  if (contexts.sections) bits |= ACCESS_CONF;
  if (contexts.override === 'All') bits |= OR_ALL;
  else if (contexts.override) bits |= CLASS_BITS[contexts.override];
  if (contexts.alsoOverride) bits |= CLASS_BITS[contexts.alsoOverride];
  return bits;
}

/** The override bits an .htaccess file runs with (core_dir_config->override). */
export function overrideBitsOf(set: OverrideSet): number {
  let bits = 0;
  for (const cls of set.classes) bits |= CLASS_BITS[cls];
  if (set.nonfatalOverride) bits |= NONFATAL_OVERRIDE;
  if (set.nonfatalUnknown) bits |= NONFATAL_UNKNOWN;
  return bits;
}

/** The enclosing-section facts ap_check_cmd_context looks at. */
export interface ContextFacts {
  readonly isVirtual: boolean;
  readonly inLimit: boolean;
  readonly inHtaccess: boolean;
  /** A <Directory>/<Location>/<Files> path is set (cmd->path), incl. .htaccess. */
  readonly hasPath: boolean;
  /** Enclosing section names as Apache stores them ('<Directory', '<FilesMatch' …), outermost first. */
  readonly sectionNames: readonly string[];
}

const FORBIDDEN_PARENTS: ReadonlyArray<readonly [number, readonly string[]]> = [
  [NOT_IN_DIRECTORY, ['<Directory', '<DirectoryMatch']],
  [NOT_IN_LOCATION, ['<Location', '<LocationMatch']],
  [NOT_IN_FILES, ['<Files', '<FilesMatch', '<If', '<ElseIf', '<Else']],
  [NOT_IN_PROXY, ['<Proxy', '<ProxyMatch']],
];

/** find_parent: the nearest enclosing section of that name (case-insensitive). */
function findParent(facts: ContextFacts, name: string): string | null {
  for (let i = facts.sectionNames.length - 1; i >= 0; i--) {
    const candidate = facts.sectionNames[i] as string;
    if (candidate.toLowerCase() === name.toLowerCase()) return candidate;
  }
  return null;
}

/**
 * ap_check_cmd_context: null when allowed, else Apache's message. `name` is the directive's
 * canonical name ('<Directory' for sections: a '>' is appended as Apache does).
 */
export function checkCmdContext(name: string, facts: ContextFacts, forbidden: number): string | null {
  const gt = name.startsWith('<') && !name.endsWith('>') ? '>' : '';
  if (forbidden & NOT_IN_VIRTUALHOST && facts.isVirtual) return `${name}${gt} cannot occur within <VirtualHost> section`;
  // As written in core.c: any of the directory-context bits forbids <Limit> too.
  if (forbidden & NOT_IN_DIR_CONTEXT && facts.inLimit) {
    return `${name}${gt} cannot occur within <Limit> or <LimitExcept> section`;
  }
  if (forbidden & NOT_IN_HTACCESS && facts.inHtaccess) return `${name}${gt} cannot occur within htaccess files`;
  if ((forbidden & NOT_IN_DIR_LOC_FILE) === NOT_IN_DIR_LOC_FILE && facts.hasPath) {
    return `${name}${gt} cannot occur within directory context`;
  }
  for (const [bit, names] of FORBIDDEN_PARENTS) {
    if (!(forbidden & bit)) continue;
    for (const parentName of names) {
      const found = findParent(facts, parentName);
      if (found) return `${name}${gt} cannot occur within ${found}> section`;
    }
  }
  return null;
}
