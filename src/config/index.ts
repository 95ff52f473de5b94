/**
 * The Apache configuration reader: public API (STYLE.md: thin entry point over lexer → parser →
 * directive table → records).
 */
export { loadConfig, loadConfigReport, directiveRegistry, type LoadOptions, type LoadReport } from './loader';
export { parseHtaccess, overrideSetOf } from './htaccess';
export { createDirVector, mergeDirVectors } from './dir-vector';
export * from './getters';
export { MODULES } from './modules';
export { fnmatch, fnmatchTest } from './fnmatch';
export { readLogicalLines, getWordConf, splitWords } from './lexer';
export { compileExpiresCode } from './modules/expires';
export type * from './module';
export type * from './records';
export { MODULE_IDS } from './records';
