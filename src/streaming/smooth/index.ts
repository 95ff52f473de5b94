/** Smooth Streaming (issue 5; INTERFACE §5, §5.2, §6, §7; [MS-SSTR]). */
export { handleSmooth, type SmoothRequest, type SmoothDeps } from './handler';
export { parseSmoothQuery, isSmoothQuery, parseSmoothTime, type SmoothQuery } from './query';
export { DEFAULT_SMOOTH_OPTIONS, resolveSmoothOptions, type SmoothOptions } from './options';
export { SmoothCache } from './smooth-cache';
export { SMOOTH_TIMESCALE, toHns, mapDecodeTimes } from './time-hns';
export {
  buildPresentation, findFragment, fragmentCount, fragmentStartHns, fragmentDurationHns, timelineSpanHns,
  fixedBoundaries, videoBoundaries, MAX_FRAGMENTS_PER_TRACK,
  type SmoothPresentation, type SmoothTrackTimeline, type SmoothTrackType,
} from './timeline';
export { buildFragment, tfxdBox, TFXD_USER_TYPE, FRAGMENT_TRACK_ID, type SmoothFragment } from './fragment';
export { writeManifest, type ManifestModel, type ManifestStream, type ManifestQualityLevel } from './manifest';
export { avcAnnexB, hevcAnnexB, describeAudio, describeVideo, type AudioCodecInfo, type VideoCodecInfo } from './codec-private-data';
export { singleMovieSet, averageBitrateBps, type SmoothLevel, type SmoothSet } from './smooth-set';
export { urlFormOf, singleFileTemplates, setTemplates, type UrlForm, type UrlTemplates } from './url-template';
export { fileSmoothDeps, readDirectoryNames, readTextFile } from './fs-deps';
export { handleIis, type IisRequest } from './iis-handler';
export { parseIisTarget, type IisTarget } from './iis-path';
export { parseServerManifest, writeServerManifest, sourcePathOf, type ServerManifestEntry } from './server-manifest';
export { buildSet2009, buildMultiSet, setMembers, setFolderOf, memberOf, type SetMember, type SetEntry } from './set-2009';
