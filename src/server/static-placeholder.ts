/**
 * PLACEHOLDER StaticSender — replaced at integration by the MP4 engineer's sender from src/http
 * (Range, conditional requests, multipart, HEAD over a BodyPlan). This one only streams the whole
 * file with `pipeline()` (GET/HEAD/POST as Apache's default handler; other methods 405), so the
 * gateway is usable and testable before that lands.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { FileDecision } from '../routing/decision';
import { sendErrorPage } from './respond';

export async function placeholderStaticSender(decision: FileDecision, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  // Apache's default handler answers POST to a static file with the file (SPEC-NOTES §4.8 trap 40).
  if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') {
    sendErrorPage(req, res, 405, [['Allow', 'GET,POST,OPTIONS,HEAD']]);
    return;
  }
  let info;
  try {
    info = await stat(decision.path);
  } catch {
    sendErrorPage(req, res, 404);
    return;
  }
  if (!info.isFile()) {
    sendErrorPage(req, res, 403);
    return;
  }
  res.statusCode = 200;
  res.setHeader('Content-Length', info.size);
  res.setHeader('Last-Modified', info.mtime.toUTCString());
  if (decision.contentType !== null) res.setHeader('Content-Type', decision.contentType);
  if (decision.contentEncoding !== null) res.setHeader('Content-Encoding', decision.contentEncoding);
  if (method === 'HEAD') {
    res.end();
    return;
  }
  await pipeline(createReadStream(decision.path), res);
}
