import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MetricsRegistry, createGatewayMetrics } from '../../src/server/metrics';
import { sumSnapshots } from '../../src/server/metrics-aggregate';
import { startGateway } from '../helpers/gateway';
import { tableDecide } from '../helpers/table-decide';
import { fetchRaw } from '../helpers/http-client';

/** A strict reader of the text exposition format 0.0.4: every sample line must parse. */
function parseExposition(text: string): Map<string, number> {
  const samples = new Map<string, number>();
  const types = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) ([a-zA-Z_:][a-zA-Z0-9_:]*) (.*)$/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        assert.match(meta[3]!, /^(counter|gauge|histogram|summary|untyped)$/);
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*",?)*\})? (-?[0-9.e+-]+|\+Inf|-Inf|NaN)$/.exec(line);
    assert.ok(m, `unparsable sample line: ${line}`);
    const family = m[1]!.replace(/_(bucket|sum|count)$/, '');
    assert.ok(types.has(m[1]!) || types.has(family), `sample without TYPE: ${line}`);
    samples.set(m[1]! + (m[2] ?? ''), Number(m[3] === '+Inf' ? Infinity : m[3]));
  }
  return samples;
}

test('registry renders counters, gauges and cumulative histograms', () => {
  const r = new MetricsRegistry();
  const c = r.counter('t_total', 'help');
  c.inc({ b: 'x"y', a: '1' });
  c.inc({ b: 'x"y', a: '1' }, 2); // one metric's labels always come in one order (keyOf)
  r.gauge('g', 'gauge help').set(5);
  const h = r.histogram('h_seconds', 'hist', [0.1, 1]);
  h.observe(0.05);
  h.observe(0.5);
  h.observe(5);
  const samples = parseExposition(r.render());
  assert.equal(samples.get('t_total{a="1",b="x\\"y"}'), 3);
  assert.equal(samples.get('g'), 5);
  assert.equal(samples.get('h_seconds_bucket{le="0.1"}'), 1);
  assert.equal(samples.get('h_seconds_bucket{le="1"}'), 2);
  assert.equal(samples.get('h_seconds_bucket{le="+Inf"}'), 3);
  assert.equal(samples.get('h_seconds_count'), 3);
  assert.equal(samples.get('h_seconds_sum'), 5.55);
});

test('/metrics carries the names of INTERFACE.md §11 and parses; /healthz turns 503 while draining', async (t) => {
  const gw = await startGateway(t, {
    settings: { metricsListen: { host: '127.0.0.1', port: 0 } },
    decide: tableDecide({ '/r': { kind: 'redirect', status: 301, location: 'http://x/' } }),
  });
  await fetchRaw(`${gw.url}/r`);
  await fetchRaw(`${gw.url}/missing`);
  await new Promise((r) => setTimeout(r, 10));
  const res = await fetchRaw(`${gw.metricsUrl}/metrics`);
  assert.equal(res.status, 200);
  assert.match(String(res.headers['content-type']), /^text\/plain; version=0\.0\.4/);
  const text = res.body.toString();
  const samples = parseExposition(text);
  for (const name of [
    'smoothgate_requests_total', 'smoothgate_request_duration_seconds', 'smoothgate_response_bytes_total',
    'smoothgate_index_cache_hits_total', 'smoothgate_index_cache_misses_total', 'smoothgate_index_cache_bytes',
    'smoothgate_backend_errors_total', 'smoothgate_connections',
  ]) assert.match(text, new RegExp(`^# TYPE ${name} `, 'm'), name);
  assert.equal(samples.get('smoothgate_requests_total{handler="redirect",status="301"}'), 1);
  assert.equal(samples.get('smoothgate_requests_total{handler="status",status="404"}'), 1);
  assert.equal(samples.get('smoothgate_request_duration_seconds_count{handler="redirect"}'), 1);
  assert.ok((samples.get('smoothgate_response_bytes_total') ?? 0) > 0);
  assert.equal((await fetchRaw(`${gw.metricsUrl}/healthz`)).status, 200);
  const draining = gw.gateway.drain(1000);
  const health = await fetchRaw(`${gw.metricsUrl}/healthz`).catch(() => null);
  // The metrics listener closes at the end of the drain; until then it says 503.
  if (health) assert.equal(health.status, 503);
  await draining;
});

test('cluster totals: counters, gauges and histogram buckets of several workers add up', () => {
  const a = createGatewayMetrics();
  const b = createGatewayMetrics();
  a.requests.inc({ handler: 'proxy', status: '200' }, 3);
  b.requests.inc({ handler: 'proxy', status: '200' }, 4);
  b.requests.inc({ handler: 'smooth', status: '404' });
  a.connections.set(2);
  b.connections.set(5);
  a.duration.observe(0.002, { handler: 'proxy' });
  b.duration.observe(0.002, { handler: 'proxy' });
  b.duration.observe(3, { handler: 'proxy' });
  // Through JSON, as the snapshots travel over the cluster IPC channel.
  const totals = sumSnapshots([a, b].map((m) => JSON.parse(JSON.stringify(m.registry.snapshot()))));
  const text = totals.render();
  assert.match(text, /^smoothgate_requests_total\{handler="proxy",status="200"\} 7$/m);
  assert.match(text, /^smoothgate_requests_total\{handler="smooth",status="404"\} 1$/m);
  assert.match(text, /^smoothgate_connections 7$/m);
  assert.match(text, /^smoothgate_request_duration_seconds_bucket\{handler="proxy",le="0\.0025"\} 2$/m);
  assert.match(text, /^smoothgate_request_duration_seconds_bucket\{handler="proxy",le="5"\} 3$/m);
  assert.match(text, /^smoothgate_request_duration_seconds_count\{handler="proxy"\} 3$/m);
  assert.match(text, /^smoothgate_index_cache_hits_total 0$/m, 'a counter no worker touched still shows 0');
});
