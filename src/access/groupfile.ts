/**
 * mod_authz_groupfile's `groups_for_user` (modules/aaa/mod_authz_groupfile.c): each line is
 * `group: member member …`; the group name has trailing white space removed, members are split
 * like configuration words (ap_getword_conf), and a group may be spread over several lines.
 */
import { splitWords } from '../config/lexer';
import type { FsView } from '../routing/fs-view';
import { ParsedFileCache, configLines } from './config-file-cache';

/** user → the groups it appears in (binary strings). */
function parseGroupFile(text: string): Map<string, Set<string>> {
  const byUser = new Map<string, Set<string>>();
  for (const line of configLines(text)) {
    if (line === '' || line.startsWith('#')) continue;
    const colon = line.indexOf(':');
    const group = (colon < 0 ? line : line.slice(0, colon)).replace(/\s+$/, '');
    const members = colon < 0 ? '' : line.slice(colon + 1);
    for (const member of splitWords(members)) {
      let groups = byUser.get(member);
      if (!groups) byUser.set(member, (groups = new Set()));
      groups.add(group);
    }
  }
  return byUser;
}

const cache = new ParsedFileCache(parseGroupFile);

/** The user's groups, or null when the file cannot be opened (the provider then denies). */
export function groupsOfUser(fs: FsView, file: string, user: string): ReadonlySet<string> | null {
  const read = cache.read(fs, file);
  if (!read.ok) return null;
  return read.value.get(user) ?? new Set();
}
