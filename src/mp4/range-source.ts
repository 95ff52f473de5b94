/**
 * The only way src/mp4 reads media (STYLE.md §1): byte ranges of one file, never a path and never the
 * whole file. The edge provides the file-backed implementation; tests may use the Buffer-backed one.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { SgError } from '../errors';

export interface RangeSource {
  /** Total size of the source in bytes. */
  readonly sizeBytes: number;
  /**
   * Bytes [offsetBytes, offsetBytes + lengthBytes). A short result means the source ended; callers
   * that need every byte check the length (the box reader does).
   */
  read(offsetBytes: number, lengthBytes: number): Promise<Uint8Array>;
}

export interface ClosableRangeSource extends RangeSource {
  close(): Promise<void>;
}

/** A RangeSource over bytes already in memory (tests, fuzzing). */
export function bufferRangeSource(input: Uint8Array): RangeSource {
  // Never hand out Buffer views: Buffer#slice shares memory where Uint8Array#slice copies.
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  return {
    sizeBytes: bytes.length,
    async read(offsetBytes: number, lengthBytes: number): Promise<Uint8Array> {
      const from = Math.min(Math.max(0, offsetBytes), bytes.length);
      return bytes.subarray(from, Math.min(bytes.length, from + Math.max(0, lengthBytes)));
    },
  };
}

/** Opens a file as a RangeSource. The caller closes it (also on errors: use try/finally). */
export async function openFileRangeSource(path: string): Promise<ClosableRangeSource> {
  let handle: FileHandle;
  try {
    // O_NONBLOCK: the file was a regular file when stat()ed, but if a FIFO took its place since, a
    // plain open() would wait for a writer forever in one of libuv's four pool threads (four such
    // requests stall every file operation of the process). On a regular file the flag changes nothing.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    // The original answered 403 when apr_file_open failed (SPEC-NOTES §1.1 "Handler, method, file").
    if (code === 'EACCES' || code === 'EPERM') throw new SgError('SG_ERR_STREAM_FORBIDDEN', { file: path }, { cause });
    throw new SgError('SG_ERR_MP4_IO', { file: path, reason: code ?? 'open failed' }, { cause });
  }
  let sizeBytes: number;
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) {
      await handle.close();
      throw new SgError('SG_ERR_STREAM_NOT_FOUND', { what: 'regular file' });
    }
    sizeBytes = stat.size;
  } catch (cause) {
    if (cause instanceof SgError) throw cause;
    await handle.close();
    throw new SgError('SG_ERR_MP4_IO', { file: path, reason: 'stat failed' }, { cause });
  }
  return {
    sizeBytes,
    async read(offsetBytes: number, lengthBytes: number): Promise<Uint8Array> {
      const length = Math.max(0, Math.min(lengthBytes, sizeBytes - offsetBytes));
      const buffer = Buffer.allocUnsafe(length);
      let filled = 0;
      try {
        while (filled < length) {
          const { bytesRead } = await handle.read(buffer, filled, length - filled, offsetBytes + filled);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
      } catch (cause) {
        throw new SgError('SG_ERR_MP4_IO', { file: path, reason: (cause as NodeJS.ErrnoException).code ?? 'read failed' }, { cause });
      }
      // A plain Uint8Array view: Buffer#slice shares memory, Uint8Array#slice copies, and the index
      // relies on the latter when it detaches boxes from the moov buffer.
      return new Uint8Array(buffer.buffer, buffer.byteOffset, filled);
    },
    close: () => handle.close(),
  };
}
