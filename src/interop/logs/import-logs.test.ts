import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../input/errors.js';
import { parseDocument, parseScenario } from '../../scenario/index.js';
import { MAX_LINE_CHARS } from './lines.js';
import { importLogs } from './import-logs.js';
import type { LogModel } from './model.js';
import { formatLines, generate, NGINX_TEST_FORMAT, TEST_FORMAT_SPECS, tempDir, type SyntheticSpec } from './testing.js';

// Truth: 3 servers with 2 FIFO workers each, the third at half speed; lognormal service, median
// 10 ms, σ 0.5; Poisson arrivals at 150 req/s for 5 minutes (≈ 45,000 requests, 60–90 % busy
// workers, so the logged times include a lot of queueing that the import must remove).
const TRUTH: SyntheticSpec = {
  seed: 11,
  rate: 150,
  durationS: 300,
  servers: [
    { name: '10.0.0.1:80', workers: 2 },
    { name: '10.0.0.2:80', workers: 2 },
    { name: '10.0.0.3:80', workers: 2, speed: 0.5 },
  ],
  service: { dist: 'lognormal', mu: Math.log(10), sigma: 0.5 },
};

const tmp = tempDir();
afterAll(() => tmp.remove());

function lognormalOf(m: LogModel): { mu: number; sigma: number } {
  expect(m.base.dist).toBe('lognormal');
  return m.base as { mu: number; sigma: number };
}

// Tolerances for every format: μ within 0.03 (3 % on the median), σ within 6 %, the slow server's
// speed within 0.05 of 0.5 and the others exactly 1, workers exactly 2, the mean rate within 2 %,
// Poisson recognized, and the check against the log agreeing.
describe('every format recovers the generating model', () => {
  const reqs = generate(TRUTH);
  for (const format of ['nginx', 'haproxy', 'envoy', 'jsonl', 'csv'] as const) {
    it(format, async () => {
      const file = tmp.write(`access-${format}.log`, formatLines(reqs, TRUTH, format));
      const out = await importLogs({ logs: [file], format: TEST_FORMAT_SPECS[format] });
      const m = out.section.model;
      const ln = lognormalOf(m);
      expect(Math.abs(ln.mu - Math.log(10))).toBeLessThan(0.03);
      expect(Math.abs(ln.sigma / 0.5 - 1)).toBeLessThan(0.06);
      const speeds = m.servers.map((s) => s.speed);
      expect(speeds[0]).toBe(1);
      expect(speeds[1]).toBe(1);
      expect(Math.abs(speeds[2]! - 0.5)).toBeLessThan(0.05);
      expect(m.servers.map((s) => s.demand.workers)).toEqual([2, 2, 2]);
      expect(Math.abs(m.arrivals.meanRate / 150 - 1)).toBeLessThan(0.02);
      expect(m.arrivals.poisson).toBe(true);
      expect(out.section.check!.agrees).toBe(true);
      // the written scenario loads
      const sc = parseScenario(parseDocument(out.text, 'x.yaml'), 'x.yaml');
      expect(sc.backends.map((b) => b.workers)).toEqual([2, 2, 2]);
      expect(out.text).toContain('de-queued by low-concurrency selection');
      expect(out.text).toMatch(/verdict: agrees/);
    });
  }

  it('reads gzip (same model as the plain file)', async () => {
    const lines = formatLines(reqs, TRUTH, 'nginx');
    const plain = await importLogs({ logs: [tmp.write('plain.log', lines)], format: TEST_FORMAT_SPECS.nginx });
    const gz = await importLogs({ logs: [tmp.write('gz.log.gz', lines, true)], format: TEST_FORMAT_SPECS.nginx });
    expect(gz.section.model.base).toEqual(plain.section.model.base);
    expect(gz.section.model.requests).toBe(plain.section.model.requests);
  });
});

describe('format from the imported nginx config', () => {
  it('takes log_format from the access_log where the upstream is proxied, and the config strategy', async () => {
    const reqs = generate({ ...TRUTH, keys: { count: 2000, exponent: 1 } });
    const log = tmp.write('timed.log', formatLines(reqs, TRUTH, 'nginx'));
    const conf = tmp.write(
      'nginx.conf',
      `events {}
http {
  log_format timed '${NGINX_TEST_FORMAT}';
  access_log /var/log/nginx/other.log combined;
  upstream app {
    hash $http_x_key consistent;
    server 10.0.0.1:80;
    server 10.0.0.2:80;
    server 10.0.0.3:80;
  }
  server {
    listen 80;
    location / {
      access_log /var/log/nginx/timed.log timed;
      proxy_pass http://app;
    }
  }
}
`,
    );
    const out = await importLogs({ logs: [log], config: conf });
    expect(out.section.format.name).toMatch(/log_format "timed" \(nginx.conf:3\)/);
    expect(out.section.check!.strategy).toBe('consistent-hash');
    const keys = out.section.model.keys!;
    expect(keys.popularity).toBe('zipf');
    expect(Math.abs(keys.exponent - 1)).toBeLessThan(0.15);
    expect(Math.abs(keys.count / 2000 - 1)).toBeLessThan(0.05);
    const sc = parseScenario(parseDocument(out.text, 'x.yaml'), 'x.yaml');
    expect(sc.clients.keys.popularity).toBe('zipf');
    expect(sc.backends.map((b) => b.name)).toEqual(['10.0.0.1_80', '10.0.0.2_80', '10.0.0.3_80']);
  });

  it('says which field is missing and how to add it when the config logs with combined', async () => {
    const log = tmp.write('combined.log', ['127.0.0.1 - - [10/Oct/2000:13:55:36 -0700] "GET / HTTP/1.0" 200 2326 "-" "curl"']);
    const conf = tmp.write('plain.conf', 'http { upstream app { server 10.0.0.1:80; server 10.0.0.2:80; } server { location / { proxy_pass http://app; } } }\n');
    const err = await importLogs({ logs: [log], config: conf }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(String((err as Error).message)).toMatch(/combined.log: nginx log_format "combined".*has no upstream response time.*add \$upstream_response_time, \$upstream_addr and \$msec/);
  });
});

describe('what else is fitted', () => {
  it('request classes with their own service factors', async () => {
    const spec: SyntheticSpec = {
      ...TRUTH,
      seed: 3,
      rate: 100,
      classes: [
        { path: '/api/items/{n}', share: 0.85, factor: 1 },
        { path: '/api/reports/{n}', share: 0.15, factor: 5 },
      ],
    };
    const out = await importLogs({ logs: [tmp.write('classes.log', formatLines(generate(spec), spec, 'nginx'))], format: TEST_FORMAT_SPECS.nginx });
    const cls = out.section.model.classes;
    const report = cls.find((c) => c.name === 'GET /api/reports/{n}')!;
    const items = cls.find((c) => c.name === 'GET /api/items/{n}' || c.name === 'other')!;
    expect(Math.abs(report.share - 0.15)).toBeLessThan(0.02);
    expect(Math.abs(report.serviceFactor / items.serviceFactor / 5 - 1)).toBeLessThan(0.1);
    expect(out.text).toMatch(/classes: \[/);
  });

  it('bursty arrivals: not Poisson, on/off rates and periods recovered', async () => {
    const spec: SyntheticSpec = { ...TRUTH, seed: 5, rate: 50, bursty: { burstRate: 400, onMs: 2000, offMs: 8000 } };
    const out = await importLogs({ logs: [tmp.write('bursty.log', formatLines(generate(spec), spec, 'haproxy'))], format: 'haproxy' });
    const a = out.section.model.arrivals;
    expect(a.poisson).toBe(false);
    expect(a.use).toBe('bursty');
    const b = a.bursty!;
    expect(Math.abs(b.burstRate / 400 - 1)).toBeLessThan(0.15);
    expect(Math.abs(b.rate / 50 - 1)).toBeLessThan(0.2);
    expect(Math.abs(b.onMs / 2000 - 1)).toBeLessThan(0.2);
    expect(Math.abs(b.offMs / 8000 - 1)).toBeLessThan(0.2);
  });

  it('errors: a server answering 5 % 500s gets an errors fault', async () => {
    const spec: SyntheticSpec = { ...TRUTH, seed: 9, servers: [TRUTH.servers[0]!, { name: '10.0.0.2:80', workers: 2, errorFraction: 0.05 }] , rate: 100 };
    const out = await importLogs({ logs: [tmp.write('errors.log', formatLines(generate(spec), spec, 'nginx'))], format: TEST_FORMAT_SPECS.nginx });
    const e = out.section.model.servers[1]!.errors!;
    expect(Math.abs(e.fraction - 0.05)).toBeLessThan(0.01);
    expect(e.status).toBe(500);
    expect(out.section.model.servers[0]!.errors).toBeUndefined();
    const sc = parseScenario(parseDocument(out.text, 'x.yaml'), 'x.yaml');
    expect(sc.faults?.[0]).toMatchObject({ kind: 'errors', backends: ['10.0.0.2_80'], status: 500 });
  });
});

describe('bad input', () => {
  const good = formatLines(generate({ ...TRUTH, durationS: 120, rate: 50 }), TRUTH, 'nginx');
  const spec = TEST_FORMAT_SPECS.nginx;

  it('more than 1 % unparseable lines: the error names the format and shows the first such line', async () => {
    const lines = [...good];
    for (let k = 10; k < lines.length; k += 50) lines[k] = `garbage line ${k}`;
    const err = await importLogs({ logs: [tmp.write('bad.log', lines)], format: spec }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as Error).message).toMatch(/bad.log:11: \d+ of \d+ lines \(2\.0 %\) do not match the nginx log_format given with --log-format.*this is the first: "garbage line 10"/);
  });

  it('a line longer than the limit is a malformed line, shown by its start', async () => {
    const lines = [...good];
    lines[5] = `x${'y'.repeat(MAX_LINE_CHARS + 10)}`;
    const out = await importLogs({ logs: [tmp.write('long.log', lines)], format: spec, check: false });
    expect(out.warnings[0]).toMatch(new RegExp(`long.log:6: does not match .*skipped: xy{199}… \\(longer than ${MAX_LINE_CHARS} characters\\)$`));
    expect(out.section.unparsed).toBe(1);
  });

  it('fewer than 1 %: skipped, the first ones shown with their line numbers', async () => {
    const lines = [...good];
    lines[3] = 'oops';
    const out = await importLogs({ logs: [tmp.write('few.log', lines)], format: spec });
    expect(out.warnings[0]).toMatch(/few.log:4: does not match .*skipped: oops/);
  });

  it('empty, shorter than a minute, one server, no upstream time', async () => {
    const msg = async (lines: string[], name: string) => String(((await importLogs({ logs: [tmp.write(name, lines)], format: spec }).catch((e: unknown) => e)) as Error).message);
    expect(await msg([], 'empty.log')).toMatch(/empty.log: is empty/);
    const short = formatLines(generate({ ...TRUTH, durationS: 30, rate: 50 }), TRUTH, 'nginx');
    expect(await msg(short, 'short.log')).toMatch(/short.log: spans only (2\d|30)\.\d s of traffic .* at least 60 s/);
    const one = formatLines(generate({ ...TRUTH, durationS: 90, rate: 20, servers: [TRUTH.servers[0]!] }), TRUTH, 'nginx');
    expect(await msg(one, 'one.log')).toMatch(/one.log: every request went to one server \(10.0.0.1:80\)/);
    const dashes = good.map((l) => l.replace(/ \d+\.\d{3} (10\.0\.0\.\d:80)/, ' - $1'));
    expect(await msg(dashes, 'dash.log')).toMatch(/no request has an upstream time/);
  });

  it('no --log-format and no config', async () => {
    const err = await importLogs({ logs: [tmp.write('x.log', good)] }).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/--log-format: is required when no proxy config is imported/);
  });
});
