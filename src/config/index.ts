/**
 * The Apache configuration reader: public API (STYLE.md: thin entry point over lexer → parser →
 * directive table → records).
 *
 * What the routing core relies on (Apache's own layout, SPEC-NOTES §4.3):
 * - `server.directorySections` are already in Apache's merge order (core.c reorder_sorter:
 *   non-regex first, then by `components`, then config order; a vhost's list is the main
 *   server's plus its own, re-sorted). Non-regex paths end in '/' and may hold fnmatch wildcards
 *   (`fnmatch(path, dir, { pathname: true })`); regex forms have `regex`.
 * - Top-level <Files>/<FilesMatch> are in `server.filesSections` (apply them first), nested ones
 *   in the merged `coreDir(vec).filesSections` (directory order, then .htaccess order).
 *   <If> sections likewise: `server.ifSections`, then `coreDir(vec).ifSections`.
 * - `server.lookupDefaults` is the per-dir vector every walk starts from; for a vhost it is
 *   already merged with the main server's. Per-dir vectors are sparse: a module has a record only
 *   where one of its directives was used (ap_set_config_vectors), so getters may return
 *   undefined; `mergeDirVectors` keeps the side that has one.
 * - `coreDir(vec).failClosed` set → answer 500 for every request in that scope (INTERFACE.md §9).
 * - `overrideSetOf(coreDir(merged))` null → do not even open the access file at that level.
 * - `parseHtaccess` throws SgError with file:line → 500 for that scope only.
 */
export { loadConfig, loadConfigReport, directiveRegistry, DEBIAN_DOCUMENT_LOCATION, type LoadOptions, type LoadReport } from './loader';
export { parseHtaccess, overrideSetOf } from './htaccess';
export { createDirVector, mergeDirVectors } from './dir-vector';
export * from './getters';
export { MODULES } from './modules';
export { fnmatch, fnmatchTest } from './fnmatch';
export { readLogicalLines, getWordConf, splitWords } from './lexer';
export { compileExpiresCode } from './modules/expires';
export { checkCmdContext } from './context-flags';
export type * from './module';
export type * from './records';
export { MODULE_IDS } from './records';
