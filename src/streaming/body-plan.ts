/**
 * Media bodies are plans before bytes (STYLE.md §1): a list of in-memory parts and file ranges with
 * the total length known up front, so Content-Length and Range come from slicing the plan and only
 * the edge reads the file.
 */

export interface MemoryPart {
  readonly kind: 'memory';
  readonly bytes: Uint8Array;
}

export interface FileRangePart {
  readonly kind: 'file';
  /** Absolute path of the source file. */
  readonly path: string;
  readonly offsetBytes: number;
  readonly lengthBytes: number;
}

export type BodyPart = MemoryPart | FileRangePart;

export interface BodyPlan {
  readonly parts: readonly BodyPart[];
  readonly totalBytes: number;
}

export function partLength(part: BodyPart): number {
  return part.kind === 'memory' ? part.bytes.length : part.lengthBytes;
}

export function makeBodyPlan(parts: readonly BodyPart[]): BodyPlan {
  let totalBytes = 0;
  for (const part of parts) totalBytes += partLength(part);
  return { parts, totalBytes };
}

/** The bytes [startBytes, endBytes) of a plan, as a new plan (for Range requests). */
export function sliceBodyPlan(plan: BodyPlan, startBytes: number, endBytes: number): BodyPlan {
  const out: BodyPart[] = [];
  let position = 0;
  for (const part of plan.parts) {
    const length = partLength(part);
    const partStart = position;
    const partEnd = position + length;
    position = partEnd;
    if (partEnd <= startBytes || partStart >= endBytes) continue;
    const from = Math.max(startBytes, partStart) - partStart;
    const to = Math.min(endBytes, partEnd) - partStart;
    if (part.kind === 'memory') out.push({ kind: 'memory', bytes: part.bytes.subarray(from, to) });
    else out.push({ kind: 'file', path: part.path, offsetBytes: part.offsetBytes + from, lengthBytes: to - from });
  }
  return makeBodyPlan(out);
}
