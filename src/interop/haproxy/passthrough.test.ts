/**
 * import → export keeps the HAProxy lines lbsim does not model: for every importable HAProxy
 * fixture, exported to HAProxy through the written scenario (its `imported:` section), the backend's
 * unmodelled lines (`http-request …`, `stick-table …`, options and timeouts lbsim does not read)
 * and each server's unmodelled keywords (`send-proxy`, `ssl`, `resolvers dns`, …) come back
 * verbatim, and no others appear; an export to another format names what it leaves out.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportConfig, exportScenario } from '../export.js';
import { fixture, importFixture, importText, roundTrip } from '../testing.js';
import { parseHaproxy, type HaproxyLine, type HaproxySection } from './parser.js';

const DIR = fixture('haproxy');
const FILES: { file: string; upstream?: string }[] = [
  ...readdirSync(DIR).filter((f) => f.endsWith('.cfg') && f !== 'multi.cfg').map((file) => ({ file })),
  { file: 'multi.cfg', upstream: 'two' },
];

/** Section keywords lbsim models (an export writes them from the scenario), `mode http` included. */
const MODELLED = new Set(['balance', 'hash-type', 'hash-balance-factor', 'server', 'retries', 'retry-on', 'cookie']);
const MODELLED_OPTIONS = new Set(['redispatch', 'allbackups', 'httpchk']);
const MODELLED_TIMEOUTS = new Set(['queue', 'server', 'check']);
/** Keywords a listen section may have that a backend cannot (not exported). */
const FRONTEND = /^(bind|backlog|capture|declare|default_backend|use_backend|maxconn|monitor-uri|monitor|rate-limit|log-format|error-log-format)$/;
const FRONTEND_OPTIONS = /^(accept-invalid-http-request|clitcpka|contstats|dontlog-normal|dontlognull|http-ignore-probes|http-use-proxy-header|httplog|tcplog|logasap|socket-stats|log-separate-errors)$/;
/** Server keywords lbsim models, with how many values each takes. */
const SERVER_MODELLED: Record<string, number> = {
  weight: 1, maxconn: 1, maxqueue: 1, inter: 1, rise: 1, fall: 1, slowstart: 1, cookie: 1,
  check: 0, 'no-check': 0, backup: 0, 'no-backup': 0, disabled: 0, enabled: 0,
};
/** Server keywords that take no value (the importer's list, for splitting lines in this test). */
const FLAGS = /^(no-)?(check|check-ssl|ssl|send-proxy|send-proxy-v2|send-proxy-v2-ssl|send-proxy-v2-ssl-cn|agent-check|tfo|backup|verifyhost|tls-tickets|ssl-reuse|check-reuse-pool|sslv3|tlsv1[0-3])$|^(check-send-proxy|check-via-socks4|disabled|enabled|allow-0rtt|non-stick|stick|force-sslv3|force-tlsv1[0-3])$/;

/** The backend / listen section's lines lbsim does not model, as written. */
function unmodelledLines(section: HaproxySection): string[] {
  return section.lines
    .filter(({ words: [kw, a, b] }: HaproxyLine) => {
      if (kw === 'default-server' || MODELLED.has(kw!) || FRONTEND.test(kw!)) return false;
      if (kw === 'mode') return a !== 'http';
      if (kw === 'option') return !MODELLED_OPTIONS.has(a!) && !FRONTEND_OPTIONS.test(a!);
      if (kw === 'no' && a === 'option') return !MODELLED_OPTIONS.has(b!) && !FRONTEND_OPTIONS.test(b!);
      if (kw === 'timeout') return !MODELLED_TIMEOUTS.has(a!) && a !== 'client' && a !== 'client-fin';
      if (kw === 'tcp-request') return a !== 'connection' && a !== 'session';
      return true;
    })
    .map((l) => l.text)
    .sort();
}

/** Unmodelled keywords (with values) of a server or default-server line. */
function unmodelledWords(words: string[]): string[] {
  const out: string[] = [];
  for (let k = 0; k < words.length; k++) {
    const w = words[k]!;
    if (w in SERVER_MODELLED) k += SERVER_MODELLED[w]!;
    else if (FLAGS.test(w)) out.push(w);
    else out.push(`${w} ${words[++k] ?? ''}`.trim());
  }
  return out;
}

/** address → unmodelled keywords of its server line; and those of the section's default-server lines. */
function serverWords(section: HaproxySection): { servers: Map<string, string[]>; defaults: string[] } {
  const servers = new Map<string, string[]>();
  const defaults: string[] = [];
  for (const l of section.lines) {
    if (l.words[0] === 'server') servers.set(l.words[2]!, unmodelledWords(l.words.slice(3)).sort());
    if (l.words[0] === 'default-server') defaults.push(...unmodelledWords(l.words.slice(1)));
  }
  return { servers, defaults: defaults.sort() };
}

function sectionOf(text: string, file: string, name?: string): HaproxySection {
  const proxies = parseHaproxy(text, file).filter((s) => s.type === 'backend' || s.type === 'listen');
  return name === undefined ? proxies[0]! : proxies.find((s) => s.name === name)!;
}

describe('HAProxy export gives back the lines lbsim does not model', () => {
  for (const { file, upstream } of FILES) {
    it(file, () => {
      const path = join(DIR, file);
      const { scenario, result } = importFixture(path, upstream ? { upstream } : {});
      const { exported } = roundTrip(scenario, result.config.strategy.name, 'haproxy');
      const before = sectionOf(readFileSync(path, 'utf8'), path, upstream);
      const after = sectionOf(exported.text, 'exported.cfg');
      expect(unmodelledLines(after)).toEqual(unmodelledLines(before));
      const b = serverWords(before);
      const a = serverWords(after);
      expect(a.defaults).toEqual(b.defaults);
      // each server keeps its unmodelled keywords; a server's own check settings may be added
      // where they differ from the one check lbsim keeps (no-check, inter, rise, fall)
      for (const [address, words] of b.servers) {
        expect(a.servers.get(address)?.filter((w) => w !== 'no-check'), address).toEqual(words.filter((w) => w !== 'no-check'));
      }
      expect(exported.warnings.map((w) => w.feature)).not.toContain('imported directives');
    });
  }

  it('passthrough.cfg: the exported backend is the imported one, line for line, but for what lbsim writes', () => {
    const { scenario, result } = importFixture(join(DIR, 'passthrough.cfg'));
    expect(result.warnings.find((w) => w.directive === 'stick-table')?.message).toBe('not modelled by lbsim; kept for export');
    expect(result.warnings.find((w) => w.directive === 'server send-proxy-v2')?.message).toBe('not modelled by lbsim; kept for export');
    const text = roundTrip(scenario, 'least-connections', 'haproxy').exported.text;
    for (const line of [
      'http-reuse safe',
      'stick-table type ip size 100k expire 30s store http_req_rate(10s)',
      'http-request set-header X-Forwarded-Proto https if { ssl_fc }',
      'default-server ssl verify none init-addr last,libc,none',
      'default-server check inter 2s rise 2 fall 3',
      'server api1 10.0.20.1:8443 weight 2 send-proxy-v2 resolvers dns',
      // api2's own inter and fall differ from the check lbsim keeps; api3 had no check
      'server api2 10.0.20.2:8443 weight 2 sni str(api.internal) inter 5s fall 5',
      'server api3 10.0.20.3:8443 maxconn 50 no-check',
    ]) {
      expect(text).toContain(`    ${line}\n`);
    }
  });

  it('a listen section\'s frontend lines are not written into the exported backend', () => {
    const { result } = importFixture(join(DIR, 'listen-from.cfg'));
    expect(result.warnings.find((w) => w.directive === 'bind')?.message).toBe('not modelled by lbsim; frontend-side, not exported (an export is a backend section)');
    expect(result.config.passthrough?.section).toEqual(['option forwardfor', 'http-request set-header X-Forwarded-Proto https']);
  });

  it('quoted words come back quoted', () => {
    const back = importText('backend b\n    http-request set-header X-A "a b" # note\n    server s1 10.0.0.1:80 sni "str(a b)"\n', 'haproxy', 'q');
    expect(back.config.passthrough).toEqual({ format: 'haproxy', section: ['http-request set-header X-A "a b"'], servers: { s1: ['sni "str(a b)"'] } });
    const again = importText(exportConfig(back.config, 'haproxy').text, 'haproxy', 'q2');
    expect(again.config.passthrough).toEqual(back.config.passthrough);
  });

  it('an nginx or Envoy export leaves the HAProxy lines out and names them', () => {
    const { scenario, result } = importFixture(join(DIR, 'passthrough.cfg'));
    for (const format of ['nginx', 'envoy'] as const) {
      const { exported } = roundTrip(scenario, result.config.strategy.name, format);
      expect(exported.text).not.toContain('stick-table');
      expect(exported.text).not.toContain('send-proxy');
      const w = exported.warnings.find((x) => x.feature === 'imported directives');
      expect(w?.message).toMatch(/^the haproxy config's 14 line\(s\) lbsim does not model are haproxy-only and left out of this .* export: option forwardfor; /);
      expect(w?.message).toContain('stick-table type ip size 100k expire 30s store http_req_rate(10s)');
      expect(w?.message).toContain('server api1: send-proxy-v2 resolvers dns');
    }
  });

  it('through a scenario file: write the scenario, load it, export', () => {
    const { text } = importFixture(join(DIR, 'passthrough.cfg'));
    const dir = mkdtempSync(join(tmpdir(), 'lbsim-haproxy-pass-'));
    try {
      writeFileSync(join(dir, 'api.yaml'), text);
      const out = exportScenario(join(dir, 'api.yaml'), { strategy: 'least-connections', format: 'haproxy' });
      expect(out.text).toContain('    http-request track-sc0 src\n');
      expect(out.text).toContain('    server api1 10.0.20.1:8443 weight 2 send-proxy-v2 resolvers dns\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
