/**
 * import → export keeps the nginx lines lbsim does not model: for every importable nginx fixture,
 * the directives of the imported upstream that lbsim passes through (keepalive*, zone, …) and the
 * unmodelled lines beside its proxy_pass come back, verbatim, in the exported config; and every
 * server line comes back with the parameters it had (a backup keeps nginx's default failure
 * accounting beside primaries with max_fails=3).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportConfig } from '../export.js';
import { fixture, importFixture, importText, roundTrip } from '../testing.js';
import { nginxLine } from './import.js';
import { parseNginxFile, type NginxDirective } from './parser.js';

const DIR = fixture('nginx');
const FILES = readdirSync(DIR).filter((f) => f.endsWith('.conf') && f !== 'multi.conf');
const SECTION = new Set(['keepalive', 'keepalive_requests', 'keepalive_time', 'keepalive_timeout', 'zone']);
const NGINX_DEFAULTS = new Set(['weight=1', 'max_fails=1', 'fail_timeout=10s', 'fail_timeout=10']);
const LOCATION = /^(proxy_http_version|proxy_set_header|proxy_buffering|proxy_connect_timeout|proxy_send_timeout)$/;

function walk(list: NginxDirective[], visit: (d: NginxDirective, parent: NginxDirective[]) => void): void {
  for (const d of list) {
    visit(d, list);
    if (d.block) walk(d.block, visit);
  }
}

describe('nginx export gives back the directives lbsim does not model', () => {
  for (const file of FILES) {
    it(file, () => {
      const path = join(DIR, file);
      const cfg = parseNginxFile(path);
      const { scenario, result } = importFixture(path);
      const want: string[] = [];
      walk(cfg.directives, (d, parent) => {
        if (d.name === 'upstream' && d.args[0] === result.config.name) for (const x of d.block ?? []) if (SECTION.has(x.name)) want.push(nginxLine(x));
        if (d.name === 'proxy_pass' && d.args[0]?.includes(result.config.name)) for (const x of parent) if (LOCATION.test(x.name)) want.push(nginxLine(x));
      });
      const { exported } = roundTrip(scenario, result.config.strategy.name, 'nginx');
      for (const line of want) expect(exported.text, line).toContain(`${line};`);
    });
  }

  for (const file of FILES) {
    it(`${file}: every server line comes back with its parameters`, () => {
      const path = join(DIR, file);
      const { scenario, result } = importFixture(path);
      /**
       * address → parameters of the upstream's server lines, without those equal to nginx's defaults
       * (weight=1 max_fails=1 fail_timeout=10s: the same server) and slow_start (nginx Plus: exported
       * as a comment).
       */
      const servers = (directives: NginxDirective[]) => {
        const out = new Map<string, string[]>();
        walk(directives, (d) => {
          if (d.name === 'upstream' && d.args[0] === result.config.name) {
            for (const x of d.block ?? []) if (x.name === 'server') out.set(x.args[0]!, x.args.slice(1).filter((a) => !a.startsWith('slow_start=') && !NGINX_DEFAULTS.has(a)).sort());
          }
        });
        return out;
      };
      const { exported } = roundTrip(scenario, result.config.strategy.name, 'nginx');
      const tmp = mkdtempSync(join(tmpdir(), 'lbsim-nginx-back-'));
      try {
        writeFileSync(join(tmp, 'back.conf'), exported.text);
        expect(servers(parseNginxFile(join(tmp, 'back.conf')).directives)).toEqual(servers(parseNginxFile(path).directives));
      } finally {
        rmSync(tmp, { recursive: true, force: true });
      }
    });
  }

  it('a backup without failure settings beside primaries with max_fails=3 is exported without them', () => {
    const text = `upstream app { server 10.0.0.11:8080 max_fails=3 fail_timeout=30s; server 10.0.0.12:8080 max_fails=3 fail_timeout=30s; server 10.0.0.13:8080 backup; }`;
    const imported = importText(text, 'nginx', 'nginx.conf');
    expect(imported.config.passive).toEqual({ maxFails: 3, failTimeoutMs: 30_000 });
    expect(imported.config.passthrough?.servers).toEqual({ '10.0.0.13_8080': [] });
    const back = exportConfig(imported.config, 'nginx').text;
    expect(back).toContain('server 10.0.0.11:8080 max_fails=3 fail_timeout=30s;');
    expect(back).toContain('server 10.0.0.13:8080 backup;');
  });

  it('passes keepalive, zone, proxy_http_version and the Connection header through', () => {
    const text = `http {
  upstream app { zone app 64k; server 10.0.0.11:8080; server 10.0.0.12:8080; keepalive 32; }
  server { listen 80; location / { proxy_pass http://app; proxy_http_version 1.1; proxy_set_header Connection ""; } }
}`;
    const imported = importText(text, 'nginx', 'nginx.conf');
    expect(imported.config.passthrough).toEqual({
      format: 'nginx',
      section: ['zone app 64k', 'keepalive 32'],
      location: ['proxy_http_version 1.1', 'proxy_set_header Connection ""'],
    });
    const back = exportConfig(imported.config, 'nginx').text;
    for (const l of ['zone app 64k;', 'keepalive 32;', 'proxy_http_version 1.1;', 'proxy_set_header Connection "";']) expect(back).toContain(l);
  });
});
