/**
 * The Smooth handler mounted on a bare node:http server on 127.0.0.1:0, the way the gateway will mount
 * it: `X.mp4?manifest=1` / `?video=T` / `?audio=T` go to handleSmooth, other `.mp4` requests to
 * handleProgressive. It also plays the seed's rewrite rules for the `X.ism/manifest?…` form
 * (INTERFACE §5.2): `X.ism/manifest?q` → `X.mp4?manifest=1` and `X.ism/Fragments(video=T)` →
 * `X.mp4?video=T`, `X.ism/QualityLevels(N)/Fragments(video=T)` → `X.ism/X_N.ismv?video=T`, passing the
 * client's URL as originalTarget. A path through a SMIL `X.ism` file goes to handleIis with the rest as
 * path info (the `smooth-streaming` handler; no rule).
 */
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { handleProgressive } from '../../src/streaming/progressive';
import { handleSmooth, handleIis, isSmoothQuery, fileSmoothDeps, type SmoothDeps } from '../../src/streaming/smooth';
import { statSync } from 'node:fs';
import { listenOnLoopback, recordingLogger, sendHandled, type LoggedError } from './bare-server';

export interface SmoothTestServer {
  readonly server: Server;
  readonly baseUrl: string;
  readonly deps: SmoothDeps;
  readonly logged: LoggedError[];
  readonly requests: string[];
  close(): Promise<void>;
}

/** The seed's rules, reduced to what the tests need: [path regex, substitution]. */
function rewrite(pathname: string, query: string): { path: string; query: string } {
  const manifest = /^(.*)\.ism\/manifest$/.exec(pathname);
  if (manifest && query !== '') return { path: `${manifest[1]}.mp4`, query: 'manifest=1' };
  const level = /^(.*\/)?([^/]+)\.ism\/QualityLevels\(([0-9]+)\)\/Fragments\((\w+)=([0-9]+)\)$/.exec(pathname);
  if (level) return { path: `${level[1] ?? ''}${level[2]}.ism/${level[2]}_${level[3]}.ismv`, query: `${level[4]}=${level[5]}` };
  const fragment = /^(.*)\.ism\/Fragments\((\w+)=([0-9]+)\)$/.exec(pathname);
  if (fragment) return { path: `${fragment[1]}.mp4`, query: `${fragment[2]}=${fragment[3]}` };
  return { path: pathname, query };
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export async function startSmoothServer(root: string): Promise<SmoothTestServer> {
  const logged: LoggedError[] = [];
  const requests: string[] = [];
  const logger = recordingLogger(logged);
  const deps: SmoothDeps = fileSmoothDeps({ logger });
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    requests.push(`${req.method} ${url}`);
    const q = url.indexOf('?');
    // IIS layout: a SMIL `X.ism` file mapped to smooth-streaming, the rest of the path as path info.
    const iis = /^(.*?\.ism)(\/.*)?$/i.exec(decodeURIComponent(q < 0 ? url : url.slice(0, q)));
    if (iis && isFile(join(root, iis[1]!.replace(/^\/+/, '').replace(/\.\.+/g, '')))) {
      const ismPath = join(root, iis[1]!.replace(/^\/+/, '').replace(/\.\.+/g, ''));
      sendHandled(req, res, handleIis({ method: req.method ?? 'GET', filePath: ismPath, pathInfo: iis[2] ?? '', query: q < 0 ? '' : url.slice(q + 1), originalTarget: url, headers: req.headers }, deps), logged, logger);
      return;
    }
    const mapped = rewrite(decodeURIComponent(q < 0 ? url : url.slice(0, q)), q < 0 ? '' : url.slice(q + 1));
    const filePath = join(root, mapped.path.replace(/^\/+/, '').replace(/\.\.+/g, ''));
    const request = { method: req.method ?? 'GET', filePath, query: mapped.query, originalTarget: url, headers: req.headers };
    const handled = isSmoothQuery(mapped.query) ? handleSmooth(request, deps) : handleProgressive(request, deps);
    sendHandled(req, res, handled, logged, logger);
  });
  const { baseUrl, close } = await listenOnLoopback(server);
  return { server, baseUrl, deps, logged, requests, close };
}
