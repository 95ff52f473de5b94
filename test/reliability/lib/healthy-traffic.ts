/**
 * Background traffic on routes that must stay healthy while something else is being broken (issue 6
 * "keeps serving others"): one bounded loop of GETs over keep-alive connections, each answer checked
 * for its status and full length. Every request has a time bound, the loop a request bound.
 */
import { Agent, request, type IncomingMessage } from 'node:http';

export interface HealthyRoute {
  readonly path: string;
  /** The status the route answers when healthy. */
  readonly status: number;
}

export interface HealthyTrafficResult {
  readonly served: number;
  /** Each failure described (wrong status, short body, connection error, timeout). */
  readonly failures: string[];
  readonly latenciesMs: number[];
}

export interface HealthyTraffic {
  /** Stops the loop after the requests in flight and closes its connections. */
  stop(): Promise<HealthyTrafficResult>;
}

/** One GET, read to the end; resolves with a failure description or null. */
export function checkedGet(agent: Agent, port: number, route: HealthyRoute, timeoutMs: number): Promise<string | null> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: route.path, agent, timeout: timeoutMs }, (res: IncomingMessage) => {
      let bytes = 0;
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => {
        const length = res.headers['content-length'];
        if (res.statusCode !== route.status) resolve(`${route.path}: status ${res.statusCode}`);
        else if (length !== undefined && Number(length) !== bytes) resolve(`${route.path}: ${bytes} of ${length} bytes`);
        else resolve(null);
      });
      res.on('error', (err) => resolve(`${route.path}: ${err.message}`));
      res.on('aborted', () => resolve(`${route.path}: aborted`));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer in ${timeoutMs} ms`)));
    req.on('error', (err) => resolve(`${route.path}: ${err.message}`));
    req.end();
  });
}

/** Starts `parallel` loops cycling through `routes` until stopped or `maxRequests` were made. */
export function startHealthyTraffic(port: number, routes: readonly HealthyRoute[], options: { parallel?: number; maxRequests?: number; timeoutMs?: number } = {}): HealthyTraffic {
  const parallel = options.parallel ?? 2;
  const maxRequests = options.maxRequests ?? 100_000;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const agent = new Agent({ keepAlive: true, maxSockets: parallel });
  const failures: string[] = [];
  const latenciesMs: number[] = [];
  let served = 0;
  let started = 0;
  let stopping = false;
  const loop = async (): Promise<void> => {
    while (!stopping && started < maxRequests) {
      const route = routes[started++ % routes.length]!;
      const t0 = performance.now();
      const failure = await checkedGet(agent, port, route, timeoutMs);
      latenciesMs.push(performance.now() - t0);
      if (failure) failures.push(failure);
      else served++;
    }
  };
  const loops = Array.from({ length: parallel }, loop);
  return {
    async stop() {
      stopping = true;
      await Promise.all(loops);
      agent.destroy();
      return { served, failures, latenciesMs };
    },
  };
}
