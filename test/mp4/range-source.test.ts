/**
 * openFileRangeSource on what is not a regular file (issue 6 "Faults": a FIFO where a media file is
 * expected): the handler stat()s first, but a FIFO can take the file's place before the open. The open
 * must return at once with a coded error — a blocking open() held one of libuv's four pool threads until
 * some writer came, and four of them stalled every file operation of the process.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { openFileRangeSource } from '../helpers/mp4-exports';
import { makeFifo, within } from '../helpers/fifo';

test('opening a FIFO as a media source neither blocks nor reads: SG_ERR_STREAM_NOT_FOUND at once', async (t) => {
  const fifo = makeFifo();
  t.after(() => fifo.release());
  await assert.rejects(within(openFileRangeSource(fifo.path), 2000, 'openFileRangeSource(FIFO)'), { code: 'SG_ERR_STREAM_NOT_FOUND' });
});
