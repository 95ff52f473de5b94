/**
 * The in-process handlers and the static-file sender `serve` mounts (INTERFACE.md §4 routing table):
 * `h264-streaming` → the progressive handler over the shared index cache (§5), and plain files
 * through the same Range/conditional sender. Smooth Streaming requests (`?manifest=1`, `?video=T`,
 * `?audio=T`) are answered 501 with a logged reason until the Smooth handler is mounted here.
 */
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { SmoothgateSettings } from '../config/smoothgate-yaml';
import { fileProgressiveDeps, sendStreamResponse, staticFileResponse } from '../http';
import type { FileDecision, HandlerDecision } from '../routing/decision';
import { handleProgressive } from '../streaming/progressive/handler';
import type { HandlerTable } from '../server/raw-request';
import type { RuntimeMounts } from './runtime';

const SMOOTH_KEYS = /(?:^|&)(?:manifest|video|audio)(?:_[^=&]*)?=/;

/** CORS and Cache-Control for our own progressive outputs (smoothgate.yaml `streaming`). */
function progressiveExtraHeaders(settings: SmoothgateSettings): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (settings.streaming.corsAllowOrigin !== null) out.push(['Access-Control-Allow-Origin', settings.streaming.corsAllowOrigin]);
  if (settings.streaming.cacheControl.progressive !== null) out.push(['Cache-Control', settings.streaming.cacheControl.progressive]);
  return out;
}

export function createMounts(settings: SmoothgateSettings, logger?: Logger): RuntimeMounts {
  const deps = fileProgressiveDeps({
    indexCacheBytes: settings.streaming.indexCacheBytes,
    extraHeaders: progressiveExtraHeaders(settings),
    ...(logger ? { logger: { warn: (o: object, m: string) => logger.warn(o, m), error: (o: object, m: string) => logger.error(o, m) } } : {}),
  });
  const sendOptions = logger ? { logger } : {};

  const h264 = async (d: HandlerDecision, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const query = d.query ?? '';
    if (SMOOTH_KEYS.test(query)) {
      logger?.warn({ code: 'SG_ERR_STREAM_UNSUPPORTED', uri: d.uri, query }, 'Smooth Streaming is not served by this build yet');
      res.statusCode = 501;
      res.setHeader('Content-Type', 'text/plain; charset=utf-8');
      res.end('Smooth Streaming is not implemented in this build\n');
      return;
    }
    const response = await handleProgressive({ method: req.method ?? 'GET', filePath: d.path, query, headers: req.headers }, deps);
    await sendStreamResponse(req, res, response, sendOptions);
  };

  const handlers: HandlerTable = new Map([['h264-streaming', h264]]);

  const staticSender = async (d: FileDecision, req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let st;
    try {
      st = await stat(d.path);
    } catch {
      // The routing core saw the file a moment ago (or through its short cache): it is gone now.
      res.statusCode = 404;
      res.end();
      return;
    }
    const response = staticFileResponse(d.path, st, d.contentType ?? 'application/octet-stream');
    await sendStreamResponse(req, res, response, sendOptions);
  };

  return { handlers, staticSender, indexCacheStats: deps.indexCache.stats };
}
