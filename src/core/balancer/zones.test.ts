/**
 * The zone layer in the Balancer (`zones.ts`): Envoy zone-aware routing (local first while it has
 * capacity, residual spill, minimum cluster size, a zone going down), locality-weighted balancing
 * (weight × availability, per priority), panic and `fail_traffic_on_panic`, one strategy instance
 * per zone, golden pick sequences with a seeded rng, and leases back to zero.
 */
import { describe, expect, it } from 'vitest';
import { backend, type BackendSpec } from '../backend.js';
import { ManualClock } from '../clock.js';
import { Rng } from '../rng.js';
import { requestInfo } from '../view.js';
import { createBalancer, type NamedBalancerOptions } from '../../strategies/index.js';
import { REFUSED_NO_BACKEND, type Balancer } from './index.js';
import { ZONE_DEFAULTS, type ZoneSettings } from './zone-settings.js';

/** `count` backends per zone, ids `<zone><k>`, optionally of a priority. */
function fleet(per: Record<string, number>, priority = 0): BackendSpec[] {
  const out: BackendSpec[] = [];
  for (const [zone, count] of Object.entries(per)) for (let k = 0; k < count; k++) out.push(backend({ id: `${zone}${k}${priority ? `-p${priority}` : ''}`, zone, priority }));
  return out;
}

function setup(specs: BackendSpec[], zones: Partial<ZoneSettings> | false | undefined, extra: Partial<NamedBalancerOptions> = {}, strategy = 'round-robin'): Balancer {
  const clock = new ManualClock();
  return createBalancer({
    strategy,
    backends: specs,
    clock,
    timers: clock,
    rng: new Rng(11),
    passive: false,
    active: { rise: 1, fall: 1 },
    panicThreshold: 50,
    ...(zones === undefined ? {} : { zones: zones === false ? false : { ...ZONE_DEFAULTS, ...zones } }),
    ...extra,
  });
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

/** Share of `n` picks per zone (the id's first letter). */
function shares(b: Balancer, n: number): Record<string, number> {
  const c: Record<string, number> = {};
  for (const id of ids(b, n)) {
    const z = typeof id === 'string' ? id[0]! : String(id);
    c[z] = (c[z] ?? 0) + 1 / n;
  }
  return c;
}

const down = (b: Balancer, ...idx: number[]) => idx.forEach((i) => b.reportProbe(i, false));

describe('zone-aware routing in the balancer', () => {
  const local = { localZone: 'a', localZoneShares: { a: 2, b: 2, c: 1 } };

  it('local 40/40/20 against upstream 25/50/25: 62.5 % stays in a, the rest spills 2:1 to b and c', () => {
    const b = setup(fleet({ a: 4, b: 8, c: 4 }), {}, local);
    const s = shares(b, 40000);
    expect(s['a']).toBeCloseTo(0.625, 2);
    expect(s['b']).toBeCloseTo(0.25, 2);
    expect(s['c']).toBeCloseTo(0.125, 2);
    expect(b.leasesOutstanding).toBe(0);
  });

  it('golden sequence (seed 11): round robin inside each zone, the zone drawn per pick', () => {
    const b = setup(fleet({ a: 4, b: 8, c: 4 }), {}, local);
    expect(ids(b, 16)).toMatchInlineSnapshot(`
      [
        "a0",
        "b0",
        "a1",
        "c0",
        "a2",
        "a3",
        "a0",
        "b1",
        "c1",
        "a1",
        "a2",
        "a3",
        "b2",
        "a0",
        "a1",
        "c2",
      ]
    `);
  });

  it('a smaller local share than the upstream one: every request stays in the local zone', () => {
    const b = setup(fleet({ a: 6, b: 3, c: 3 }), {}, { localZone: 'a', localZoneShares: { a: 0.2, b: 0.4, c: 0.4 } });
    expect(ids(b, 8)).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a0', 'a1']);
  });

  it('the local zone down: everything spills by residual capacity (b 2/3, c 1/3)', () => {
    const b = setup(fleet({ a: 4, b: 8, c: 4 }), {}, local);
    down(b, 0, 1, 2, 3);
    const s = shares(b, 30000);
    expect(s['a']).toBeUndefined();
    expect(s['b']).toBeCloseTo(2666 / 3999, 2);
    expect(s['c']).toBeCloseTo(1333 / 3999, 2);
  });

  it('fewer healthy priority-0 backends than minClusterSize: no zone routing (plain round robin over all)', () => {
    const b = setup(fleet({ a: 2, b: 2, c: 1 }), {}, local);
    expect(ids(b, 5)).toEqual(['a0', 'a1', 'b0', 'b1', 'c0']);
    const c = setup(fleet({ a: 2, b: 2, c: 1 }), { minClusterSize: 5 }, { localZone: 'a', localZoneShares: { a: 1, b: 1, c: 1 } });
    expect(ids(c, 4)).toEqual(['a0', 'a1', 'a0', 'a1']);
  });

  it('routingEnabled 0 → never zone routing; no local zone → none either', () => {
    expect(ids(setup(fleet({ a: 4, b: 4 }), { routingEnabled: 0 }, { localZone: 'a', localZoneShares: { a: 1, b: 1 } }), 4)).toEqual(['a0', 'a1', 'a2', 'a3']);
    expect(ids(setup(fleet({ a: 3, b: 3 }), {}, { localZoneShares: { a: 1, b: 1 } }), 6)).toEqual(['a0', 'a1', 'a2', 'b0', 'b1', 'b2']);
    const half = shares(setup(fleet({ a: 3, b: 3 }), { routingEnabled: 50 }, { localZone: 'b', localZoneShares: { a: 1, b: 1 } }), 20000);
    expect(half['b']).toBeCloseTo(0.75, 1);
  });

  it('panic: every member; failTrafficOnPanic: refused', () => {
    const specs = fleet({ a: 4, b: 4 });
    const b = setup(specs, {}, { localZone: 'a', localZoneShares: { a: 1, b: 1 }, ...{} });
    down(b, 0, 1, 2, 4, 5);
    expect(new Set(ids(b, 8))).toEqual(new Set(['a0', 'a1', 'a2', 'a3', 'b0', 'b1', 'b2', 'b3']));
    const f = setup(specs, { failTrafficOnPanic: true }, { localZone: 'a', localZoneShares: { a: 1, b: 1 } });
    down(f, 0, 1, 2, 4, 5);
    expect(ids(f, 2)).toEqual([REFUSED_NO_BACKEND, REFUSED_NO_BACKEND]);
    expect(f.leasesOutstanding).toBe(0);
  });

  it("retries that exclude the zone's backends fall back to the whole tier", () => {
    const b = setup(fleet({ a: 3, b: 3 }), { forceLocalityDirectRouting: true }, { localZone: 'a', localZoneShares: { a: 1, b: 1 } });
    const h = b.acquire(requestInfo(), 0, [0, 1, 2]);
    expect(b.backends[b.backendOf(h)]!.zone).toBe('b');
    b.release(h, 200, 1);
    expect(b.leasesOutstanding).toBe(0);
  });

  it('zone-aware routing applies to priority 0 only', () => {
    const specs = [...fleet({ a: 3, b: 3 }), ...fleet({ a: 3, b: 3 }, 1)];
    const b = setup(specs, { forceLocalityDirectRouting: true }, { localZone: 'a', localZoneShares: { a: 1, b: 1 }, panicThreshold: 0 });
    expect(new Set(ids(b, 6))).toEqual(new Set(['a0', 'a1', 'a2']));
    down(b, 0, 1, 2, 3, 4, 5);
    expect(ids(b, 6)).toEqual(['a0-p1', 'a1-p1', 'a2-p1', 'b0-p1', 'b1-p1', 'b2-p1']);
  });
});

describe('locality-weighted balancing in the balancer', () => {
  it("Envoy's page: X weight 1, Y weight 2 → 1/3 and 2/3; X half healthy → 0.7 / 2.7", () => {
    const b = setup(fleet({ x: 10, y: 10 }), { routing: 'locality-weighted', localityWeights: { x: 1, y: 2 } });
    const s = shares(b, 30000);
    expect(s['x']).toBeCloseTo(1 / 3, 3);
    down(b, 0, 1, 2, 3, 4);
    const t = shares(b, 27000);
    expect(t['x']).toBeCloseTo(0.7 / 2.7, 3);
    expect(b.leasesOutstanding).toBe(0);
  });

  it('a zone without a weight gets nothing; per priority each level has its own schedule', () => {
    const b = setup(fleet({ x: 2, y: 2, z: 2 }), { routing: 'locality-weighted', localityWeights: { x: 1, y: 1 } });
    expect(shares(b, 100)['z']).toBeUndefined();
    const specs = [...fleet({ x: 2, y: 2 }), ...fleet({ x: 2, y: 2 }, 1)];
    const p = setup(specs, { routing: 'locality-weighted', localityWeights: { x: 3, y: 1 } }, { panicThreshold: 0 });
    down(p, 0, 1, 2, 3);
    const s = shares(p, 4000);
    expect(s['x']).toBeCloseTo(0.75, 2);
  });

  it('golden sequence (seed 11): x, y chosen by the seeded schedule, round robin inside each', () => {
    const b = setup(fleet({ x: 2, y: 3 }), { routing: 'locality-weighted', localityWeights: { x: 1, y: 2 } });
    expect(ids(b, 12)).toMatchInlineSnapshot(`
      [
        "y0",
        "y1",
        "x0",
        "y2",
        "y0",
        "x1",
        "y1",
        "y2",
        "x0",
        "y0",
        "y1",
        "x1",
      ]
    `);
  });
});

describe('without zones nothing changes', () => {
  it('zones absent, false or routing none: the same picks as before, no extra draws', () => {
    const specs = fleet({ a: 3, b: 5 });
    const base = ids(setup(specs, undefined, {}, 'p2c'), 50);
    expect(ids(setup(specs, false, {}, 'p2c'), 50)).toEqual(base);
    expect(ids(setup(specs, { routing: 'none' }, { localZone: 'a', localZoneShares: { a: 1, b: 1 } }, 'p2c'), 50)).toEqual(base);
  });

  it('a strategy with release state (least-connections) hears each release on the instance that picked', () => {
    const b = setup(fleet({ a: 4, b: 8, c: 4 }), {}, { localZone: 'a', localZoneShares: { a: 2, b: 2, c: 1 } }, 'least-connections');
    const req = requestInfo();
    const hs: number[] = [];
    for (let k = 0; k < 200; k++) hs.push(b.acquire(req));
    for (const h of hs) b.release(h, 200, 1);
    expect(b.leasesOutstanding).toBe(0);
    for (let i = 0; i < 16; i++) expect(b.activeOf(i)).toBe(0);
  });
});
