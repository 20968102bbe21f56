import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/index.js';
import { retryOnFromHaproxy, retryOnFromNginx, retryOnToEnvoy, retryOnToHaproxy, retryOnToNginx } from './retry-on.js';
import { importText, roundTrip } from './testing.js';

const NGINX = `http {
  upstream app { server 10.0.0.11:8080; server 10.0.0.12:8080; server 10.0.0.13:8080; }
  server { listen 80; location / { proxy_pass http://app; proxy_next_upstream error timeout http_502; } }
}`;

describe('retry conditions between proxies and balancer.retryOn', () => {
  it('nginx proxy_next_upstream error timeout http_502 is imported as written and exported unchanged', () => {
    const imported = importText(NGINX, 'nginx', 'nginx.conf');
    expect(imported.config.retryOn).toEqual(['connect', 'reset', 'timeout', 502]);
    expect(imported.origins['balancer.retryOn']).toBe('proxy_next_upstream error timeout http_502');
    const sc = parseScenario(
      {
        clients: { arrival: 'poisson', rate: 100 },
        backends: [{ count: 3, service: { dist: 'exponential', mean: '1ms' } }],
        balancer: { retries: 2, retryOn: imported.config.retryOn },
        strategies: ['round-robin'],
      },
      't.yaml',
    );
    for (const format of ['nginx', 'haproxy'] as const) {
      const { exported, back } = roundTrip(sc, 'round-robin', format);
      expect(exported.warnings.filter((w) => w.feature === 'balancer.retryOn'), format).toEqual([]);
      expect(back.config.retryOn, format).toEqual(['connect', 'reset', 'timeout', 502]);
    }
    expect(roundTrip(sc, 'round-robin', 'nginx').exported.text).toContain('proxy_next_upstream error timeout http_502;');
  });

  it("without proxy_next_upstream nginx's default (error timeout) is what is retried", () => {
    const text = NGINX.replace(' proxy_next_upstream error timeout http_502;', '');
    expect(importText(text, 'nginx', 'nginx.conf').config.retryOn).toEqual(['connect', 'reset', 'timeout']);
  });

  it('names what a proxy cannot say instead of changing it silently', () => {
    expect(retryOnToNginx(['connect', 418])).toEqual({
      args: ['error'],
      lost: ['nginx "error" retries both connect errors and resets; lbsim retried only connect errors', 'nginx cannot retry on status 418'],
    });
    expect(retryOnToNginx(['5xx']).lost).toEqual(['nginx has no catch-all for 5xx: only 500, 502, 503 and 504 are retried']);
    expect(retryOnToNginx([]).args).toEqual(['off']);
    expect(retryOnToHaproxy(['timeout', 503])).toEqual({ args: ['response-timeout', '503'], lost: [] });
    expect(retryOnToEnvoy(['connect', 'timeout', 503])).toEqual({
      retryOn: ['connect-failure', 'reset', 'retriable-status-codes'],
      codes: [503],
      lost: ['Envoy "reset" retries both resets and per-try timeouts'],
    });
    expect(retryOnToEnvoy(['5xx', 502, 429]).codes).toEqual([429]);
  });

  it('reads the proxies keywords and reports the ones lbsim does not model', () => {
    expect(retryOnFromNginx(['error', 'invalid_header', 'http_404', 'non_idempotent'])).toEqual({
      on: ['connect', 'reset', 404],
      unmodelled: ['invalid_header', 'non_idempotent'],
    });
    expect(retryOnFromHaproxy(['conn-failure', 'response-timeout', '503', 'junk-response'])).toEqual({
      on: ['connect', 'timeout', 503],
      unmodelled: ['junk-response'],
    });
  });
});
