import { describe, it, expect } from 'vitest';
import { requestInfo } from '../core/view.js';
import type { Strategy } from '../core/strategy.js';
import { fixtureView, makeStrategy, makeStrategyWithRng, scriptedRng, type FixtureView } from './test/fixture.js';
import { fwlcKey, strategy } from './least-connections.js';

const req = requestInfo();

describe('least-connections', () => {
  it('weights [1,2,1,1], active [5,3,7,2] order backends 1, 3, 0, 2', () => {
    const view = fixtureView(4, [1, 2, 1, 1]);
    view.active.set([5, 3, 7, 2]);
    view.refresh();
    const { strategy: s } = makeStrategy('least-connections', view);
    const order: number[] = [];
    for (let k = 0; k < 4; k++) {
      const i = s.pick(view, req);
      order.push(i);
      view.active[i]! += 1000; // push the winner out of the way
    }
    expect(order).toEqual([1, 3, 0, 2]);
  });

  it('equal loads rotate (smooth WRR among the tied) instead of hitting the first backend', () => {
    const view = fixtureView(3);
    const { strategy: s } = makeStrategy('least-connections', view);
    expect(Array.from({ length: 6 }, () => s.pick(view, req))).toEqual([0, 1, 2, 0, 1, 2]);
  });

  it('ties are weighted: weights 2,1 at equal load give a b a', () => {
    const view = fixtureView(2, [2, 1]);
    const { strategy: s } = makeStrategy('least-connections', view);
    expect(Array.from({ length: 6 }, () => s.pick(view, req))).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('only the tied backends take part in the tie-break', () => {
    const view = fixtureView(3);
    view.active.set([1, 0, 0]);
    const { strategy: s } = makeStrategy('least-connections', view);
    expect(Array.from({ length: 4 }, () => s.pick(view, req))).toEqual([1, 2, 1, 2]);
  });

  it('without releases the load ends proportional to weight (400 picks → 100/200/100)', () => {
    const view = fixtureView(3, [1, 2, 1]);
    const { strategy: s } = makeStrategy('least-connections', view);
    for (let k = 0; k < 400; k++) view.active[s.pick(view, req)]! += 1;
    expect(Array.from(view.active)).toEqual([100, 200, 100]);
  });

  it('never picks an ineligible backend, even the least loaded', () => {
    const view = fixtureView(3);
    view.active.set([3, 0, 2]);
    view.setEligible(1, false);
    const { strategy: s } = makeStrategy('least-connections', view);
    expect(s.pick(view, req)).toBe(2);
  });

  it('returns -1 when no backend is eligible', () => {
    const view = fixtureView(1);
    const { strategy: s } = makeStrategy('least-connections', view);
    view.setEligible(0, false);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('parses {} and rejects unknown options', () => {
    expect(strategy.options.parse({})).toEqual({});
    expect(() => strategy.options.parse({ x: 1 })).toThrow();
  });
});

/** Picks `n` times, adding each pick to `active` (nothing is released): the load a burst builds. */
function burst(s: Strategy, view: FixtureView, n: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < n; k++) {
    const i = s.pick(view, req);
    out.push(i);
    view.active[i]!++;
    view.refresh();
  }
  return out;
}

/** Shares of `n` picks with the load left as it is. */
function shares(s: Strategy, view: FixtureView, n: number): number[] {
  const c = new Array<number>(view.size).fill(0);
  for (let k = 0; k < n; k++) c[s.pick(view, req)]!++;
  return c.map((x) => x / n);
}

describe('least-connections flavor nginx (ngx_http_upstream_get_least_conn_peer, nginx 1.31.4 src/http/modules/ngx_http_upstream_least_conn_module.c)', () => {
  it('a failure lowers effective_weight by weight / max_fails, and the tie-break runs on it', () => {
    // ngx_http_upstream_free_round_robin_peer_locked: effective_weight -= weight / max_fails.
    // Weights 1,1,1 idle, b0 failed once (max_fails 1 → effective 0): the tie-break gives
    // current = [0, 1, 1] → b1; then [1, -1+1, 1+1] → b2; then b0. Without the failure: 0 1 2.
    const view = fixtureView(3);
    const { strategy: s } = makeStrategy('least-connections', view, { maxFails: 1 });
    s.released!(0, true, 1, 0, 0);
    expect(Array.from({ length: 3 }, () => s.pick(view, req))).toEqual([1, 2, 0]);
    // Without maxFails (nginx max_fails=0) a failure lowers nothing: 0 1 2.
    const { strategy: z0 } = makeStrategy('least-connections', view);
    z0.released!(0, true, 1, 0, 0);
    expect(Array.from({ length: 3 }, () => z0.pick(view, req))).toEqual([0, 1, 2]);
    // max_fails 2 on weight 4: effective 4 − 2 = 2, regaining one per tie-break: 1 0 1 0 (else 0 1 0 1).
    const v2 = fixtureView(2, [4, 4]);
    const { strategy: t } = makeStrategy('least-connections', v2, { maxFails: 2 });
    t.released!(0, true, 1, 0, 0);
    expect(Array.from({ length: 4 }, () => t.pick(v2, req))).toEqual([1, 0, 1, 0]);
    const { strategy: u } = makeStrategy('least-connections', fixtureView(2, [4, 4]));
    expect(Array.from({ length: 4 }, () => u.pick(v2, req))).toEqual([0, 1, 0, 1]);
  });

  it('idle servers tie and smooth WRR weighs them: weights 1, 3 idle → 25 / 75 %', () => {
    const view = fixtureView(2, [1, 3]);
    const { strategy: s } = makeStrategy('least-connections', view);
    expect(shares(s, view, 4000)).toEqual([0.25, 0.75]);
  });

  it('maxFails and activeRequestBias belong to their flavors', () => {
    expect(strategy.options.safeParse({ activeRequestBias: 2 }).error?.issues[0]?.message).toBe('applies to flavor envoy only (the flavor here is nginx)');
    expect(strategy.options.safeParse({ flavor: 'haproxy', maxFails: 2 }).error?.issues[0]?.message).toBe('applies to flavor nginx only (the flavor here is haproxy)');
    expect(strategy.options.safeParse({ flavor: 'paper' }).error?.issues[0]?.message).toBe('least-connections has no flavor "paper"; its flavors are nginx, haproxy, envoy, aws');
  });
});

describe('least-connections flavor haproxy (fwlc_get_key, fwlc_get_next_server: HAProxy 3.4.0 src/lb_fwlc.c)', () => {
  it('key = inflight ? (inflight + 1) × 4096 / eweight : 0, eweight = 16 × weight, integer division', () => {
    expect(fwlcKey(0, 1)).toBe(0);
    expect(fwlcKey(0, 256)).toBe(0);
    expect(fwlcKey(1, 1)).toBe(512);
    expect(fwlcKey(2, 2)).toBe(384);
    expect(fwlcKey(1, 2)).toBe(256);
    expect(fwlcKey(1, 3)).toBe(170); // 8192 / 48 = 170.67
    expect(fwlcKey(5, 0.5)).toBe(3072); // slow start: eweight 8
  });

  it('weights 1 and 2 holding 1 and 2 requests: nginx ties (1/1 = 2/2), HAProxy takes the heavier (512 > 384)', () => {
    const view = fixtureView(2, [1, 2]);
    view.active.set([1, 2]);
    view.refresh();
    const { strategy: h } = makeStrategy('least-connections', view, { flavor: 'haproxy' });
    expect(shares(h, view, 100)).toEqual([0, 1]);
    const { strategy: n } = makeStrategy('least-connections', view);
    expect(shares(n, view, 300)[0]).toBeCloseTo(1 / 3, 5);
  });

  it('every idle server comes first whatever its weight: weights 1, 3 idle → about 50 / 50 %', () => {
    const view = fixtureView(2, [1, 3]);
    const { strategy: s } = makeStrategy('least-connections', view, { flavor: 'haproxy' }, 5);
    const got = shares(s, view, 20_000);
    expect(Math.abs(got[0]! - 0.5)).toBeLessThan(0.02);
  });

  it('ties: the head of the first non-empty list from a random start; a re-queued server goes to the tail', () => {
    // Scripted draws: every requeue lands in list 0 and every pick starts at list 0, so the order
    // is FIFO by requeue time. fwlc_init_server_tree queues b0, b1, b2 in order.
    const view = fixtureView(3);
    const s = makeStrategyWithRng('least-connections', view, { flavor: 'haproxy' }, scriptedRng(new Array(64).fill(0)));
    expect(burst(s, view, 3)).toEqual([0, 1, 2]); // idle first, in queue order
    view.active[1] = 0; // b1 finishes: re-queued behind nobody at key 0
    view.refresh();
    s.released!(1, false, 1, 0, 0);
    expect(burst(s, view, 1)).toEqual([1]);
    // Now all hold 1 (key 512); FIFO among them: b0 (queued at its pick), then b2, then b1.
    expect(burst(s, view, 3)).toEqual([0, 2, 1]);
  });

  it('a random start among the four lists: list 2 holds b1, list 3 holds b0, start at list 1 → b1', () => {
    // Requeues at build: b0 → list 3, b1 → list 2, b2 → list 3; the pick starts at list 1 (empty),
    // then list 2 → b1; b1 is re-queued into list 0.
    const view = fixtureView(3);
    const s = makeStrategyWithRng('least-connections', view, { flavor: 'haproxy' }, scriptedRng([3, 2, 3, 1, 0]));
    expect(s.pick(view, req)).toBe(1);
  });
});

describe('least-connections flavor envoy (LEAST_REQUEST FULL_SCAN: least_request_lb.cc, Envoy 1.36)', () => {
  it('equal weights: the least active over all hosts, ties by reservoir sampling', () => {
    const view = fixtureView(3);
    view.active.set([2, 0, 0]);
    view.refresh();
    const { strategy: s } = makeStrategy('least-connections', view, { flavor: 'envoy' }, 4);
    const got = shares(s, view, 20_000);
    expect(got[0]).toBe(0);
    expect(Math.abs(got[1]! - 0.5)).toBeLessThan(0.02);
  });

  it('unequal weights: EDF over weight / (active + 1), built with createWithPicks(seed)', () => {
    // Vectors from a C++ transcription of Envoy's EdfScheduler (edf_scheduler.h) and
    // createWithPicks; weights 1, 2, 1, bias 1, each pick adding one active request.
    for (const [seed, want] of [
      [0, [1, 0, 2, 1, 0, 2, 1, 1, 0, 2, 1, 0]],
      [1234567, [1, 1, 0, 2, 1, 0, 2, 1, 0, 2, 1, 0]],
    ] as const) {
      const view = fixtureView(3, [1, 2, 1]);
      const s = makeStrategyWithRng('least-connections', view, { flavor: 'envoy' }, scriptedRng([seed]));
      expect(burst(s, view, 12)).toEqual(want);
    }
  });

  it('active_request_bias 2: weight / (active + 1)^2 (weights 1, 3 with 0 and 2 active)', () => {
    const view = fixtureView(2, [1, 3]);
    view.active.set([0, 2]);
    view.refresh();
    const s = makeStrategyWithRng('least-connections', view, { flavor: 'envoy', activeRequestBias: 2 }, scriptedRng([0]));
    expect(Array.from({ length: 10 }, () => s.pick(view, req))).toEqual([0, 0, 1, 0, 0, 0, 1, 0, 0, 0]);
  });
});

describe('least-connections flavor aws (ALB least_outstanding_requests)', () => {
  it('fewest in-progress requests, weights ignored; ties uniformly at random (an assumption)', () => {
    const view = fixtureView(2, [1, 5]);
    view.active.set([1, 2]);
    view.refresh();
    const { strategy: s } = makeStrategy('least-connections', view, { flavor: 'aws' });
    expect(shares(s, view, 100)).toEqual([1, 0]);
    const idle = fixtureView(3, [1, 2, 3]);
    const { strategy: t } = makeStrategy('least-connections', idle, { flavor: 'aws' }, 9);
    for (const p of shares(t, idle, 30_000)) expect(Math.abs(p - 1 / 3)).toBeLessThan(0.015);
  });
});
