/**
 * mod_dir (httpd modules/mappers/mod_dir.c add_index, merge_dir_configs; SPEC-NOTES §4.5.2):
 * DirectoryIndex lines accumulate within one context, `disabled` alone as the first word of a line
 * clears the list; a more specific context replaces the whole list.
 */
import type { DirectiveDef, ModuleDef } from '../module';
import type { DirDirConf } from '../records';
import { splitWords } from '../lexer';
import { directive, ignored, orClass } from './define';

type DirDirective = DirectiveDef<unknown, DirDirConf>;
const INDEXES = orClass('Indexes');

const DIRECTIVES: DirDirective[] = [
  directive('FallbackResource', INDEXES, 'take1', 'Set a default handler', (_p, dir, _s, [v]) => {
    dir.fallbackResource = v as string;
  }),
  directive('DirectoryIndex', INDEXES, 'raw', 'a list of file names', (_p, dir, _s, [raw]) => {
    const words = splitWords(raw as string);
    const list = [...(dir.index ?? [])];
    if (words.length === 1 && (words[0] as string).toLowerCase() === 'disabled') {
      dir.index = [];
      return;
    }
    list.push(...words);
    dir.index = list;
  }),
  directive('DirectorySlash', INDEXES, 'flag', 'On or Off', (_p, dir, _s, [v]) => {
    dir.directorySlash = v === 'on';
  }),
  directive('DirectoryCheckHandler', INDEXES, 'flag', 'On or Off', (_p, dir, _s, [v]) => {
    dir.checkHandler = v === 'on';
  }),
  ignored('DirectoryIndexRedirect', INDEXES, 'take1', 'DirectoryIndexRedirect is not emulated'),
];

export const dirModule: ModuleDef<unknown, DirDirConf> = {
  id: 'dir_module',
  sourceName: 'mod_dir.c',
  createDirConfig: () => ({ index: undefined, directorySlash: undefined, fallbackResource: undefined, checkHandler: undefined }),
  mergeDirConfig: (base, add) => ({
    index: add.index ?? base.index,
    directorySlash: add.directorySlash ?? base.directorySlash,
    fallbackResource: add.fallbackResource ?? base.fallbackResource,
    checkHandler: add.checkHandler ?? base.checkHandler,
  }),
  directives: DIRECTIVES,
};
