/**
 * The admin endpoint: `/metrics` is valid Prometheus text whose counters match the requests sent,
 * `/status` is the balancer's view as JSON, and drain / undrain / weight change routing at run time.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBackends, type TestBackend } from './testing/backends.js';
import { startTestProxy, TestClient, testConfig } from './testing/harness.js';
import { parsePrometheus, sumOf } from './testing/prom.js';
import type { RunningProxy } from './server.js';

let backends: TestBackend[];
let client: TestClient;
let proxy: RunningProxy;

beforeAll(async () => {
  backends = await startBackends('a', 'b', 'c');
  client = new TestClient();
  proxy = await startTestProxy(testConfig(backends, { strategy: 'weighted-round-robin' }, [2, 1, 1]));
});

afterAll(async () => {
  await proxy.close();
  await client.close();
  await Promise.all(backends.map((b) => b.stop()));
});

const id = (b: TestBackend): string => `127.0.0.1:${b.port}`;

describe('GET /metrics', () => {
  it('parses as Prometheus text and its counters match the requests sent', async () => {
    const sent = { ok: 0, notFound: 0 };
    for (let k = 0; k < 12; k++) {
      expect((await client.get(`${proxy.url}/`)).status).toBe(200);
      sent.ok++;
    }
    for (let k = 0; k < 4; k++) {
      expect((await client.get(`${proxy.url}/status/404`)).status).toBe(404);
      sent.notFound++;
    }
    const r = await client.get(`${proxy.adminUrl}/metrics`);
    expect(r.status).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parsePrometheus(r.text);
    expect(m.types.get('lbsim_requests_total')).toBe('counter');
    expect(m.types.get('lbsim_request_duration_seconds')).toBe('histogram');
    expect(m.types.get('lbsim_inflight')).toBe('gauge');
    expect(m.types.get('lbsim_backend_up')).toBe('gauge');
    expect(m.types.get('lbsim_backend_weight')).toBe('gauge');
    expect(m.types.get('lbsim_refused_total')).toBe('counter');

    expect(sumOf(m, 'lbsim_requests_total')).toBe(sent.ok + sent.notFound);
    expect(sumOf(m, 'lbsim_requests_total', { code: '200' })).toBe(sent.ok);
    expect(sumOf(m, 'lbsim_requests_total', { code: '404' })).toBe(sent.notFound);
    // Smooth WRR 2:1:1 over 16 sequential requests: 8, 4, 4.
    expect(sumOf(m, 'lbsim_requests_total', { backend: id(backends[0]!) })).toBe(8);
    expect(sumOf(m, 'lbsim_requests_total', { backend: id(backends[1]!) })).toBe(4);
    expect(sumOf(m, 'lbsim_requests_total', { backend: id(backends[2]!) })).toBe(4);
    // Histogram: +Inf bucket = count = requests; buckets cumulative.
    expect(sumOf(m, 'lbsim_request_duration_seconds_count')).toBe(16);
    expect(sumOf(m, 'lbsim_request_duration_seconds_bucket', { le: '+Inf' })).toBe(16);
    const aBuckets = m.samples.filter((s) => s.name === 'lbsim_request_duration_seconds_bucket' && s.labels.backend === id(backends[0]!));
    for (let k = 1; k < aBuckets.length; k++) expect(aBuckets[k]!.value).toBeGreaterThanOrEqual(aBuckets[k - 1]!.value);
    expect(sumOf(m, 'lbsim_inflight')).toBe(0);
    expect(sumOf(m, 'lbsim_backend_up')).toBe(3);
    expect(sumOf(m, 'lbsim_backend_weight', { backend: id(backends[0]!) })).toBe(2);
  });
});

describe('GET /status', () => {
  it('returns the balancer state and a config summary as JSON', async () => {
    const r = await client.get(`${proxy.adminUrl}/status`);
    expect(r.status).toBe(200);
    const s = JSON.parse(r.text) as { strategy: string; leasesOutstanding: number; backends: { id: string; state: string; weight: number }[]; config: { retries: { on: string[] } } };
    expect(s.strategy).toBe('weighted-round-robin');
    expect(s.leasesOutstanding).toBe(0);
    expect(s.backends.map((b) => [b.id, b.state, b.weight])).toEqual([
      [id(backends[0]!), 'up', 2],
      [id(backends[1]!), 'up', 1],
      [id(backends[2]!), 'up', 1],
    ]);
    expect(s.config.retries.on).toEqual(['connect', 'reset', 'timeout']);
  });
});

describe('drain and weight at run time', () => {
  it('drain stops new requests to a backend, undrain resumes them', async () => {
    const a = id(backends[0]!);
    const r = await client.send(`${proxy.adminUrl}/backends/${encodeURIComponent(a)}/drain`, { method: 'POST' });
    expect(r.status).toBe(200);
    const names = new Set<string>();
    for (let k = 0; k < 8; k++) names.add((await client.get(`${proxy.url}/`)).text);
    expect([...names].sort()).toEqual(['b', 'c']);
    const m = parsePrometheus((await client.get(`${proxy.adminUrl}/metrics`)).text);
    expect(sumOf(m, 'lbsim_backend_up', { backend: a })).toBe(0);
    expect((await client.send(`${proxy.adminUrl}/backends/${a}/undrain`, { method: 'POST' })).status).toBe(200);
    names.clear();
    for (let k = 0; k < 8; k++) names.add((await client.get(`${proxy.url}/`)).text);
    expect(names.has('a')).toBe(true);
  });

  it('weight re-weights a backend (query or JSON body) and reset restores it', async () => {
    const c = id(backends[2]!);
    expect((await client.send(`${proxy.adminUrl}/backends/${c}/weight?value=6`, { method: 'POST' })).status).toBe(200);
    expect(proxy.balancer.status()[2]!.weight).toBe(6);
    const r = await client.send(`${proxy.adminUrl}/backends/2/weight`, { method: 'POST', body: '{"value": 3}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(200);
    expect(proxy.balancer.status()[2]!.weight).toBe(3);
    expect((await client.send(`${proxy.adminUrl}/backends/${c}/weight?value=reset`, { method: 'POST' })).status).toBe(200);
    expect(proxy.balancer.status()[2]!.weight).toBe(1);
  });

  it('rejects unknown backends (404), bad weights (400) and wrong methods (405)', async () => {
    expect((await client.send(`${proxy.adminUrl}/backends/nope/drain`, { method: 'POST' })).status).toBe(404);
    expect((await client.send(`${proxy.adminUrl}/backends/0/weight?value=-1`, { method: 'POST' })).status).toBe(400);
    expect((await client.send(`${proxy.adminUrl}/backends/0/weight?value=abc`, { method: 'POST' })).status).toBe(400);
    expect((await client.send(`${proxy.adminUrl}/backends/0/weight?value=1e308`, { method: 'POST' })).status).toBe(400);
    expect((await client.send(`${proxy.adminUrl}/backends/0/weight?value=Infinity`, { method: 'POST' })).status).toBe(400);
    expect((await client.get(`${proxy.adminUrl}/backends/0/drain`)).status).toBe(405);
    expect((await client.get(`${proxy.adminUrl}/nothing`)).status).toBe(404);
  });
});
