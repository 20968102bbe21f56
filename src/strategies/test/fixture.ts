/**
 * Test fixture: a hand-built {@link PickView} and {@link StrategyEnv} for unit tests of a single
 * strategy without a balancer. (The conformance suite drives strategies through the real Balancer.)
 */
import { backends } from '../../core/backend.js';
import { requestInfo } from '../../core/view.js';
import type { BackendSpec } from '../../core/backend.js';
import { Rng } from '../../core/rng.js';
import type { LeastTimeOptions, LoadSignals, PeakEwmaOptions, Strategy, StrategyEnv } from '../../core/strategy.js';
import type { PickView } from '../../core/view.js';
import { PeakEwmaSignal } from '../../core/load/peak-ewma.js';
import { LeastTimeSignal } from '../../core/load/least-time.js';
import { findStrategy } from '../registry.js';

/**
 * A mutable view for tests: set `active`, `eligible`, `now`, then call `refresh()`. The host set
 * (`members`) is `eligible` itself, so a test's eligibility change is a health change; a test of a
 * pick's own filters (a retry's exclusions) gives `members` its own mask.
 */
export class FixtureView implements PickView {
  specs: BackendSpec[];
  size: number;
  list: Int32Array;
  count = 0;
  eligible: Uint8Array;
  weight: Float64Array;
  active: Int32Array;
  totalActive = 0;
  now = 0;
  version = 0;
  /** The host set (see {@link PickView.members}): `eligible` itself unless a test sets its own mask. */
  members: Uint8Array;
  membersVersion = 0;

  constructor(specs: BackendSpec[]) {
    this.specs = specs;
    this.size = specs.length;
    this.list = new Int32Array(specs.length);
    this.eligible = new Uint8Array(specs.length).fill(1);
    this.weight = Float64Array.from(specs.map((s) => s.weight));
    this.active = new Int32Array(specs.length);
    this.members = this.eligible;
    this.refresh();
  }

  /** Recomputes `list`, `count` and `totalActive` from `eligible` and `active`, and bumps `version` (call it after changing `eligible` or `weight`). */
  refresh(): this {
    this.version++;
    this.membersVersion++;
    let c = 0;
    let t = 0;
    for (let i = 0; i < this.size; i++) {
      if (this.eligible[i] === 1) this.list[c++] = i;
      t += this.active[i]!;
    }
    this.count = c;
    this.totalActive = t;
    return this;
  }

  /** Marks backend `i` eligible or not and refreshes. */
  setEligible(i: number, on: boolean): this {
    this.eligible[i] = on ? 1 : 0;
    return this.refresh();
  }
}

/** A view over `n` backends with the given weights (default 1). */
export function fixtureView(n: number, weights?: readonly number[]): FixtureView {
  return new FixtureView(backends(n, weights));
}

/** Load signals for tests: real signal classes, updated by the test through `observe`. */
export class FixtureLoad implements LoadSignals {
  peak: PeakEwmaSignal[] = [];
  lt: LeastTimeSignal[] = [];
  constructor(private size: number) {}
  peakEwma(opts: PeakEwmaOptions): PeakEwmaSignal {
    const s = new PeakEwmaSignal(opts, this.size, 0);
    this.peak.push(s);
    return s;
  }
  leastTime(opts: LeastTimeOptions): LeastTimeSignal {
    const s = new LeastTimeSignal(opts, this.size, 0);
    this.lt.push(s);
    return s;
  }
  /** Feeds one observation to every subscribed signal (as the balancer does on release). */
  observe(i: number, latencyMs: number, now: number): void {
    for (const s of this.peak) s.observe(i, latencyMs, now);
    for (const s of this.lt) s.observe(i, latencyMs, now);
  }
}

/** A strategy env with its own seeded stream and fixture load signals. */
export function fixtureEnv(size: number, seed = 1): StrategyEnv & { load: FixtureLoad } {
  const rng = new Rng(seed).fork('strategy');
  const load = new FixtureLoad(size);
  const env: StrategyEnv & { load: FixtureLoad } = {
    rng,
    load,
    create(name: string, options: unknown): Strategy {
      const def = findStrategy(name);
      if (!def) throw new Error(`unknown strategy ${name}`);
      return def.create(def.options.parse(options ?? {}), env);
    },
  };
  return env;
}

/** Creates registered strategy `name` with `options` over `view`'s backends (calls rebuild). */
export function makeStrategy(name: string, view: FixtureView, options: unknown = {}, seed = 1) {
  const env = fixtureEnv(view.size, seed);
  const s = env.create(name, options);
  s.rebuild?.(view.specs);
  return { strategy: s, env };
}

/**
 * The backend id a hash strategy `name` picks for each key (hashKey), with the backends in
 * `ineligible` marked ineligible: the building block of the remapping tests.
 */
export function assignKeys(
  name: string,
  specs: BackendSpec[],
  keys: readonly string[],
  ineligible: readonly string[] = [],
  options: unknown = {},
): string[] {
  const view = new FixtureView(specs);
  specs.forEach((s, i) => ineligible.includes(s.id) && view.setEligible(i, false));
  const { strategy: s } = makeStrategy(name, view, options);
  const req = requestInfo();
  return keys.map((k) => {
    req.hashKey = k;
    return specs[s.pick(view, req)]!.id;
  });
}

/**
 * A scripted random stream for golden tests: `nextU32()` and `int(n)` return the given values in
 * order (`int(n)` checks the value is below n), so a test can replay the draws a proxy's source
 * makes. Throws when the script runs out.
 */
export function scriptedRng(values: readonly number[]): Rng {
  let k = 0;
  const take = (): number => {
    if (k >= values.length) throw new Error(`scriptedRng: script of ${values.length} values exhausted`);
    return values[k++]!;
  };
  const stub = {
    nextU32: () => take() >>> 0,
    int: (n: number) => {
      const v = take();
      if (!(v >= 0 && v < n)) throw new Error(`scriptedRng: int(${n}) scripted ${v}`);
      return v;
    },
    next: () => take() / 4294967296,
    nextOpen: () => (take() + 0.5) / 4294967296,
    fork: () => stub,
  };
  return stub as unknown as Rng;
}

/** Creates registered strategy `name` with `options` and the random stream `rng` over `view`'s backends. */
export function makeStrategyWithRng(name: string, view: FixtureView, options: unknown, rng: Rng): Strategy {
  const env = fixtureEnv(view.size);
  const def = findStrategy(name)!;
  const s = def.create(def.options.parse(options ?? {}), { ...env, rng });
  s.rebuild?.(view.specs);
  return s;
}
