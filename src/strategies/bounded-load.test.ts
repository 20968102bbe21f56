import { describe, it, expect } from 'vitest';
import { backends } from '../core/backend.js';
import { Rng } from '../core/rng.js';
import { requestInfo } from '../core/view.js';
import { FixtureView, fixtureView, makeStrategy } from './test/fixture.js';
import { crc32 } from '../core/hash.js';
import { boundedLoadCap, haproxySlots, strategy, totalSlots } from './bounded-load.js';
import { HaproxyChash, haproxyKeyHash } from './support/haproxy-chash.js';
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

describe('bounded-load flavor haproxy (chash_server_is_eligible, HAProxy 3.4.0 src/lb_chash.c)', () => {
  it('tot_slots = ((served + 1) × factor% + 99) / 100, shared out by position and eweight: the slots sum to tot_slots', () => {
    // 4 servers of weight 1 (eweight 16, tot_weight 64), 3 served, factor 125: tot_slots = 599 / 100 = 5;
    // 5 / 64 = 0 per weight, remainder 5: ((cum + 16) × 5) / 64 − (cum × 5) / 64 = 1, 1, 1, 2.
    expect(totalSlots(3, 125)).toBe(5);
    expect([0, 16, 32, 48].map((cum) => haproxySlots(5, 16, cum, 64))).toEqual([1, 1, 1, 2]);
    // The paper's cap is 2 for each; HAProxy gives three of them one slot fewer.
    expect(boundedLoadCap(1.25, 3, 4)).toBe(2);
    // Weights 1, 2, 1 (eweights 16, 32, 16), 9 served, factor 150: tot_slots = 15, 0 per weight, remainder 15.
    expect([haproxySlots(15, 16, 0, 64), haproxySlots(15, 32, 16, 64), haproxySlots(15, 16, 48, 64)]).toEqual([3, 8, 4]);
    expect(haproxySlots(0, 16, 0, 64)).toBe(1); // never 0
  });

  it('a server at its slots is passed; the walk goes on from the closest node', () => {
    const view = fixtureView(4);
    const { strategy: s } = makeStrategy('bounded-load', view, { flavor: 'haproxy' });
    const tree = new HaproxyChash();
    tree.build(view.specs);
    const key = '/item/a';
    const first = tree.owners[tree.closest(haproxyKeyHash(key, 'sdbm', false), view.eligible)]!;
    expect(s.pick(view, requestInfo({ hashKey: key }))).toBe(first);
    // served 3: slots by position 1, 1, 1, 2. Give `first` its slot(s): it is skipped.
    const slots = [1, 1, 1, 2];
    view.active.fill(0);
    view.active[first] = slots[first]!;
    let extra = 3 - slots[first]!;
    for (let j = 0; j < 4 && extra > 0; j++) {
      if (j !== first) {
        view.active[j] = 1;
        extra--;
      }
    }
    view.refresh();
    expect(view.totalActive).toBe(3);
    const got = s.pick(view, requestInfo({ hashKey: key }));
    expect(got).not.toBe(first);
    expect(view.active[got]!).toBeLessThan(slots[got]!);
  });

  it('every pick respects HAProxy slots (rule recomputed from scratch)', () => {
    const view = fixtureView(5, [1, 2, 1, 3, 1]);
    const { strategy: s } = makeStrategy('bounded-load', view, { flavor: 'haproxy', factor: 1.5 });
    const rng = new Rng(71);
    const req = requestInfo();
    for (let r = 0; r < 3000; r++) {
      req.hashKey = `k${rng.int(20)}`;
      const i = s.pick(view, req);
      const tot = totalSlots(view.totalActive, 150);
      let cum = 0;
      for (let j = 0; j < i; j++) cum += view.weight[j]! * 16;
      expect(view.active[i]!).toBeLessThan(haproxySlots(tot, view.weight[i]! * 16, cum, 16 * 8));
      view.active[i]!++;
      if (rng.next() < 0.45) {
        const j = rng.int(5);
        if (view.active[j]! > 0) view.active[j]!--;
      }
      view.refresh();
    }
  });
});

describe('bounded-load flavor envoy (BoundedLoadHashingLoadBalancer::chooseHost, Envoy 1.36 thread_aware_lb_impl.cc)', () => {
  // First choices from an independent Python transcription of Envoy's Ring::Ring / chooseHost and
  // MaglevTable (xxhash 4.0.1); probe orders from C++ std::mt19937 with chooseHost's uniform_int.
  it('the first choice is Envoy\'s ring (or Maglev table) answer, and a host may reach its slots (active ≤ slots)', () => {
    const view = fixtureView(4);
    const key = 'user:42';
    const { strategy: envoy } = makeStrategy('bounded-load', view, { flavor: 'envoy' });
    // Python: the RING_HASH ring of b0…b3 sends xxHash64("user:42") to b1, as consistent-hash envoy does.
    expect(envoy.pick(view, requestInfo({ hashKey: key }))).toBe(1);
    const { strategy: ring } = makeStrategy('consistent-hash', view, { flavor: 'envoy' });
    expect(ring.pick(view, requestInfo({ hashKey: key }))).toBe(1);
    // 3 in flight, factor 125: total_slots 5, slots = ceil(5 × 0.25) = 2; the paper's cap is also 2.
    view.active[1] = 2;
    view.active[2] = 1;
    view.refresh();
    expect(envoy.pick(view, requestInfo({ hashKey: key }))).toBe(1); // 2 ≤ 2
    const { strategy: paper } = makeStrategy('bounded-load', view);
    const pFirst = makeStrategy('bounded-load', fixtureView(4)).strategy.pick(fixtureView(4), requestInfo({ hashKey: key }));
    view.active.fill(0);
    view.active[pFirst] = 2;
    view.active[(pFirst + 1) % 4] = 1;
    view.refresh();
    expect(paper.pick(view, requestInfo({ hashKey: key }))).not.toBe(pFirst); // 2 < 2 fails
  });

  it('an overloaded first choice: hosts probed in the order of a std::mt19937 shuffle seeded with the xxHash64 of the key', () => {
    // xxHash64("user:42") = 15861654238046376386, low 32 bits 2832388546 (what std::mt19937 keeps);
    // C++ shuffles 10 hosts into 0 2 5 9 6 3 8 7 1 4. Factor 1.0; 8 hosts hold 6 (T = 48: total
    // 49, slots 5, overloaded) and two hold 0. Ring: first choice b9, so the probe skips it and
    // takes b5 (idle b3, b5). Maglev (M = 65537): first choice b6, idle b9, b3 → b9.
    const view = fixtureView(10);
    const key = 'user:42';
    const { strategy: r } = makeStrategy('bounded-load', view, { flavor: 'envoy', factor: 1 });
    const { strategy: m } = makeStrategy('bounded-load', view, { flavor: 'envoy', factor: 1, table: 'maglev' });
    expect([r.pick(view, requestInfo({ hashKey: key })), m.pick(view, requestInfo({ hashKey: key }))]).toEqual([9, 6]);
    view.active.fill(6);
    view.active[3] = 0;
    view.active[5] = 0;
    view.refresh();
    expect(r.pick(view, requestInfo({ hashKey: key }))).toBe(5);
    view.active.fill(6);
    view.active[9] = 0;
    view.active[3] = 0;
    view.refresh();
    expect(m.pick(view, requestInfo({ hashKey: key }))).toBe(9);
    // Only the first choice over its slots (b9 holds 20, the others 6: total 75, slots 8): the
    // first host of the probe order, b0.
    view.active.fill(6);
    view.active[9] = 20;
    view.refresh();
    expect(r.pick(view, requestInfo({ hashKey: key }))).toBe(0);
  });

  it('slots use the configured weights normalised over the host set; an unhealthy host leaves the ring and the probe', () => {
    const view = fixtureView(10);
    const key = 'user:42';
    const { strategy: r } = makeStrategy('bounded-load', view, { flavor: 'envoy', factor: 1 });
    // b9 unhealthy: the ring of b0…b8 (Python: user:42 → b7). b7 holds 7, b0…b6 and b8 hold 6:
    // total_slots 56, normalised over the 9 hosts slots = ceil(56 / 9) = 7, so b7 (7 ≤ 7) keeps it
    // (over all 10 hosts it would be ceil(5.6) = 6, overloaded).
    view.setEligible(9, false);
    expect(r.pick(view, requestInfo({ hashKey: key }))).toBe(7);
    view.active.fill(6);
    view.active[9] = 0;
    view.active[7] = 7;
    view.refresh();
    expect(r.pick(view, requestInfo({ hashKey: key }))).toBe(7);
    view.active[7] = 8;
    view.refresh();
    expect(r.pick(view, requestInfo({ hashKey: key }))).not.toBe(7);
  });

  it('options: table, ring sizes, tableSize, useHostnameForHashing and hashPolicy belong to flavor envoy', () => {
    const p = (o: unknown) => strategy.options.safeParse(o);
    expect(p({ flavor: 'envoy', table: 'maglev', tableSize: 13 }).success).toBe(true);
    expect(JSON.stringify(p({ table: 'maglev' }).error?.issues)).toContain('applies to flavor envoy only');
    expect(JSON.stringify(p({ flavor: 'envoy', tableSize: 13 }).error?.issues)).toContain('applies to table maglev only');
    expect(JSON.stringify(p({ flavor: 'envoy', table: 'maglev', minimumRingSize: 8 }).error?.issues)).toContain('applies to table ring-hash only');
    expect(JSON.stringify(p({ flavor: 'envoy', table: 'maglev', tableSize: 12 }).error?.issues)).toContain('prime');
  });
});

describe('bounded-load flavors', () => {
  it('hashFunction/avalanche belong to flavor haproxy; unknown flavors name the flavors', () => {
    expect(strategy.options.safeParse({ avalanche: true }).error?.issues[0]?.message).toBe('applies to flavor haproxy only (the flavor here is paper)');
    expect(strategy.options.safeParse({ flavor: 'nginx' }).error?.issues[0]?.message).toBe('bounded-load has no flavor "nginx"; its flavors are paper, haproxy, envoy');
    expect(strategy.options.parse({ flavor: 'envoy' })).toEqual({ flavor: 'envoy', factor: 1.25 });
  });
});
