/** Progressive download with `?start=` / `?end=` seeking (issue 3; INTERFACE §5, §5.1, §6). */
export { handleProgressive, errorResponse, type ProgressiveRequest, type ProgressiveDeps, type FileStat, type ProgressiveLogger } from './handler';
export { parseProgressiveQuery, wantsCut, type ProgressiveQuery } from './query';
export { resolveClip, type ResolvedClip } from './clip';
export { planCut, pickReferenceTrack, type CutPlan, type TrackCut } from './cut';
export { buildCutBody, type CutBody } from './cut-body';
export { OutputCache, DEFAULT_OUTPUT_CACHE_BYTES } from './output-cache';
export { parseDecimalSeconds, formatSeconds, type DecimalSeconds } from './decimal-seconds';
