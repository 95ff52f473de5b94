/**
 * A local ErrorDocument page as Apache's default handler sends it for an error's internal redirect
 * (http_request.c ap_die_r → ap_internal_redirect; the page's request keeps the error's status): the
 * whole file with that status and the page's own type. No Range and no 304: the byte-range filter
 * only serves 200s and ap_die_r sets `no_local_copy` ("Do NOT send HTTP_NOT_MODIFIED for error
 * documents").
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { FileDecision } from '../routing/decision';
import { reasonPhrase } from './error-page';

export async function sendErrorDocumentFile(decision: FileDecision, status: number, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // stat before the status line: a page that vanished is the pipeline's 500, not a cut response.
  const info = await stat(decision.path);
  res.statusCode = status;
  res.statusMessage = reasonPhrase(status);
  if (decision.contentType !== null) res.setHeader('Content-Type', decision.contentType);
  if (decision.contentEncoding !== null) res.setHeader('Content-Encoding', decision.contentEncoding);
  res.setHeader('Content-Length', info.size);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(decision.path), res);
}
