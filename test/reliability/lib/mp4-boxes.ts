/**
 * A forgiving walk over an MP4's box tree for the mutators (ISO/IEC 14496-12 §4.2 "Object Structure"):
 * where each box starts, how big its header is, who its parent is. Unlike src/mp4 it never throws —
 * it stops descending where a size does not fit — because it must also walk already-damaged files.
 */

export interface BoxNode {
  readonly type: string;
  readonly offsetBytes: number;
  readonly sizeBytes: number;
  readonly headerBytes: number;
  readonly parent: BoxNode | null;
}

/** Containers whose payload is a plain list of boxes (§8.3.1 trak, §8.4 mdia/minf, §8.5.1 stbl, §8.8 mvex/moof/traf, §8.8.9 mfra, §8.6.5 edts, §8.7.1 dinf). */
const CONTAINERS = new Set(['moov', 'trak', 'mdia', 'minf', 'stbl', 'edts', 'dinf', 'mvex', 'moof', 'traf', 'mfra']);

export function walkBoxes(bytes: Buffer): BoxNode[] {
  const out: BoxNode[] = [];
  const walk = (start: number, end: number, parent: BoxNode | null, depth: number) => {
    let at = start;
    while (at + 8 <= end && depth < 12) {
      let sizeBytes = bytes.readUInt32BE(at);
      let headerBytes = 8;
      if (sizeBytes === 1) {
        if (at + 16 > end) return;
        const large = bytes.readBigUInt64BE(at + 8);
        if (large > BigInt(end - at)) return;
        sizeBytes = Number(large);
        headerBytes = 16;
      } else if (sizeBytes === 0) {
        sizeBytes = end - at;
      }
      if (sizeBytes < headerBytes || at + sizeBytes > end) return;
      const node: BoxNode = { type: bytes.toString('latin1', at + 4, at + 8), offsetBytes: at, sizeBytes, headerBytes, parent };
      out.push(node);
      if (CONTAINERS.has(node.type)) walk(at + headerBytes, at + sizeBytes, node, depth + 1);
      at += sizeBytes;
    }
  };
  walk(0, bytes.length, null, 0);
  return out;
}

export function payloadOffset(box: BoxNode): number {
  return box.offsetBytes + box.headerBytes;
}

/** The trak a box belongs to (null at movie level). */
export function trakOf(box: BoxNode): BoxNode | null {
  for (let p = box.parent; p; p = p.parent) if (p.type === 'trak') return p;
  return null;
}

/** hdlr handler_type of a trak (§8.4.3: after version/flags and pre_defined). */
export function handlerOf(bytes: Buffer, boxes: readonly BoxNode[], trak: BoxNode): string | null {
  const hdlr = boxes.find((b) => b.type === 'hdlr' && trakOf(b) === trak);
  return hdlr ? bytes.toString('latin1', payloadOffset(hdlr) + 8, payloadOffset(hdlr) + 12) : null;
}
