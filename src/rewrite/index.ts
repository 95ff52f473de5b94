/**
 * mod_rewrite (httpd modules/mappers/mod_rewrite.c): the directive table, the three hooks the
 * routing core calls, and the lint used by `smoothgate check`.
 */
export type { RewriteHookResult } from './result';
export { rewriteModule } from './module';
export { rewriteTranslateName } from './server-hook';
export { rewriteFixup, rewriteTypeChecker } from './perdir-hook';
export { lintRewrite } from './lint';
export type { LintContext, LintWarning } from './lint';
export type {
  RewriteCondEntry,
  RewriteRuleEntry,
  RewriteServerConf,
  RewriteDirConf,
  RewriteMapDef,
  RewriteOption,
} from './types';
