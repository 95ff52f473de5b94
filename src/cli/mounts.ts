/**
 * The in-process handlers and the static-file sender `serve` mounts (INTERFACE.md §4 routing table):
 * - `h264-streaming` (`.mp4`/`.ismv` by AddHandler): Smooth Streaming requests (`?manifest=1`,
 *   `?video=T`, `?audio=T`, §5) go to the Smooth handler, everything else to the progressive one;
 * - `smooth-streaming` (`.ism` by AddHandler): the IIS layout, the rest of the URL as path info;
 * - plain files through the same Range/conditional sender.
 * All share one sample-index cache (`streaming.indexCacheBytes`).
 */
import { stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { SmoothgateSettings } from '../config/smoothgate-yaml';
import { fileProgressiveDeps, sendStreamResponse, staticFileResponse } from '../http';
import type { FileDecision, HandlerDecision } from '../routing/decision';
import { handleProgressive } from '../streaming/progressive/handler';
import { SmoothCache, handleIis, handleSmooth, isSmoothQuery, readDirectoryNames, readTextFile } from '../streaming/smooth';
import type { SmoothDeps } from '../streaming/smooth';
import type { HandlerRefusal, HandlerTable } from '../server/raw-request';
import type { StreamResponse } from '../streaming/stream-response';
import type { RuntimeMounts } from './runtime';

/** CORS and Cache-Control for our own progressive outputs (smoothgate.yaml `streaming`). */
function progressiveExtraHeaders(settings: SmoothgateSettings): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (settings.streaming.corsAllowOrigin !== null) out.push(['Access-Control-Allow-Origin', settings.streaming.corsAllowOrigin]);
  if (settings.streaming.cacheControl.progressive !== null) out.push(['Cache-Control', settings.streaming.cacheControl.progressive]);
  return out;
}

export function createMounts(settings: SmoothgateSettings, logger?: Logger): RuntimeMounts {
  const streamLogger = logger ? { warn: (o: object, m: string) => logger.warn(o, m), error: (o: object, m: string) => logger.error(o, m) } : undefined;
  const progressiveDeps = fileProgressiveDeps({
    indexCacheBytes: settings.streaming.indexCacheBytes,
    extraHeaders: progressiveExtraHeaders(settings),
    ...(streamLogger ? { logger: streamLogger } : {}),
  });
  const { extraHeaders: _progressiveOnly, ...sharedDeps } = progressiveDeps;
  const smoothDeps: SmoothDeps = {
    ...sharedDeps,
    smoothCache: new SmoothCache(),
    readDirectory: readDirectoryNames,
    readTextFile,
    smoothOptions: {
      manifestContentType: settings.streaming.manifestContentType,
      gzip: settings.streaming.gzip,
      corsAllowOrigin: settings.streaming.corsAllowOrigin,
      cacheControlManifest: settings.streaming.cacheControl.manifest,
      cacheControlFragment: settings.streaming.cacheControl.fragment,
      audioOnlyFragmentHns: settings.streaming.audioOnlyFragmentMs * 10_000,
    },
  };
  const sendOptions = logger ? { logger } : {};

  /** The response, or — for an error status — a refusal the gateway may answer through ErrorDocument. */
  const sendOrRefuse = async (req: IncomingMessage, res: ServerResponse, response: StreamResponse): Promise<void | HandlerRefusal> => {
    if (response.status >= 400) {
      return { status: response.status, reason: response.reason ?? response.errorCode ?? `handler status ${response.status}`, send: () => sendStreamResponse(req, res, response, sendOptions) };
    }
    await sendStreamResponse(req, res, response, sendOptions);
  };

  const h264 = async (d: HandlerDecision, req: IncomingMessage, res: ServerResponse): Promise<void | HandlerRefusal> => {
    const query = d.query ?? '';
    const request = { method: req.method ?? 'GET', filePath: d.path, query, originalTarget: d.originalTarget, headers: req.headers };
    const response = isSmoothQuery(query) ? await handleSmooth(request, smoothDeps) : await handleProgressive(request, progressiveDeps);
    return sendOrRefuse(req, res, response);
  };

  const iis = async (d: HandlerDecision, req: IncomingMessage, res: ServerResponse): Promise<void | HandlerRefusal> => {
    const response = await handleIis(
      { method: req.method ?? 'GET', filePath: d.path, pathInfo: d.pathInfo, query: d.query ?? '', originalTarget: d.originalTarget, headers: req.headers },
      smoothDeps,
    );
    return sendOrRefuse(req, res, response);
  };

  const handlers: HandlerTable = new Map([
    ['h264-streaming', h264],
    ['smooth-streaming', iis],
  ]);

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

  return { handlers, staticSender, indexCacheStats: progressiveDeps.indexCache.stats };
}
