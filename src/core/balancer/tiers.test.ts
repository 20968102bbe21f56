/**
 * Failover tiers in the Balancer (`tiers.ts`): nginx `backup` (per pick: primaries down, full or
 * tried), HAProxy `backup` (server state; the first backup only unless `allbackups`), Envoy
 * priorities (the priority load drawn per pick), panic within a tier, per-tier strategy state,
 * and leases back to zero.
 */
import { describe, expect, it } from 'vitest';
import { backend, type BackendSpec } from '../backend.js';
import { ManualClock } from '../clock.js';
import { Rng } from '../rng.js';
import { requestInfo } from '../view.js';
import { createBalancer, type NamedBalancerOptions } from '../../strategies/index.js';
import { QUEUED, REFUSED_ALL_BUSY, REFUSED_NO_BACKEND, type Balancer } from './index.js';
import type { FailoverOptions } from './tiers.js';

/** Backends `p0…` of priority 0 and `s0…` of priority 1 (then `t0…` of priority 2). */
function fleet(primaries: number, backups: number, third = 0, maxConn = 0): BackendSpec[] {
  const out: BackendSpec[] = [];
  for (let k = 0; k < primaries; k++) out.push(backend({ id: `p${k}`, maxConn }));
  for (let k = 0; k < backups; k++) out.push(backend({ id: `s${k}`, priority: 1, maxConn }));
  for (let k = 0; k < third; k++) out.push(backend({ id: `t${k}`, priority: 2, maxConn }));
  return out;
}

function setup(failover: FailoverOptions | undefined, specs: BackendSpec[], extra: Partial<NamedBalancerOptions> = {}, strategy = 'round-robin') {
  const clock = new ManualClock();
  const b = createBalancer({
    strategy,
    backends: specs,
    clock,
    timers: clock,
    rng: new Rng(7),
    passive: false,
    active: { rise: 1, fall: 1 },
    panicThreshold: 0,
    ...(failover ? { failover } : {}),
    ...extra,
  });
  return { clock, b };
}

/** Ids of `n` picks, each released at once (or the refusal code). */
function ids(b: Balancer, n: number): (string | number)[] {
  const out: (string | number)[] = [];
  const req = requestInfo();
  for (let k = 0; k < n; k++) {
    const h = b.acquire(req);
    if (h < 0) {
      out.push(h);
      continue;
    }
    out.push(b.backends[b.backendOf(h)]!.id);
    b.release(h, 200, 1);
  }
  return out;
}

const down = (b: Balancer, ...idx: number[]) => idx.forEach((i) => b.reportProbe(i, false));
const up = (b: Balancer, ...idx: number[]) => idx.forEach((i) => b.reportProbe(i, true));

describe('nginx backup (ngx_http_upstream_get_round_robin_peer)', () => {
  it('backups serve only while every primary is unavailable, and traffic returns', () => {
    const { b } = setup({ mode: 'nginx' }, fleet(2, 2));
    expect(ids(b, 4)).toEqual(['p0', 'p1', 'p0', 'p1']);
    down(b, 0);
    expect(ids(b, 2)).toEqual(['p1', 'p1']);
    down(b, 1);
    expect(ids(b, 4)).toEqual(['s0', 's1', 's0', 's1']);
    up(b, 1);
    expect(ids(b, 2)).toEqual(['p1', 'p1']);
    expect(b.leasesOutstanding).toBe(0);
  });

  it('primaries at max_conns send the request to a backup (per pick)', () => {
    const { b } = setup({ mode: 'nginx' }, fleet(2, 1, 0, 1));
    const req = requestInfo();
    const h0 = b.acquire(req);
    const h1 = b.acquire(req);
    const h2 = b.acquire(req);
    expect([h0, h1, h2].map((h) => b.backends[b.backendOf(h)]!.id)).toEqual(['p0', 'p1', 's0']);
    expect(b.acquire(req)).toBe(REFUSED_ALL_BUSY); // everything full, no queue
    b.release(h0, 200, 1);
    expect(ids(b, 1)).toEqual(['p0']);
    b.release(h1, 200, 1);
    b.release(h2, 200, 1);
    expect(b.leasesOutstanding).toBe(0);
  });

  it('a retry that has tried every primary goes to a backup', () => {
    const { b } = setup({ mode: 'nginx' }, fleet(2, 1));
    const h = b.acquire(requestInfo({ attempt: 3 }), 0, [0, 1]);
    expect(b.backends[b.backendOf(h)]!.id).toBe('s0');
    b.release(h, 200, 1);
  });
});

describe('HAProxy backup (recount_servers, *_get_next_server)', () => {
  it('the first usable backup only, in configuration order', () => {
    const { b } = setup({ mode: 'haproxy' }, fleet(2, 3));
    down(b, 0, 1);
    expect(ids(b, 3)).toEqual(['s0', 's0', 's0']);
    down(b, 2); // s0 down: the next backup becomes the first
    expect(ids(b, 2)).toEqual(['s1', 's1']);
    up(b, 0);
    expect(ids(b, 2)).toEqual(['p0', 'p0']);
  });

  it('option allbackups balances over every usable backup', () => {
    const { b } = setup({ mode: 'haproxy', allBackups: true }, fleet(2, 3));
    down(b, 0, 1);
    expect(ids(b, 6)).toEqual(['s0', 's1', 's2', 's0', 's1', 's2']);
  });

  it('full or tried actives do not switch to the backups: requests queue or fail', () => {
    const { b } = setup({ mode: 'haproxy' }, fleet(1, 1, 0, 1), { queue: { maxQueue: 10, timeoutMs: 0 } });
    b.setQueueListener({ granted: () => {}, refused: () => {} });
    const req = requestInfo();
    const h = b.acquire(req);
    expect(b.backends[b.backendOf(h)]!.id).toBe('p0');
    expect(b.acquire(req, 1)).toBe(QUEUED);
    expect(b.acquire(requestInfo({ attempt: 2 }), 2, [0])).toBe(REFUSED_NO_BACKEND);
    b.release(h, 200, 1); // the queued request gets p0
    expect(b.queued).toBe(0);
  });
});

describe('Envoy priorities (LoadBalancerBase::choosePriority)', () => {
  it('half of P=0 healthy sends 70 % there and 30 % to P=1', () => {
    const { b } = setup({ mode: 'envoy' }, fleet(4, 4));
    down(b, 0, 1);
    const n = 20_000;
    const got = ids(b, n);
    const p0 = got.filter((x) => typeof x === 'string' && x.startsWith('p')).length / n;
    // binomial sd at n = 20 000: 0.0032; tolerance ±0.015 (4.6 sd)
    expect(Math.abs(p0 - 0.7)).toBeLessThan(0.015);
    expect(got.filter((x) => x === 'p0' || x === 'p1')).toEqual([]);
    expect(b.leasesOutstanding).toBe(0);
  });

  it('a level in panic balances over all its hosts; 72 % healthy keeps P=1 idle', () => {
    const { b } = setup({ mode: 'envoy' }, fleet(4, 1), { panicThreshold: 50 });
    down(b, 0, 1, 2, 4); // P0 25 % (health 35), P1 0 → total 35 < 100: P0 in panic, P1 in panic
    const got = new Set(ids(b, 200));
    expect(got).toEqual(new Set(['p0', 'p1', 'p2', 'p3', 's0']));
    expect(b.inPanic).toBe(true);
    const { b: b2 } = setup({ mode: 'envoy' }, [...fleet(25, 1)]);
    down(b2, 0, 1, 2, 3, 4, 5, 6); // 18 of 25 = 72 %: health 100
    expect(ids(b2, 500).includes('s0')).toBe(false);
  });

  it('the overprovisioning factor moves the spill-over point', () => {
    const { b } = setup({ mode: 'envoy', overprovisioningFactor: 1 }, fleet(4, 4));
    down(b, 0); // 75 % healthy: health 75 without overprovisioning → 25 % to P=1
    const n = 20_000;
    const s = ids(b, n).filter((x) => typeof x === 'string' && x.startsWith('s')).length / n;
    expect(Math.abs(s - 0.25)).toBeLessThan(0.015);
  });
});

describe('tiers and the rest of the balancer', () => {
  it('each tier keeps its own strategy state (weighted round robin per tier)', () => {
    const specs = [backend({ id: 'p0', weight: 2 }), backend({ id: 'p1' }), backend({ id: 's0', priority: 1, weight: 2 }), backend({ id: 's1', priority: 1 })];
    const { b } = setup({ mode: 'nginx' }, specs, {}, 'weighted-round-robin');
    expect(ids(b, 2)).toEqual(['p0', 'p1']);
    down(b, 0, 1);
    expect(ids(b, 3)).toEqual(['s0', 's1', 's0']);
    up(b, 0, 1);
    expect(ids(b, 1)).toEqual(['p0']); // the primaries' cycle resumes where it was
  });

  it('panic applies within the tier in use (nginx and HAProxy modes)', () => {
    const { b } = setup({ mode: 'nginx' }, fleet(4, 1), { panicThreshold: 50 });
    down(b, 0, 1, 2); // 1 of 4 primaries: tier 0 in panic, backups unused
    expect(new Set(ids(b, 8))).toEqual(new Set(['p0', 'p1', 'p2', 'p3']));
    down(b, 3); // no primary healthy: the backup tier
    expect(ids(b, 2)).toEqual(['s0', 's0']);
    down(b, 4); // nothing healthy anywhere: the primaries in panic
    expect(new Set(ids(b, 8))).toEqual(new Set(['p0', 'p1', 'p2', 'p3']));
  });

  it('failover false ignores priorities; without priorities nothing changes', () => {
    const { b } = setup(undefined, fleet(2, 2), { failover: false });
    expect(ids(b, 4)).toEqual(['p0', 'p1', 's0', 's1']);
    const plain = setup({ mode: 'nginx' }, fleet(3, 0)).b;
    expect(ids(plain, 3)).toEqual(['p0', 'p1', 'p2']);
  });

  it('a backend added at run time joins its tier', () => {
    const { b } = setup({ mode: 'nginx' }, fleet(1, 1));
    down(b, 0);
    b.addBackend(backend({ id: 's9', priority: 1 }));
    expect(new Set(ids(b, 4))).toEqual(new Set(['s0', 's9']));
    expect(() => b.addBackend(backend({ id: 'x', priority: 3 }))).toThrow(/priority 3/);
  });
});
