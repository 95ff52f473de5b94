/** The MP4 core (issue 3): box reader and writer, sample index, index cache. */
export * from './range-source';
export * from './integers';
export * from './byte-cursor';
export * from './box-reader';
export * from './writer';
export * from './track-index';
export * from './movie-index';
export * from './index-cache';
export { parseStsd, type CodecConfig } from './boxes/sample-entry';
export type { EditEntry } from './boxes/edit-list';
export { readRandomAccess, indexFragments, readTrackExtends } from './fragment-index';
export type { RandomAccessEntry, TrackExtends } from './boxes/fragments';
