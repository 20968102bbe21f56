/**
 * Prequal: probe requests-in-flight and latency, pick by the hot-cold lexicographic (HCL) rule.
 *
 * Reference: Wydrowski, Kleinberg, Rumble, Archer, "Load is not what you should balance:
 * Introducing Prequal", USENIX NSDI 2024 (docs/strategies.md#prequal). Defaults follow the paper's
 * baseline: r_probe = 3 probes per query to distinct random replicas, a pool of at most 16 probes,
 * probes older than 1 s discarded, Q_RIF = 2^-0.25 ≈ 0.84.
 *
 * On each pick: entries that expired (older than `ttlMs`) or whose backend is no longer eligible
 * leave the pool; `probes` distinct eligible backends are probed, recording (index, RIF =
 * `view.active`, latency = the backend's last observed latency, `view.now`); a probe of a backend
 * already pooled refreshes its entry (one entry per backend), otherwise it takes a free slot or
 * evicts the oldest entry. HCL: an entry is hot when its RIF exceeds the q-quantile of the pool's
 * RIFs; the cold entry with the lowest latency wins (ties: lower RIF, then uniformly at random, so
 * equal backends share the load before any latency is observed); if every entry were hot, the
 * lowest RIF would win. The chosen entry's RIF is incremented, as the paper's client does for its
 * own dispatches. q = 0 reduces to RIF-only, q = 1 to latency-only.
 *
 * Simplifications: probes are answered synchronously from the balancer's own in-flight counts
 * (no probe RPC). The latency a probe reports is the paper's server-side estimate, the latency of
 * recent requests at a similar RIF: each backend keeps an EWMA (α = 0.25) of completed latencies per
 * RIF bucket (log2 buckets of the in-flight count at completion); an unseen bucket is extrapolated
 * linearly in RIF from the nearest lower bucket seen (or from `defaultLatencyMs`). A pool entry is
 * used at most `maxReuse` times (the paper's reuse budget). A failed request never lowers a
 * backend's latency.
 *
 * Implementation: the pool's RIFs are also kept as a sorted multiset, updated in place whenever an
 * entry's RIF changes (a few short shifts per pick), so the quantile is one read instead of a sort.
 * The expiry pass over the pool runs only when the view's version changed (eligibility) or the
 * oldest probe may have outlived the TTL.
 * Cost: O(probes + poolSize) per pick, independent of n; no allocation.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import type { Rng } from '../core/rng.js';
import type { Strategy, StrategyDef, StrategyEnv } from '../core/strategy.js';
import type { PickView } from '../core/view.js';
import { DistinctSampler } from './support/sampling.js';
import { capOption, MAX_DRAWS, MAX_PROBE_POOL } from './support/work-cap.js';

const schema = z
  .object({
    /** Probes per pick, to distinct random eligible backends (paper r_probe = 3). */
    probes: z.number().int().min(1).default(3),
    /** Maximum probes kept (paper: 16). */
    poolSize: z.number().int().min(1).default(16),
    /** Age after which a probe is discarded, ms (paper: 1 s). */
    ttlMs: z.number().positive().default(1000),
    /** Q_RIF: hot when RIF exceeds this quantile of the pool's RIFs (paper: 2^-0.25 ≈ 0.84). */
    quantile: z.number().min(0).max(1).default(0.84),
    /** Latency assumed for a backend never observed, ms. */
    defaultLatencyMs: z.number().min(0).default(1),
    maxReuse: z.number().int().min(1).default(2),
  })
  .strict()
  .superRefine((o, ctx) => {
    capOption(ctx, 'probes', o.probes, MAX_DRAWS, 'each pick sends that many probes');
    capOption(ctx, 'poolSize', o.poolSize, MAX_PROBE_POOL, 'the pool is allocated up front and scanned on every pick');
  });

/** Options of `prequal`. */
export type PrequalOptions = z.infer<typeof schema>;

/** RIF buckets per backend: 0, 1, 2–3, 4–7, … (log2). */
const BUCKETS = 16;
/** EWMA weight of a new latency sample within its RIF bucket. */
const ALPHA = 0.25;

/** Bucket of a RIF value: floor(log2(rif + 1)), capped. */
function bucketOf(rif: number): number {
  const b = 31 - Math.clz32(rif + 1);
  return b < BUCKETS ? b : BUCKETS - 1;
}

/** Smallest RIF in bucket `b`. */
function bucketLow(b: number): number {
  return (1 << b) - 1;
}

class Prequal implements Strategy {
  private readonly sampler = new DistinctSampler();
  /** Last observed latency per backend index. */
  /** EWMA latency per backend and RIF bucket (`i * BUCKETS + b`); NaN = not seen. */
  private latency = new Float64Array(0);
  /** Pool slot of each backend index, or -1. */
  private slotOf = new Int32Array(0);
  /** Backend ids by index at the last rebuild (to carry latencies over). */
  private ids: string[] = [];
  private readonly pIdx: Int32Array;
  private readonly pRif: Float64Array;
  private readonly pLat: Float64Array;
  private readonly pTime: Float64Array;
  private readonly pUses: Int32Array;
  /** The multiset of `pRif[0 … m-1]`, ascending. */
  private readonly sorted: Float64Array;
  /** Number of pool entries in use (slots 0 … m-1). */
  private m = 0;
  /** View version the pool was last checked against for eligibility (NaN: never). */
  private checkedVersion = Number.NaN;
  /** A lower bound of every pooled probe's time (exact after an expiry pass). */
  private oldest = Infinity;

  constructor(
    private readonly rng: Rng,
    private readonly o: PrequalOptions,
  ) {
    this.pIdx = new Int32Array(o.poolSize);
    this.pRif = new Float64Array(o.poolSize);
    this.pLat = new Float64Array(o.poolSize);
    this.pTime = new Float64Array(o.poolSize);
    this.pUses = new Int32Array(o.poolSize);
    this.sorted = new Float64Array(o.poolSize);
  }

  /** Resizes per-backend state for `specs`, carrying latencies by id, and empties the pool. */
  rebuild(specs: readonly BackendSpec[]): void {
    const old = new Map<string, Float64Array>();
    for (let i = 0; i < this.ids.length; i++) old.set(this.ids[i]!, this.latency.slice(i * BUCKETS, (i + 1) * BUCKETS));
    const n = specs.length;
    this.latency = new Float64Array(n * BUCKETS).fill(Number.NaN);
    for (let i = 0; i < n; i++) {
      const l = old.get(specs[i]!.id);
      if (l !== undefined) this.latency.set(l, i * BUCKETS);
    }
    this.ids = specs.map((s) => s.id);
    this.slotOf = new Int32Array(n).fill(-1);
    this.m = 0;
    this.checkedVersion = Number.NaN;
  }

  private ensureSize(size: number): void {
    if (size <= this.slotOf.length) return;
    const lat = new Float64Array(size * BUCKETS).fill(Number.NaN);
    lat.set(this.latency);
    this.latency = lat;
    const slot = new Int32Array(size).fill(-1);
    slot.set(this.slotOf);
    this.slotOf = slot;
  }

  /** Position of a value equal to `v` in `sorted[0 … m-1]` (it is there). */
  private find(v: number): number {
    const a = this.sorted;
    let lo = 0;
    let hi = this.m - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (a[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Replaces one `from` by `to` in the sorted multiset (size m unchanged). */
  private resort(from: number, to: number): void {
    if (from === to) return;
    const a = this.sorted;
    let j = this.find(from);
    if (to > from) {
      const last = this.m - 1;
      while (j < last && a[j + 1]! < to) {
        a[j] = a[j + 1]!;
        j++;
      }
    } else {
      while (j > 0 && a[j - 1]! > to) {
        a[j] = a[j - 1]!;
        j--;
      }
    }
    a[j] = to;
  }

  /** Inserts `v` into the sorted multiset of the first `m − 1` entries (call after m grew). */
  private sortedInsert(v: number): void {
    const a = this.sorted;
    let j = this.m - 1;
    while (j > 0 && a[j - 1]! > v) {
      a[j] = a[j - 1]!;
      j--;
    }
    a[j] = v;
  }

  /** Deletes one `v` from the sorted multiset (call before m shrinks). */
  private sortedDelete(v: number): void {
    const a = this.sorted;
    const last = this.m - 1;
    for (let j = this.find(v); j < last; j++) a[j] = a[j + 1]!;
  }

  /** Removes pool slot `s`, moving the last entry into it. */
  private remove(s: number): void {
    this.slotOf[this.pIdx[s]!] = -1;
    this.sortedDelete(this.pRif[s]!);
    const last = --this.m;
    if (s !== last) {
      const i = this.pIdx[last]!;
      this.pIdx[s] = i;
      this.pRif[s] = this.pRif[last]!;
      this.pLat[s] = this.pLat[last]!;
      this.pTime[s] = this.pTime[last]!;
      this.pUses[s] = this.pUses[last]!;
      this.slotOf[i] = s;
    }
  }

  /** Records a probe of backend `i`. */
  private record(i: number, rif: number, now: number): void {
    let s = this.slotOf[i]!;
    if (s < 0) {
      if (this.m < this.pIdx.length) {
        s = this.m++;
        this.sortedInsert(rif);
      } else {
        s = 0;
        for (let k = 1; k < this.m; k++) if (this.pTime[k]! < this.pTime[s]!) s = k;
        this.slotOf[this.pIdx[s]!] = -1;
        this.resort(this.pRif[s]!, rif);
      }
      this.pIdx[s] = i;
      this.slotOf[i] = s;
    } else {
      this.resort(this.pRif[s]!, rif);
    }
    this.pRif[s] = rif;
    this.pLat[s] = this.estimate(i, rif);
    this.pTime[s] = now;
    this.pUses[s] = 0;
  }

  /** Latency estimate of backend `i` at `rif` requests in flight (see the module header). */
  private estimate(i: number, rif: number): number {
    const base = i * BUCKETS;
    const b = bucketOf(rif);
    const v = this.latency[base + b]!;
    if (v === v) return v;
    for (let k = b - 1; k >= 0; k--) {
      const w = this.latency[base + k]!;
      if (w === w) return (w * (rif + 1)) / (bucketLow(k) + 1);
    }
    return this.o.defaultLatencyMs * (rif + 1);
  }

  /** The pool's RIF at quantile q (nearest rank below: sorted[floor(q·(m−1))]). */
  private threshold(): number {
    return this.sorted[Math.floor(this.o.quantile * (this.m - 1))]!;
  }

  pick(view: PickView): number {
    const count = view.count;
    if (count === 0) return -1;
    this.ensureSize(view.size);
    const now = view.now;
    const ttl = this.o.ttlMs;
    // Nothing can leave unless eligibility may have changed or the oldest probe may be too old.
    if (view.version !== this.checkedVersion || now - this.oldest > ttl) {
      this.checkedVersion = view.version;
      let oldest = now; // probes recorded from now on are no older
      for (let s = this.m - 1; s >= 0; s--) {
        const i = this.pIdx[s]!;
        if (i >= view.size || view.eligible[i] !== 1 || now - this.pTime[s]! > ttl) this.remove(s);
      }
      for (let s = 0; s < this.m; s++) if (this.pTime[s]! < oldest) oldest = this.pTime[s]!;
      this.oldest = oldest;
    }
    const k = this.sampler.sample(count, this.o.probes, this.rng);
    const pos = this.sampler.pos;
    for (let j = 0; j < k; j++) {
      const i = view.list[pos[j]!]!;
      this.record(i, view.active[i]!, now);
    }
    const th = this.threshold();
    let best = -1;
    let ties = 1;
    for (let s = 0; s < this.m; s++) {
      const rif = this.pRif[s]!;
      if (rif > th) continue;
      if (best < 0) {
        best = s;
        continue;
      }
      const lat = this.pLat[s]!;
      const bl = this.pLat[best]!;
      const br = this.pRif[best]!;
      if (lat < bl || (lat === bl && rif < br)) {
        best = s;
        ties = 1;
      } else if (lat === bl && rif === br && this.rng.int(++ties) === 0) {
        best = s; // exact tie: uniform among the tied (reservoir sampling)
      }
    }
    if (best < 0) {
      best = 0;
      for (let s = 1; s < this.m; s++) if (this.pRif[s]! < this.pRif[best]!) best = s;
    }
    const chosen = this.pIdx[best]!;
    // A probe answer is used at most maxReuse times (the paper's reuse budget): a stale answer
    // must not keep attracting requests after the backend's queue has grown.
    if (++this.pUses[best]! >= this.o.maxReuse) this.remove(best);
    else {
      const r = this.pRif[best]!;
      this.resort(r, r + 1);
      this.pRif[best] = r + 1;
    }
    return chosen;
  }

  released(i: number, failed: boolean, latencyMs: number, _now: number, active: number): void {
    if (i < 0 || (i + 1) * BUCKETS > this.latency.length) return;
    const k = i * BUCKETS + bucketOf(active);
    const old = this.latency[k]!;
    if (old !== old) {
      this.latency[k] = latencyMs;
      return;
    }
    if (failed && latencyMs < old) return;
    this.latency[k] = old + ALPHA * (latencyMs - old);
  }
}

/** `prequal`: asynchronous-probe pool with hot-cold lexicographic selection (NSDI 2024). */
export const strategy: StrategyDef<PrequalOptions> = {
  name: 'prequal',
  description: 'Prequal: probe RIF and latency into a small pool; lowest-latency cold backend (HCL rule)',
  reference: 'Wydrowski et al., Load is not what you should balance: Introducing Prequal, NSDI 2024',
  options: schema,
  weighted: false,
  spreads: true,
  cost: 'O(1)',
  create(opts: PrequalOptions, env: StrategyEnv): Strategy {
    return new Prequal(env.rng, opts);
  },
};
