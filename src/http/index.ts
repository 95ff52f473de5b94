/** The HTTP edge for BodyPlan responses (issue 3). */
export { sendStreamResponse, type SendOptions, type SendLogger } from './send';
export { parseRangeHeader, MAX_RANGES, type ByteRange, type RangeDecision } from './range';
export { evaluateConditions, ifRangeAllows, type ConditionOutcome, type Validators } from './conditional';
export { staticFileResponse, fileIdentityETag, toStaticStat, SMOOTHGATE_VERSION, type StaticStat, type FsStatsLike } from '../streaming/static-response';
export { fileProgressiveDeps } from './file-deps';
