import { describe, expect, it } from 'vitest';
import { findStrategy } from '../registry.js';
import { MAX_DRAWS, MAX_PROBE_POOL } from './work-cap.js';

/** The first issue of parsing `options` for `name`, as "path: message", or 'ok'. */
function firstIssue(name: string, options: Record<string, unknown>): string {
  const r = findStrategy(name)!.options.safeParse(options);
  if (r.success) return 'ok';
  const i = r.error.issues[0]!;
  return `${i.path.join('.')}: ${i.message}`;
}

describe('work caps on strategy options', () => {
  it('refuses more draws per pick than the cap, for every flavor that draws', () => {
    for (const flavor of ['paper', 'haproxy', 'envoy']) {
      expect(firstIssue('p2c', { flavor, draws: MAX_DRAWS })).toBe('ok');
      expect(firstIssue('p2c', { flavor, draws: 2e9 })).toBe('draws: at most 1,024 (each pick makes one draw per candidate)');
    }
    expect(firstIssue('p2c', { draws: MAX_DRAWS + 1, replacement: true })).toMatch(/^draws: at most 1,024/);
    expect(firstIssue('peak-ewma', { draws: MAX_DRAWS + 1 })).toMatch(/^draws: at most 1,024/);
  });

  it("refuses prequal probes and pools beyond the cap", () => {
    expect(firstIssue('prequal', { probes: MAX_DRAWS, poolSize: MAX_PROBE_POOL })).toBe('ok');
    expect(firstIssue('prequal', { probes: MAX_DRAWS + 1 })).toMatch(/^probes: at most 1,024/);
    expect(firstIssue('prequal', { poolSize: 1e9 })).toBe('poolSize: at most 65,536 (the pool is allocated up front and scanned on every pick)');
  });
});
