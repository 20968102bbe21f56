import { describe, it, expect } from 'vitest';
import { requestInfo } from '../core/view.js';
import type { Strategy } from '../core/strategy.js';
import { fixtureView, makeStrategy, makeStrategyWithRng, scriptedRng, type FixtureView } from './test/fixture.js';
import { ATW_FLOOR, ATW_INTERVAL_MS, strategy } from './weighted-random.js';

const req = requestInfo();

function shares(s: Strategy, view: FixtureView, n: number): number[] {
  const counts = new Array<number>(view.size).fill(0);
  for (let k = 0; k < n; k++) counts[s.pick(view, req)]!++;
  return counts.map((c) => c / n);
}

describe('weighted-random', () => {
  it('weights 1,2,3,4: 100k picks, shares within ±1 % abs of 10/20/30/40 %', () => {
    const view = fixtureView(4, [1, 2, 3, 4]);
    const { strategy: s } = makeStrategy('weighted-random', view, {}, 11);
    const got = shares(s, view, 100_000);
    [0.1, 0.2, 0.3, 0.4].forEach((p, i) => expect(Math.abs(got[i]! - p)).toBeLessThan(0.01));
  });

  it('rebuilds its cumulative weights when eligibility changes (ineligible never picked)', () => {
    const view = fixtureView(4, [1, 2, 3, 4]);
    const { strategy: s } = makeStrategy('weighted-random', view, {}, 12);
    shares(s, view, 1000);
    view.setEligible(3, false);
    const got = shares(s, view, 60_000);
    expect(got[3]).toBe(0);
    [1 / 6, 2 / 6, 3 / 6].forEach((p, i) => expect(Math.abs(got[i]! - p)).toBeLessThan(0.01));
  });

  it('rebuilds when a weight changes (slow start, re-weight)', () => {
    const view = fixtureView(2, [1, 1]);
    const { strategy: s } = makeStrategy('weighted-random', view, {}, 13);
    shares(s, view, 1000);
    view.weight[1] = 3;
    view.refresh();
    const got = shares(s, view, 60_000);
    expect(Math.abs(got[1]! - 0.75)).toBeLessThan(0.01);
  });

  it('golden sequence (seed 7), across an eligibility change and a slow-start weight', () => {
    // Recorded from the earlier implementation that compared the list and weights on every pick.
    const view = fixtureView(6, [1, 2, 3, 4, 5, 6]);
    const { strategy: s } = makeStrategy('weighted-random', view, {}, 7);
    const seq = Array.from({ length: 20 }, () => s.pick(view, req));
    view.setEligible(2, false);
    view.weight[5] = 0.5;
    view.refresh();
    seq.push(...Array.from({ length: 20 }, () => s.pick(view, req)));
    expect(seq).toEqual([4, 4, 2, 0, 3, 5, 1, 0, 2, 5, 4, 4, 5, 4, 5, 5, 3, 4, 5, 4, 0, 1, 4, 3, 4, 4, 4, 1, 4, 4, 4, 4, 4, 1, 3, 0, 3, 3, 3, 1]);
  });

  it('the table follows view.version: equal versions reuse it, a new version rebuilds it', () => {
    const view = fixtureView(2, [1, 1]);
    const { strategy: s } = makeStrategy('weighted-random', view, {}, 14);
    shares(s, view, 10);
    view.weight[1] = 0; // contract broken on purpose (no refresh): the cached table stays in use
    expect(shares(s, view, 20_000)[1]).toBeGreaterThan(0.45);
    view.refresh();
    expect(shares(s, view, 1000)[1]).toBe(0);
  });

  it('returns -1 when no backend is eligible', () => {
    const view = fixtureView(2);
    const { strategy: s } = makeStrategy('weighted-random', view);
    view.setEligible(0, false).setEligible(1, false);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('same seed → same sequence', () => {
    const view = fixtureView(5, [1, 2, 3, 4, 5]);
    const seq = (seed: number) => {
      const { strategy: s } = makeStrategy('weighted-random', view, {}, seed);
      return Array.from({ length: 50 }, () => s.pick(view, req));
    };
    expect(seq(5)).toEqual(seq(5));
    expect(seq(5)).not.toEqual(seq(6));
  });

  it('parses {} and rejects unknown options', () => {
    expect(strategy.options.parse({})).toEqual({});
    expect(() => strategy.options.parse({ x: 1 })).toThrow();
  });
});

describe('weighted-random flavor nginx (ngx_http_upstream_peek_random_peer, nginx src/http/modules/ngx_http_upstream_random_module.c)', () => {
  it('x = random % total_weight falls in the peer whose range starts at or below it: weights 1, 2, 3', () => {
    // ngx_http_upstream_update_random: ranges[i].range = the weights before peer i (0, 1, 3);
    // ngx_http_upstream_peek_random_peer binary-searches x in them: x = 0 → p0, 1..2 → p1, 3..5 → p2.
    // lbsim's draw is a uniform u in [0, 1) scaled by the total; u = x / 6 (rounded up to the
    // stream's 2^-32 grid) is nginx's x.
    const view = fixtureView(3, [1, 2, 3]);
    const xs = [0, 1, 2, 3, 4, 5, 2, 0];
    const s = makeStrategyWithRng('weighted-random', view, { flavor: 'nginx' }, scriptedRng(xs.map((x) => Math.ceil((x * 4294967296) / 6))));
    expect(xs.map(() => s.pick(view, req))).toEqual([0, 1, 1, 2, 2, 2, 1, 0]);
  });
});

describe('weighted-random flavor haproxy (get_server_rnd with random(1), HAProxy 3.4.0 src/backend.c)', () => {
  it('one random 32-bit point on the chash tree: the closest node (C transcription of chash_get_server_hash)', () => {
    const view = fixtureView(4, [1, 2, 1, 1]);
    const points = [0, 1, 123456789, 2147483648, 4000000000, 4294967295];
    const s = makeStrategyWithRng('weighted-random', view, { flavor: 'haproxy' }, scriptedRng(points));
    expect(points.map(() => s.pick(view, req))).toEqual([3, 3, 3, 1, 0, 3]);
  });

  it("shares are the servers' arcs of the circle: about ∝ weight over many servers, not exactly", () => {
    const view = fixtureView(40, Array.from({ length: 40 }, (_, i) => 1 + (i % 2)));
    const { strategy: s } = makeStrategy('weighted-random', view, { flavor: 'haproxy' }, 3);
    const got = shares(s, view, 120_000);
    const heavy = got.filter((_, i) => i % 2 === 1).reduce((a, b) => a + b, 0);
    expect(Math.abs(heavy - 2 / 3)).toBeLessThan(0.05);
  });
});

describe('weighted-random flavor aws (ALB weighted_random with Automatic Target Weights: the assumed rule)', () => {
  /** Runs `periods` ATW periods: 600 picks per period, target `bad` failing every other attempt. */
  function run(n: number, bad: number[], periods: number, mitigate = true): number[] {
    const view = fixtureView(n);
    const { strategy: s } = makeStrategy('weighted-random', view, { flavor: 'aws', anomalyMitigation: mitigate }, 17);
    let last: number[] = [];
    for (let p = 0; p < periods; p++) {
      const c = new Array<number>(n).fill(0);
      for (let k = 0; k < 600; k++) {
        view.now = p * ATW_INTERVAL_MS + (k * ATW_INTERVAL_MS) / 600;
        const i = s.pick(view, req);
        c[i]!++;
        s.released!(i, bad.includes(i) && k % 2 === 0, 1, view.now, 0);
      }
      last = c.map((x) => x / 600);
    }
    return last;
  }

  it('without mitigation: uniform over the healthy targets', () => {
    for (const p of run(4, [0], 3, false)) expect(Math.abs(p - 0.25)).toBeLessThan(0.06);
  });

  it('an anomalous target’s weight halves per period, down to 1/64, and the others take its traffic', () => {
    // Period 1 measures; from period 2 on the factor is 1/2, 1/4, …: in period 4 it is 1/8.
    const got = run(4, [0], 4);
    expect(got[0]!).toBeLessThan(0.1); // expected (1/8) / (3 + 1/8) = 4 %
    expect(ATW_FLOOR).toBe(1 / 64);
  });

  it('fewer than three targets: no detection (AWS: at least three healthy targets)', () => {
    const got = run(2, [0], 4);
    expect(Math.abs(got[0]! - 0.5)).toBeLessThan(0.08);
  });

  it('at most half of the targets are mitigated at once', () => {
    const got = run(4, [0, 1, 2], 5);
    // Three failing targets: the pooled ratio of the others stays low for each, but only two are cut.
    const cut = got.filter((p) => p < 0.1).length;
    expect(cut).toBeLessThanOrEqual(2);
  });

  it('anomalyMitigation belongs to flavor aws', () => {
    expect(strategy.options.safeParse({ anomalyMitigation: true }).error?.issues[0]?.message).toBe('applies to flavor aws only (the flavor here is nginx)');
  });
});
