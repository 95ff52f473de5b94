/**
 * ap_if_walk (server/request.c ap_if_walk_sub): after the <Location> walk, the <If>/<ElseIf>/<Else>
 * sections in force — the server's own first, then those of the merged <Directory>, .htaccess,
 * <Files> and <Location> sections, in order — are evaluated for the request. The matching ones are
 * merged together and then onto the request's configuration; <If>s nested in a matching one are
 * walked next. An <ElseIf>/<Else> is skipped when an earlier section of its chain matched.
 * Conditions outside the ap_expr subset we evaluate were marked undecidable by the config reader
 * (their scope fails closed when they hold access control) and never match here.
 */
import type { DirConfigVector, SectionConf } from '../config/module';
import type { CoreDirConf } from '../config/records';
import { MODULE_IDS } from '../config/records';
import { mergeCached } from './walks';

export type ConditionEvaluator = (expr: string) => boolean | null;

function walkList(sections: readonly SectionConf[], evaluate: ConditionEvaluator): DirConfigVector | null {
  let previous = -1;
  let merged: DirConfigVector | null = null;
  for (const section of sections) {
    const kind = section.ifKind ?? 'if';
    if (kind !== 'if' && previous === 1) continue;
    if (kind !== 'else') {
      const value = section.decidable === false ? null : evaluate(section.path);
      if (value !== true) {
        previous = 0;
        continue;
      }
      previous = 1;
    } else {
      previous = -1;
    }
    merged = merged === null ? section.config : mergeCached(merged, section.config);
  }
  return merged;
}

export function ifWalk(perDir: DirConfigVector, serverSections: readonly SectionConf[], evaluate: ConditionEvaluator): DirConfigVector {
  const own = (perDir[MODULE_IDS.core] as CoreDirConf | undefined)?.ifSections ?? [];
  if (serverSections.length === 0 && own.length === 0) return perDir;
  let result = perDir;
  let sections: readonly SectionConf[] = serverSections.length === 0 ? own : own.length === 0 ? serverSections : [...serverSections, ...own];
  for (let depth = 0; sections.length > 0 && depth < 64; depth++) {
    const merged = walkList(sections, evaluate);
    if (merged === null) break;
    result = mergeCached(result, merged);
    sections = (merged[MODULE_IDS.core] as CoreDirConf | undefined)?.ifSections ?? [];
  }
  return result;
}
