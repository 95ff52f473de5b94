/**
 * mod_filter's AddOutputFilterByType (in 2.4 it lives in modules/filters/mod_filter.c
 * add_filter / filter_bytype) and mod_deflate's own directives. smoothgate honours DEFLATE by type
 * (INTERFACE.md §9); other filters need the backend.
 */
import type { DirectiveDef, ModuleDef } from '../module';
import type { FilterDirConf } from '../records';
import { OR_ALL_CTX, RSRC, RSRC_ACCESS, directive, ignored, orClass } from './define';

export const filterModule: ModuleDef<unknown, FilterDirConf> = {
  id: 'filter_module',
  sourceName: 'mod_filter.c',
  createDirConfig: () => ({ byType: new Map() }),
  mergeDirConfig: (base, add) => {
    const byType = new Map(base.byType);
    for (const [type, filters] of add.byType) byType.set(type, [...(byType.get(type) ?? []), ...filters]);
    return { byType };
  },
  directives: [
    directive<unknown, FilterDirConf>('AddOutputFilterByType', orClass('FileInfo'), 'iterate2', 'output filter name followed by one or more content-types', (p, dir, _s, [filters, type]) => {
      const names = (filters as string).split(';').filter((f) => f !== '');
      const next = new Map(dir.byType);
      next.set((type as string).toLowerCase(), [...(next.get((type as string).toLowerCase()) ?? []), ...names]);
      dir.byType = next;
      const others = names.filter((f) => f.toUpperCase() !== 'DEFLATE');
      if (others.length > 0) p.backendOnly?.(`AddOutputFilterByType ${others.join(';')}`);
    }),
    ...['FilterDeclare', 'FilterProvider', 'FilterChain', 'FilterProtocol', 'FilterTrace'].map((n) =>
      ignored(n, RSRC_ACCESS, 'takeArgv', 'mod_filter chains are not emulated'),
    ),
  ] as DirectiveDef<unknown, FilterDirConf>[],
};

const DEFLATE_WHY = 'compression parameters: smoothgate gzips with its own settings';
export const deflateModule: ModuleDef = {
  id: 'deflate_module',
  sourceName: 'mod_deflate.c',
  directives: [
    ...['DeflateBufferSize', 'DeflateWindowSize', 'DeflateMemLevel', 'DeflateCompressionLevel'].map((n) => ignored(n, RSRC, 'take1', DEFLATE_WHY)),
    ...['DeflateInflateLimitRequestBody', 'DeflateInflateRatioLimit', 'DeflateInflateRatioBurst'].map((n) => ignored(n, OR_ALL_CTX, 'take1', DEFLATE_WHY)),
    ignored('DeflateFilterNote', RSRC, 'take12', DEFLATE_WHY),
    ignored('DeflateAlterETag', RSRC, 'take1', DEFLATE_WHY),
  ],
};
