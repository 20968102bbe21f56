import { describe, it, expect } from 'vitest';
import { backends } from '../core/backend.js';
import { Rng } from '../core/rng.js';
import { requestInfo } from '../core/view.js';
import { FixtureView, fixtureView, makeStrategy } from './test/fixture.js';
import { crc32 } from '../core/hash.js';
import { boundedLoadCap, strategy } from './bounded-load.js';
import { KetamaRing } from './support/ketama-ring.js';

describe('bounded-load', () => {
  it('cap = ceil(c × (totalActive + 1) / count)', () => {
    expect(boundedLoadCap(1.25, 0, 10)).toBe(1);
    expect(boundedLoadCap(1.25, 99, 10)).toBe(13); // 12.5 → 13
    expect(boundedLoadCap(1, 9, 10)).toBe(1);
    expect(boundedLoadCap(2, 10, 4)).toBe(6); // 5.5 → 6
  });

  it('without load it is plain consistent hashing (same ring, same answer)', () => {
    const view = fixtureView(8);
    const { strategy: b } = makeStrategy('bounded-load', view);
    const { strategy: c } = makeStrategy('consistent-hash', view);
    const req = requestInfo();
    for (let k = 0; k < 2000; k++) {
      req.hashKey = `k${k}`;
      expect(b.pick(view, req)).toBe(c.pick(view, req));
    }
  });

  it('adversarial: 1000 requests on one key with leases held → no backend ever exceeds its cap', () => {
    const view = fixtureView(10);
    const { strategy: s } = makeStrategy('bounded-load', view);
    const req = requestInfo({ hashKey: 'hot' });
    for (let r = 0; r < 1000; r++) {
      const cap = boundedLoadCap(1.25, view.totalActive, view.count);
      const i = s.pick(view, req);
      expect(view.active[i]!).toBeLessThan(cap); // taken only below the cap …
      view.active[i]!++;
      view.refresh();
      for (let j = 0; j < view.size; j++) expect(view.active[j]!).toBeLessThanOrEqual(cap); // … so ≤ cap after
    }
    // 1000 in flight over 10 backends with c = 1.25: nobody above ceil(1.25 × 1000 / 10) = 125.
    expect(Math.max(...view.active)).toBeLessThanOrEqual(125);
  });

  it('with random releases (seeded) the cap still holds at every pick', () => {
    const view = fixtureView(6);
    const { strategy: s } = makeStrategy('bounded-load', view, { factor: 1.1 });
    const rng = new Rng(7).fork('test');
    const req = requestInfo();
    for (let r = 0; r < 20_000; r++) {
      if (view.totalActive > 0 && rng.next() < 0.45) {
        // release one lease from a random busy backend
        let j = rng.int(view.size);
        while (view.active[j] === 0) j = (j + 1) % view.size;
        view.active[j]!--;
        view.refresh();
      }
      req.hashKey = rng.next() < 0.8 ? 'hot' : `k${rng.int(1000)}`;
      const cap = boundedLoadCap(1.1, view.totalActive, view.count);
      const i = s.pick(view, req);
      expect(view.active[i]!).toBeLessThan(cap);
      view.active[i]!++;
      view.refresh();
    }
  });

  it('unequal weights: cap_i = ceil(c × (T + 1) × w_i / W)', () => {
    const view = new FixtureView(backends(2, [1, 3]));
    const { strategy: s } = makeStrategy('bounded-load', view);
    const req = requestInfo({ hashKey: 'hot' });
    for (let r = 0; r < 400; r++) {
      const slots = 1.25 * (view.totalActive + 1);
      const i = s.pick(view, req);
      expect(view.active[i]!).toBeLessThan(Math.ceil((slots * view.weight[i]!) / 4));
      view.active[i]!++;
      view.refresh();
    }
    // 400 in flight split about 1:3.
    expect(view.active[0]!).toBeLessThanOrEqual(Math.ceil((1.25 * 400) / 4));
    expect(view.active[1]!).toBeLessThanOrEqual(Math.ceil((1.25 * 400 * 3) / 4));
  });

  it('matches the rule computed from scratch on every pick (unequal weights, slow-start weights, flips, random load)', () => {
    // Reference: walk the ketama ring from crc32(key); take the first eligible backend with
    // active < ceil(c·(T+1)·w_i / Σ eligible w), the weights read afresh from the view each pick.
    const specs = backends(12, [1, 2, 3, 4, 1, 2, 3, 4, 1, 2, 3, 4]);
    const view = new FixtureView(specs);
    const { strategy: s } = makeStrategy('bounded-load', view, { factor: 1.2 });
    const ring = new KetamaRing();
    ring.build(specs);
    const rng = new Rng(31).fork('test');
    const req = requestInfo();
    const reference = (): number => {
      let total = 0;
      for (let k = 0; k < view.count; k++) total += view.weight[view.list[k]!]!;
      const slots = 1.2 * (view.totalActive + 1);
      let pos = ring.find(crc32(req.hashKey));
      for (let t = 0; t < ring.length; t++) {
        const i = ring.owners[pos]!;
        if (view.eligible[i] === 1 && view.active[i]! < Math.ceil((slots * view.weight[i]!) / total)) return i;
        if (++pos === ring.length) pos = 0;
      }
      return -2;
    };
    for (let r = 0; r < 20_000; r++) {
      const u = rng.next();
      if (u < 0.01) view.setEligible(rng.int(12), rng.next() < 0.6);
      else if (u < 0.02) {
        const i = rng.int(12);
        view.weight[i] = specs[i]!.weight * (rng.next() < 0.5 ? 1 : 0.1 + 0.9 * rng.next());
        view.refresh();
      }
      if (view.count === 0) view.setEligible(0, true);
      if (view.totalActive > 0 && rng.next() < 0.48) {
        let j = rng.int(12);
        while (view.active[j] === 0) j = (j + 1) % 12;
        view.active[j]!--;
        view.totalActive--;
      }
      req.hashKey = rng.next() < 0.5 ? 'hot' : `k${rng.int(500)}`;
      const want = reference();
      const i = s.pick(view, req);
      expect(i).toBe(want);
      view.active[i]!++;
      view.totalActive++;
    }
  });

  it('skips ineligible backends; none eligible → -1', () => {
    const view = fixtureView(3).setEligible(1, false);
    const { strategy: s } = makeStrategy('bounded-load', view);
    const req = requestInfo();
    for (let k = 0; k < 500; k++) {
      req.hashKey = `k${k}`;
      expect(s.pick(view, req)).not.toBe(1);
    }
    view.setEligible(0, false).setEligible(2, false);
    expect(s.pick(view, req)).toBe(-1);
  });

  it('options: factor defaults to 1.25, must be ≥ 1; unknown keys rejected', () => {
    expect(strategy.options.parse({})).toEqual({ factor: 1.25 });
    expect(() => strategy.options.parse({ factor: 0.9 })).toThrow();
    expect(() => strategy.options.parse({ c: 2 })).toThrow();
  });
});
