/**
 * The Balancer's mechanisms end to end on a manual clock: passive health, outlier ejection, active
 * checks with panic, slow start, runtime re-weight, rate limit, maxConn + balancer queue, conn limit,
 * retry exclusion and lease bookkeeping.
 */
import { describe, expect, it } from 'vitest';
import { backend, backends } from '../backend.js';
import {
  BACKEND_DOWN,
  BACKEND_DRAINING,
  BACKEND_EJECTED,
  BACKEND_REMOVED,
  BACKEND_STATES,
  BACKEND_UP,
  QUEUED,
  REFUSED_ALL_BUSY,
  REFUSED_CONN_LIMITED,
  REFUSED_NO_BACKEND,
  REFUSED_QUEUE_FULL,
  REFUSED_QUEUE_TIMEOUT,
  REFUSED_RATE_LIMITED,
  refusalReason,
  type Balancer,
} from './index.js';
import { ManualClock } from '../clock.js';
import { Rng } from '../rng.js';
import { requestInfo } from '../view.js';
import { createBalancer, type NamedBalancerOptions } from '../../strategies/index.js';

type Extra = Partial<Omit<NamedBalancerOptions, 'clock' | 'rng'>>;

function setup(strategy: string, weights: number[], extra: Extra = {}) {
  const clock = new ManualClock();
  const b = createBalancer({
    strategy,
    backends: backends(weights.length, weights),
    clock,
    timers: clock,
    rng: new Rng(1),
    ...extra,
  });
  return { clock, b };
}

/** Picks `n` times releasing at once with `status`; returns the backend indices. */
function picks(b: Balancer, n: number, status = 200): number[] {
  const out: number[] = [];
  const req = requestInfo();
  for (let k = 0; k < n; k++) {
    const h = b.acquire(req);
    if (h < 0) {
      out.push(h);
      continue;
    }
    out.push(b.backendOf(h));
    b.release(h, status, 1);
  }
  return out;
}

describe('Balancer', () => {
  it('drives nginx smooth WRR: weights 5,1,1 give a a b a c a a', () => {
    const { b } = setup('weighted-round-robin', [5, 1, 1]);
    expect(picks(b, 14)).toEqual([0, 0, 1, 0, 2, 0, 0, 0, 0, 1, 0, 2, 0, 0]);
  });

  it('passive health: a connect error takes a backend out for failTimeout, then it returns', () => {
    const { b, clock } = setup('round-robin', [1, 1, 1], { passive: { maxFails: 1, failTimeoutMs: 10_000 } });
    const h = b.acquire(requestInfo());
    expect(b.backendOf(h)).toBe(0);
    b.release(h, 0, 3, 'connect');
    expect(b.eligibleCount).toBe(2);
    expect(new Set(picks(b, 20))).toEqual(new Set([1, 2]));
    clock.advance(9_999);
    expect(picks(b, 20)).not.toContain(0);
    clock.advance(1);
    expect(b.eligibleCount).toBe(3);
    expect(picks(b, 6)).toContain(0);
  });

  it('passive health ignores 5xx unless count5xx is set (nginx proxy_next_upstream default)', () => {
    const a = setup('round-robin', [1, 1]);
    picks(a.b, 10, 503);
    expect(a.b.eligibleCount).toBe(2);
    const c = setup('round-robin', [1, 1], { passive: { maxFails: 1, failTimeoutMs: 1000, count5xx: true } });
    picks(c.b, 1, 503);
    expect(c.b.eligibleCount).toBe(1);
  });

  it('outlier ejection: 5 consecutive 5xx eject for 30 s (at most 10 %, at least one)', () => {
    const { b, clock } = setup('round-robin', [1, 1, 1, 1], { passive: false, outlier: {} });
    const req = requestInfo();
    // Fail only backend 0: round robin visits it every 4th pick.
    for (let k = 0; k < 20; k++) {
      const h = b.acquire(req);
      b.release(h, b.backendOf(h) === 0 ? 503 : 200, 1);
    }
    expect(b.status()[0]!.state).toBe('ejected');
    expect(b.eligibleCount).toBe(3);
    // Backend 1 failing too cannot be ejected: 10 % of 4 allows only one at a time.
    for (let k = 0; k < 30; k++) {
      const h = b.acquire(req);
      b.release(h, b.backendOf(h) === 1 ? 503 : 200, 1);
    }
    expect(b.status()[1]!.ejected).toBe(false);
    clock.advance(30_000);
    expect(b.status()[0]!.state).toBe('up');
  });

  it('active checks with rise/fall, and panic below 50 % healthy balances over all', () => {
    const { b } = setup('round-robin', [1, 1, 1, 1], { passive: false, active: { rise: 2, fall: 1 } });
    b.reportProbe(0, false);
    b.reportProbe(1, false);
    expect(b.eligibleCount).toBe(2); // 50 % healthy: not panic
    expect(b.inPanic).toBe(false);
    b.reportProbe(2, false);
    expect(b.inPanic).toBe(true); // 25 % healthy: panic, all four eligible
    expect(b.eligibleCount).toBe(4);
    b.reportProbe(2, true);
    expect(b.eligibleCount).toBe(4); // one success < rise 2: still down, still panic
    b.reportProbe(2, true);
    expect(b.inPanic).toBe(false); // back to 50 % healthy
    expect(b.eligibleCount).toBe(2);
  });

  it('backendState gives the state of status() without building rows, for every state', () => {
    const { b, clock } = setup('round-robin', [1, 1, 1, 1, 1], {
      passive: { maxFails: 1, failTimeoutMs: 1000 },
      outlier: { consecutive5xx: 2, maxEjectionPercent: 100 },
      active: { rise: 1, fall: 1 },
    });
    const states = () => b.backends.map((_, i) => BACKEND_STATES[b.backendState(i)]);
    const req = requestInfo();
    for (let k = 0; k < 10; k++) {
      const h = b.acquire(req);
      const i = b.backendOf(h);
      b.release(h, i === 0 ? 0 : i === 1 ? 503 : 200, 1, i === 0 ? 'connect' : 'none'); // 0: passive down; 1: ejected after two
    }
    b.reportProbe(2, false); // active down
    b.setDraining('b4', true);
    b.removeBackend('b3');
    expect(states()).toEqual(['down', 'ejected', 'down', 'removed', 'draining']);
    expect(states()).toEqual(b.status().map((s) => s.state));
    expect(b.backendState(0)).toBe(BACKEND_DOWN);
    expect(b.backendState(1)).toBe(BACKEND_EJECTED);
    expect(b.backendState(3)).toBe(BACKEND_REMOVED);
    expect(b.backendState(4)).toBe(BACKEND_DRAINING);
    clock.advance(1000); // the passive ban ends; the ejection (30 s) does not
    b.reportProbe(2, true);
    expect(states()).toEqual(['up', 'ejected', 'up', 'removed', 'draining']);
    expect(b.backendState(0)).toBe(BACKEND_UP);
    expect(states()).toEqual(b.status().map((s) => s.state));
    expect(() => b.backendState(5)).toThrow(RangeError);
    expect(() => b.backendState(-1)).toThrow(RangeError);
  });

  it('panicThreshold 0 disables panic: all down refuses with no-backend', () => {
    const { b } = setup('random', [1, 1], { passive: false, active: { fall: 1 }, panicThreshold: 0 });
    b.reportProbe(0, false);
    b.reportProbe(1, false);
    expect(b.acquire(requestInfo())).toBe(REFUSED_NO_BACKEND);
    expect(refusalReason(REFUSED_NO_BACKEND)).toBe('no-backend');
  });

  it('slow start ramps a joining backend: 10 % weight at first, full after the window', () => {
    const { b, clock } = setup('weighted-random', [1, 1], { slowStart: { windowMs: 10_000, minWeightPercent: 10, aggression: 1 } });
    const i = b.addBackend(backend({ id: 'new' }));
    const share = () => picks(b, 20_000).filter((x) => x === i).length / 20_000;
    expect(b.status()[i]!.effectiveWeight).toBeCloseTo(0.1, 6);
    expect(share()).toBeCloseTo(0.1 / 2.1, 1);
    clock.advance(5_000);
    expect(b.status()[i]!.effectiveWeight).toBeCloseTo(0.5, 6);
    clock.advance(5_000);
    expect(b.status()[i]!.effectiveWeight).toBe(1);
    expect(Math.abs(share() - 1 / 3)).toBeLessThan(0.015);
  });

  it('runtime re-weight and drain take effect on the next pick', () => {
    const { b } = setup('weighted-round-robin', [1, 1]);
    b.setWeight('b1', 3);
    const seq = picks(b, 8);
    expect(seq.filter((x) => x === 1).length).toBe(6);
    b.setDraining('b1', true);
    expect(picks(b, 4)).toEqual([0, 0, 0, 0]);
    b.setWeight('b1', null);
    b.setDraining('b1', false);
    expect(picks(b, 4).sort()).toEqual([0, 0, 1, 1]);
  });

  it('rate limit (leaky bucket): admit returns delays, then refuses', () => {
    const { b } = setup('round-robin', [1], { rateLimit: { rate: 10, burst: 2, nodelay: false, delay: 0 } });
    const req = requestInfo();
    expect([b.admit(req), b.admit(req), b.admit(req), b.admit(req)]).toEqual([0, 100, 200, REFUSED_RATE_LIMITED]);
  });

  it('maxConn queues in the balancer, grants on release in FIFO order, and times out', () => {
    const { b, clock } = setup('round-robin', [1, 1], { queue: { maxQueue: 2, timeoutMs: 100 } });
    const full = createBalancer({
      strategy: 'round-robin',
      backends: [backend({ id: 'x', maxConn: 1 }), backend({ id: 'y', maxConn: 1 })],
      clock,
      timers: clock,
      rng: new Rng(1),
      queue: { maxQueue: 2, timeoutMs: 100 },
    });
    void b;
    const events: string[] = [];
    full.setQueueListener({
      granted: (token, h) => events.push(`granted ${token} on ${full.backends[full.backendOf(h)]!.id}`),
      refused: (token, code) => events.push(`refused ${token} ${refusalReason(code)}`),
    });
    const req = requestInfo();
    const h1 = full.acquire(req, 1);
    const h2 = full.acquire(req, 2);
    expect(h1).toBeGreaterThanOrEqual(0);
    expect(h2).toBeGreaterThanOrEqual(0);
    expect(full.acquire(req, 3)).toBe(QUEUED);
    clock.advance(50);
    expect(full.acquire(req, 4)).toBe(QUEUED);
    expect(full.acquire(req, 5)).toBe(REFUSED_QUEUE_FULL);
    full.release(h1, 200, 5);
    expect(events).toEqual(['granted 3 on x']);
    clock.advance(100); // token 4 waited 100 ms
    expect(events).toEqual(['granted 3 on x', `refused 4 ${refusalReason(REFUSED_QUEUE_TIMEOUT)}`]);
    expect(full.queued).toBe(0);
    expect(full.leasesOutstanding).toBe(2);
  });

  it('a queue with timeout 0 waits without a limit: granted on the next release however long it waited', () => {
    const clock = new ManualClock();
    const b = createBalancer({
      strategy: 'round-robin',
      backends: [backend({ id: 'x', maxConn: 1 })],
      clock,
      timers: clock,
      rng: new Rng(3),
      queue: { maxQueue: 2, timeoutMs: 0 },
    });
    const events: string[] = [];
    b.setQueueListener({
      granted: (token) => events.push(`granted ${token}`),
      refused: (token, code) => events.push(`refused ${token} ${refusalReason(code)}`),
    });
    const h = b.acquire(requestInfo(), 1);
    expect(b.acquire(requestInfo(), 2)).toBe(QUEUED);
    clock.advance(3_600_000);
    expect(events).toEqual([]);
    b.release(h, 200, 1);
    expect(events).toEqual(['granted 2']);
    expect(b.queued).toBe(0);
    expect(b.leasesOutstanding).toBe(1);
  });

  it('maxConn without a queue refuses as all-busy', () => {
    const clock = new ManualClock();
    const b = createBalancer({ strategy: 'random', backends: [backend({ id: 'x', maxConn: 1 })], clock, timers: clock, rng: new Rng(2) });
    const h = b.acquire(requestInfo());
    expect(b.acquire(requestInfo())).toBe(REFUSED_ALL_BUSY);
    b.release(h, 200, 1);
    expect(b.acquire(requestInfo())).toBeGreaterThanOrEqual(0);
  });

  it('limit_conn caps concurrent leases per client address', () => {
    const { b } = setup('round-robin', [1, 1], { connLimit: { perKey: 2, key: 'client' } });
    const a = requestInfo({ clientAddr: '10.0.0.1' });
    const other = requestInfo({ clientAddr: '10.0.0.2' });
    const h1 = b.acquire(a);
    b.acquire(a);
    expect(b.acquire(a)).toBe(REFUSED_CONN_LIMITED);
    expect(b.acquire(other)).toBeGreaterThanOrEqual(0);
    b.release(h1, 200, 1);
    expect(b.acquire(a)).toBeGreaterThanOrEqual(0);
  });

  it('retries exclude backends already tried; all tried refuses', () => {
    const { b } = setup('random', [1, 1, 1]);
    const req = requestInfo({ attempt: 2 });
    for (let k = 0; k < 200; k++) {
      const h = b.acquire(req, 0, [0, 2]);
      expect(b.backendOf(h)).toBe(1);
      b.release(h, 200, 1);
    }
    expect(b.acquire(req, 0, [0, 1, 2])).toBe(REFUSED_NO_BACKEND);
  });

  it('removed backends get no new requests; their leases still release', () => {
    const { b } = setup('round-robin', [1, 1]);
    const h = b.acquire(requestInfo());
    const i = b.backendOf(h);
    b.removeBackend(`b${i}`);
    expect(picks(b, 5).every((x) => x === 1 - i)).toBe(true);
    b.release(h, 200, 1);
    expect(b.leasesOutstanding).toBe(0);
    expect(b.status()[i]!.state).toBe('removed');
  });
});

describe('the host set a strategy sees (PickView.members)', () => {
  // Envoy's RING_HASH (consistent-hash flavor envoy) is rebuilt over the host set: the six keys go to
  // b2 b2 b0 b2 b0 b2 over three hosts and b0 b0 b1 b1 b0 b1 over b0, b1 (docs/strategies.md#consistent-hash).
  const keys = ['user:42', '/item/a', 'session-9f3', '10.1.2.3', 'k1', 'k2'];
  const make = (extra: Extra = {}): Balancer =>
    createBalancer({
      strategy: 'consistent-hash',
      strategyOptions: { flavor: 'envoy' },
      backends: [1, 2, 3].map((k) => backend({ id: `b${k - 1}`, address: `10.0.0.${k}:80` })),
      clock: new ManualClock(),
      rng: new Rng(1),
      ...extra,
    });
  const picks = (b: Balancer, exclude?: number[]): number[] =>
    keys.map((k) => {
      const h = b.acquire(requestInfo({ hashKey: k }), 0, exclude);
      const i = b.backendOf(h);
      b.release(h, 200, 1);
      return i;
    });

  it('a drained backend leaves the set (the ring is rebuilt); a retry exclusion does not (its entries are walked past)', () => {
    const b = make();
    expect(picks(b)).toEqual([2, 2, 0, 2, 0, 2]);
    b.setDraining('b2', true);
    expect(picks(b)).toEqual([0, 0, 1, 1, 0, 1]);
    b.setDraining('b2', false);
    expect(picks(b)).toEqual([2, 2, 0, 2, 0, 2]);
    const retried = picks(b, [2]);
    expect(retried[2]).toBe(0);
    expect(retried[4]).toBe(0);
    expect(retried).not.toContain(2);
    expect(picks(b)).toEqual([2, 2, 0, 2, 0, 2]);
    expect(b.leasesOutstanding).toBe(0);
  });

  it('an unhealthy backend (active checks) leaves the set; panic puts every member back', () => {
    const b = make({ passive: false, active: { rise: 1, fall: 1 } });
    b.reportProbe(2, false);
    expect(picks(b)).toEqual([0, 0, 1, 1, 0, 1]);
    b.reportProbe(0, false); // one of three healthy: under the 50 % panic threshold, all three again
    expect(picks(b)).toEqual([2, 2, 0, 2, 0, 2]);
  });
});
