import { describe, it, expect } from 'vitest';
import { Rng } from '../core/rng.js';
import type { Strategy } from '../core/strategy.js';
import { requestInfo } from '../core/view.js';
import { fixtureView, makeStrategy, makeStrategyWithRng, scriptedRng, type FixtureView } from './test/fixture.js';
import { strategy } from './p2c.js';
import { DistinctSampler } from './support/sampling.js';

const req = requestInfo();

function shares(s: Strategy, view: FixtureView, n: number): number[] {
  const counts = new Array<number>(view.size).fill(0);
  for (let k = 0; k < n; k++) counts[s.pick(view, req)]!++;
  return counts.map((c) => c / n);
}

describe('p2c', () => {
  it('distinct draws: 3 equal backends, one busy → the busy one gets 0 % over 30k picks', () => {
    const view = fixtureView(3);
    view.active.set([5, 0, 0]);
    const { strategy: s } = makeStrategy('p2c', view, {}, 21);
    const got = shares(s, view, 30_000);
    expect(got[0]).toBe(0);
    expect(Math.abs(got[1]! - 0.5)).toBeLessThan(0.02);
    expect(Math.abs(got[2]! - 0.5)).toBeLessThan(0.02);
  });

  it('with replacement: Envoy vector 44.4 / 44.4 / 11.1 % within ±1 % abs (100k picks)', () => {
    const view = fixtureView(3);
    view.active.set([0, 0, 5]);
    const { strategy: s } = makeStrategy('p2c', view, { replacement: true }, 22);
    const got = shares(s, view, 100_000);
    expect(Math.abs(got[0]! - 4 / 9)).toBeLessThan(0.01);
    expect(Math.abs(got[1]! - 4 / 9)).toBeLessThan(0.01);
    expect(Math.abs(got[2]! - 1 / 9)).toBeLessThan(0.01);
  });

  it('equal load spreads uniformly: 4 backends, 100k picks, each within ±1 % abs of 25 %', () => {
    const view = fixtureView(4);
    const { strategy: s } = makeStrategy('p2c', view, {}, 23);
    for (const p of shares(s, view, 100_000)) expect(Math.abs(p - 0.25)).toBeLessThan(0.01);
  });

  it('compares active/weight: weights [1,4], active [1,2] → backend 1 every time', () => {
    const view = fixtureView(2, [1, 4]);
    view.active.set([1, 2]);
    const { strategy: s } = makeStrategy('p2c', view);
    expect(shares(s, view, 1000)).toEqual([0, 1]);
  });

  it('count ≤ draws considers every eligible backend', () => {
    const view = fixtureView(3);
    view.active.set([3, 1, 2]);
    const { strategy: s } = makeStrategy('p2c', view, { draws: 3 });
    expect(shares(s, view, 1000)).toEqual([0, 1, 0]);
    const one = fixtureView(1);
    const { strategy: t } = makeStrategy('p2c', one);
    expect(t.pick(one, req)).toBe(0);
  });

  it('never picks an ineligible backend', () => {
    const view = fixtureView(4);
    view.setEligible(1, false);
    const { strategy: s } = makeStrategy('p2c', view);
    const got = shares(s, view, 20_000);
    expect(got[1]).toBe(0);
  });

  it('returns -1 when no backend is eligible', () => {
    const view = fixtureView(2);
    view.setEligible(0, false).setEligible(1, false);
    const { strategy: s } = makeStrategy('p2c', view);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('same seed → same sequence', () => {
    const view = fixtureView(10);
    view.active.set([3, 1, 4, 1, 5, 9, 2, 6, 5, 3]);
    const seq = (seed: number) => {
      const { strategy: s } = makeStrategy('p2c', view, {}, seed);
      return Array.from({ length: 50 }, () => s.pick(view, req));
    };
    expect(seq(8)).toEqual(seq(8));
    expect(seq(8)).not.toEqual(seq(9));
  });

  it('DistinctSampler draws distinct positions with a uniform first position', () => {
    const sampler = new DistinctSampler();
    const rng = new Rng(5);
    const first = [0, 0, 0, 0, 0];
    let bad = 0;
    for (let k = 0; k < 50_000; k++) {
      const m = sampler.sample(5, 3, rng);
      const a = sampler.pos[0]!;
      const b = sampler.pos[1]!;
      const c = sampler.pos[2]!;
      if (m !== 3 || a === b || a === c || b === c || a > 4 || b > 4 || c > 4) bad++;
      first[a]!++;
    }
    expect(bad).toBe(0);
    for (const f of first) expect(Math.abs(f / 50_000 - 0.2)).toBeLessThan(0.01);
    expect(sampler.sample(2, 3, rng)).toBe(2);
    expect([sampler.pos[0], sampler.pos[1]].sort()).toEqual([0, 1]);
  });

  it('defaults draws=2 distinct (flavor paper); rejects draws < 2 and unknown keys', () => {
    expect(strategy.options.parse({})).toEqual({ draws: 2, replacement: false });
    expect(() => strategy.options.parse({ draws: 1 })).toThrow();
    expect(() => strategy.options.parse({ draws: 2.5 })).toThrow();
    expect(() => strategy.options.parse({ d: 2 })).toThrow();
  });
});

describe('p2c flavor nginx (ngx_http_upstream_get_random2_peer, nginx 1.31.4 src/http/modules/ngx_http_upstream_random_module.c)', () => {
  // Weights 1, 2, 3: ngx_http_upstream_peek_random_peer maps x = ngx_random() % 6 to b0 for 0,
  // b1 for 1–2, b2 for 3–5 (the `ranges` table of configured weights).
  it('two weighted draws; on equal conns / weight the SECOND wins', () => {
    const view = fixtureView(3, [1, 2, 3]);
    const s = makeStrategyWithRng('p2c', view, { flavor: 'nginx' }, scriptedRng([1, 4, 4, 1]));
    expect(s.pick(view, req)).toBe(2); // b1 then b2, both idle: b2
    expect(s.pick(view, req)).toBe(1); // b2 then b1: b1
  });

  it('the first is kept only when the second is busier per weight (conns × w_first > conns_first × w)', () => {
    const view = fixtureView(3, [1, 2, 3]);
    view.active.set([0, 0, 1]);
    view.refresh();
    const s = makeStrategyWithRng('p2c', view, { flavor: 'nginx' }, scriptedRng([1, 4]));
    expect(s.pick(view, req)).toBe(1); // 1 × 2 > 0 × 3
  });

  it('a draw equal to the first, or not usable, is drawn again', () => {
    const view = fixtureView(3, [1, 2, 3]);
    view.setEligible(0, false);
    // b1, b1 again (peer == prev), b0 (down), b2.
    const s = makeStrategyWithRng('p2c', view, { flavor: 'nginx' }, scriptedRng([2, 1, 0, 5]));
    expect(s.pick(view, req)).toBe(2);
  });

  it('after 21 draws without a pair (++rp->tries > 20) nginx falls back to round robin', () => {
    const view = fixtureView(3, [1, 2, 3]);
    view.setEligible(0, false).setEligible(1, false);
    // b2 once, then 20 more draws of b2 (== prev): 21 draws without a pair → smooth WRR → b2. The
    // script holds exactly 21 draws, so a 22nd would throw.
    const s = makeStrategyWithRng('p2c', view, { flavor: 'nginx' }, scriptedRng(new Array(21).fill(5)));
    expect(s.pick(view, req)).toBe(2);
    const v2 = fixtureView(3, [1, 2, 3]).setEligible(2, false);
    const t = makeStrategyWithRng('p2c', v2, { flavor: 'nginx' }, scriptedRng(new Array(21).fill(5)));
    expect(t.pick(v2, req)).toBe(1); // 21 rejections of b2 → round robin over b0, b1 (weights 1, 2) → b1
  });

  it('idle weights 1:3 → the LIGHTER server gets 3/4 (distinct weighted draws, the second wins ties)', () => {
    const view = fixtureView(2, [1, 3]);
    const { strategy: s } = makeStrategy('p2c', view, { flavor: 'nginx' }, 31);
    const got = shares(s, view, 40_000);
    expect(Math.abs(got[0]! - 0.75)).toBeLessThan(0.01);
  });

  it('nginx draws exactly two', () => {
    expect(strategy.options.safeParse({ flavor: 'nginx', draws: 3 }).error?.issues[0]?.message).toBe('nginx `random two` draws exactly 2 (flavor nginx)');
    expect(strategy.options.safeParse({ flavor: 'nginx', replacement: true }).error?.issues[0]?.message).toBe('applies to flavor paper only (the flavor here is nginx)');
  });
});

describe('p2c flavor haproxy (get_server_rnd, HAProxy 3.4.0 src/backend.c)', () => {
  // Weights 1, 2, 1, 1 on HAProxy's chash tree: the random values below land on (C transcription of
  // chash_get_server_hash) 123456789 → b3, 2147483648 → b1, 4000000000 → b0, 1 → b3.
  it('draws on the consistent-hash tree; the busier per eweight loses', () => {
    const view = fixtureView(4, [1, 2, 1, 1]);
    view.active.set([0, 1, 0, 2]);
    view.refresh();
    const s = makeStrategyWithRng('p2c', view, { flavor: 'haproxy' }, scriptedRng([123456789, 2147483648]));
    expect(s.pick(view, req)).toBe(1); // b3 (2 × 32) vs b1 (1 × 16): b1
  });

  it('the same server twice is simply chosen', () => {
    const view = fixtureView(4, [1, 2, 1, 1]);
    const s = makeStrategyWithRng('p2c', view, { flavor: 'haproxy' }, scriptedRng([1, 123456789]));
    expect(s.pick(view, req)).toBe(3);
  });

  it('equal load: the lower session rate per weight stays, else the later draw', () => {
    const view = fixtureView(4, [1, 2, 1, 1]);
    const s = makeStrategyWithRng('p2c', view, { flavor: 'haproxy' }, scriptedRng([4000000000, 123456789, 4000000000, 123456789]));
    expect(s.pick(view, req)).toBe(3); // b0 then b3, idle, both rates 0: the later draw (b3)
    expect(s.pick(view, req)).toBe(0); // the same draws; b3 has had a session this second, b0 none: b0 stays
  });

  it('random(3): three draws', () => {
    const view = fixtureView(4, [1, 2, 1, 1]);
    view.active.set([3, 1, 0, 2]);
    view.refresh();
    const s = makeStrategyWithRng('p2c', view, { flavor: 'haproxy', draws: 3 }, scriptedRng([4000000000, 2147483648, 1]));
    expect(s.pick(view, req)).toBe(1); // b0 (3×32) vs b1 (1×16) → b1; b1 (1×16) vs b3 (2×32) → b1
  });
});

describe('p2c flavor envoy (LEAST_REQUEST N_CHOICES: least_request_lb.cc, Envoy 1.36)', () => {
  it('equal weights: choice_count draws with replacement; the Envoy vector 44.4 / 44.4 / 11.1 %', () => {
    const view = fixtureView(3);
    view.active.set([0, 0, 5]);
    view.refresh();
    const { strategy: s } = makeStrategy('p2c', view, { flavor: 'envoy' }, 22);
    const got = shares(s, view, 100_000);
    expect(Math.abs(got[2]! - 1 / 9)).toBeLessThan(0.01);
    const { strategy: t } = makeStrategy('p2c', view, { flavor: 'envoy', draws: 3 }, 23);
    expect(Math.abs(shares(t, view, 100_000)[2]! - 1 / 27)).toBeLessThan(0.005);
  });

  it('a tie keeps the earlier draw (only strictly fewer active replaces it)', () => {
    const view = fixtureView(3);
    // seed_ (unused with equal weights), then draws b2, b0: both idle → b2.
    const s = makeStrategyWithRng('p2c', view, { flavor: 'envoy' }, scriptedRng([0, 2, 0]));
    expect(s.pick(view, req)).toBe(2);
  });

  it('unequal weights: the EDF schedule (same vectors as least-connections flavor envoy)', () => {
    const view = fixtureView(3, [1, 2, 1]);
    const s = makeStrategyWithRng('p2c', view, { flavor: 'envoy' }, scriptedRng([0]));
    const out: number[] = [];
    for (let k = 0; k < 12; k++) {
      const i = s.pick(view, req);
      out.push(i);
      view.active[i]!++;
      view.refresh();
    }
    expect(out).toEqual([1, 0, 2, 1, 0, 2, 1, 1, 0, 2, 1, 0]);
  });
});
