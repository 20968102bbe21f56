import { describe, it, expect } from 'vitest';
import { requestInfo } from '../core/view.js';
import { fixtureView, makeStrategy, makeStrategyWithRng, scriptedRng } from './test/fixture.js';
import { strategy } from './weighted-round-robin.js';

const req = requestInfo();

describe('weighted-round-robin flavor nginx (ngx_http_upstream_get_peer, nginx src/http/ngx_http_upstream_round_robin.c)', () => {
  it('weights 5,1,1 give the cycle a a b a c a a, repeated', () => {
    const view = fixtureView(3, [5, 1, 1]);
    const { strategy: s } = makeStrategy('weighted-round-robin', view);
    const seq = Array.from({ length: 21 }, () => s.pick(view, req));
    const cycle = [0, 0, 1, 0, 2, 0, 0];
    expect(seq).toEqual([...cycle, ...cycle, ...cycle]);
  });

  it('weights 2,1 interleave as a b a', () => {
    const view = fixtureView(2, [2, 1]);
    const { strategy: s } = makeStrategy('weighted-round-robin', view);
    expect(Array.from({ length: 6 }, () => s.pick(view, req))).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('never picks an ineligible backend and keeps the ratio among the others', () => {
    const view = fixtureView(3, [5, 1, 1]);
    const { strategy: s } = makeStrategy('weighted-round-robin', view);
    view.setEligible(1, false);
    const counts = [0, 0, 0];
    for (let k = 0; k < 600; k++) counts[s.pick(view, req)]!++;
    expect(counts).toEqual([500, 0, 100]);
  });

  it('a failure drops effective weight by weight/maxFails; it regains 1 per pick', () => {
    // a=3, b=1, maxFails=1: after a failure of a, effective(a) = 0, then 1, 2, 3. By hand
    // (current a,b before the choice): 0,1→b  1,1→a  1,2→b  4,0→a  3,1→a  2,2→a  1,3→b  4,0→a.
    const view = fixtureView(2, [3, 1]);
    const { strategy: s } = makeStrategy('weighted-round-robin', view, { maxFails: 1 });
    s.released?.(0, true, 5, 0, 0);
    const seq = Array.from({ length: 8 }, () => s.pick(view, req));
    expect(seq).toEqual([1, 0, 1, 0, 0, 0, 1, 0]);
  });

  it('a failure with maxFails=3 on weight 3 costs one unit', () => {
    // effective(a) = 2: pick1 a=2,b=1 → a (a=-1, eff→3); pick2 a=2,b=2 → a (a=-2); pick3 a=1,b=3 → b.
    const view = fixtureView(2, [3, 1]);
    const { strategy: s } = makeStrategy('weighted-round-robin', view, { maxFails: 3 });
    s.released?.(0, true, 5, 0, 0);
    expect(Array.from({ length: 3 }, () => s.pick(view, req))).toEqual([0, 0, 1]);
  });

  it('a success changes nothing', () => {
    const view = fixtureView(3, [5, 1, 1]);
    const { strategy: s } = makeStrategy('weighted-round-robin', view);
    s.released?.(0, false, 5, 0, 0);
    expect(Array.from({ length: 7 }, () => s.pick(view, req))).toEqual([0, 0, 1, 0, 2, 0, 0]);
  });

  it('follows view.weight (slow start, re-weight)', () => {
    const view = fixtureView(3, [5, 1, 1]);
    const { strategy: s } = makeStrategy('weighted-round-robin', view);
    view.weight[0] = 1;
    view.refresh();
    const counts = [0, 0, 0];
    for (let k = 0; k < 300; k++) counts[s.pick(view, req)]!++;
    expect(counts).toEqual([100, 100, 100]);
  });

  it('rebuild with the same or appended backends keeps the rotation state', () => {
    const view = fixtureView(3, [5, 1, 1]);
    const { strategy: s } = makeStrategy('weighted-round-robin', view);
    const a = Array.from({ length: 3 }, () => s.pick(view, req));
    s.rebuild?.(view.specs);
    const b = Array.from({ length: 4 }, () => s.pick(view, req));
    expect([...a, ...b]).toEqual([0, 0, 1, 0, 2, 0, 0]);
  });

  it('returns -1 when no backend is eligible', () => {
    const view = fixtureView(1);
    const { strategy: s } = makeStrategy('weighted-round-robin', view);
    view.setEligible(0, false);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('defaults maxFails to 1 and rejects bad options', () => {
    expect(strategy.options.parse({})).toEqual({ maxFails: 1 });
    expect(() => strategy.options.parse({ maxFails: 0 })).toThrow();
    expect(() => strategy.options.parse({ other: 1 })).toThrow();
  });
});

describe('weighted-round-robin flavor envoy (RoundRobinLoadBalancer, Envoy 1.36 round_robin_lb.h)', () => {
  it('equal weights: hosts[rr_index++ % n], the index starting at the random seed_', () => {
    const view = fixtureView(3);
    const s = makeStrategyWithRng('weighted-round-robin', view, { flavor: 'envoy' }, scriptedRng([7]));
    expect(Array.from({ length: 6 }, () => s.pick(view, req))).toEqual([1, 2, 0, 1, 2, 0]);
    // The index is kept when the host list changes: 13 % 2 = 1 → the second remaining host.
    view.setEligible(0, false);
    expect(s.pick(view, req)).toBe(2);
  });

  it('unequal weights: EDF deadlines 1/weight built with createWithPicks (C++ transcription of edf_scheduler.h)', () => {
    for (const seed of [0, 7]) {
      const view = fixtureView(3, [5, 1, 1]);
      const s = makeStrategyWithRng('weighted-round-robin', view, { flavor: 'envoy' }, scriptedRng([seed]));
      expect(Array.from({ length: 14 }, () => s.pick(view, req))).toEqual([0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 0, 1, 2, 0]);
    }
  });

  it('maxFails belongs to flavor nginx', () => {
    expect(strategy.options.safeParse({ flavor: 'envoy', maxFails: 3 }).error?.issues[0]?.message).toBe('applies to flavor nginx only (the flavor here is envoy)');
  });
});
