/**
 * Request rate limiting as nginx `limit_req` does it: a leaky bucket per key with burst and delay.
 *
 * Reference: nginx `src/http/modules/ngx_http_limit_req_module.c` (`ngx_http_limit_req_lookup`,
 * `ngx_http_limit_req_account`, `ngx_http_limit_req_expire`, the `limit_req` directive parser).
 * nginx counts in milli-requests: `rate` r/s is stored as `rate × 1000`, `burst` as `burst × 1000`,
 * `delay=N` as `N × 1000` and `nodelay` as an infinite delay threshold. Per request of a known key,
 * with `ms` the time since the key's last accepted request:
 *
 *     excess = max(0, excess − rate × ms / 1000 + 1000)
 *     excess > burst            → reject (503 / `limit_req_status`); the state is not updated
 *     otherwise store excess, last = now;
 *     excess <= delay threshold → forward now,
 *     else                      → forward after (excess − delay) × 1000 / rate ms.
 *
 * A key seen for the first time is stored with excess 0 and passes at once. With rate 10 r/s and
 * burst 5, six simultaneous requests get delays 0, 100, 200, 300, 400, 500 ms and the seventh is
 * rejected; with `nodelay` the six pass at once; with `delay=2`: 0, 0, 0, 100, 200, 300.
 *
 * Differences from nginx: arithmetic is in floating point rather than truncating integers, so
 * fractional (virtual) milliseconds drain the bucket continuously (identical results for integer
 * times when `rate × ms` is a multiple of 1000, e.g. any whole r/s); the delay is not truncated to
 * whole ms; the key `''` is one shared bucket (nginx skips requests whose key is empty). Idle keys
 * are evicted once drained to the point where they would act exactly like a new key
 * (`excess + 1000 <= rate × idle / 1000`), when the table exceeds `maxKeys` (nginx evicts from an
 * LRU on allocation, after 60 s idle); eviction is therefore invisible to admission decisions.
 * Per-key state lives in typed arrays addressed through a `Map<string, slot>`.
 * Sources, test vectors and departures: docs/mechanisms.md#rate-limit.
 */

/** Options of an nginx `limit_req` zone + directive. */
export interface RateLimitOptions {
  /** Sustained rate in requests per second (nginx `rate=`). */
  rate: number;
  /** Requests allowed above the rate, queued or passed (nginx `burst=`, default 0). */
  burst: number;
  /** Pass burst requests without delay (nginx `nodelay`, default false). */
  nodelay: boolean;
  /** Burst requests passed without delay before delaying starts (nginx `delay=`, default 0). */
  delay: number;
  /** Keys tracked before idle ones are swept (default 10 000; memory stays bounded by live keys). */
  maxKeys?: number;
}

/** nginx defaults for everything but the rate. */
export const RATE_LIMIT_DEFAULTS: Readonly<Required<Omit<RateLimitOptions, 'rate'>>> = Object.freeze({
  burst: 0,
  nodelay: false,
  delay: 0,
  maxKeys: 10_000,
});

/** Returned by {@link LeakyBucket.admit} for a rejected request. */
export const REJECT = -1;

/** Tolerance (milli-requests) on the burst test against floating-point drift. */
const EPS = 1e-6;

/** Per-key leaky buckets with nginx `limit_req` semantics. */
export class LeakyBucket {
  /** Rate in milli-requests per second (nginx `ctx->rate`). */
  private readonly rateMilli: number;
  /** Burst in milli-requests (nginx `limit->burst`). */
  private readonly burstMilli: number;
  /** Delay threshold in milli-requests (nginx `limit->delay`; Infinity for `nodelay`). */
  private readonly delayMilli: number;
  private readonly maxKeys: number;
  private readonly slots = new Map<string, number>();
  private excess = new Float64Array(16);
  private last = new Float64Array(16);
  private freeList = new Int32Array(16);
  private freeTop = 0;
  private nextSlot = 0;
  private sweepAt: number;

  /** @param opts `rate` is required; other fields take {@link RATE_LIMIT_DEFAULTS} */
  constructor(opts: Pick<RateLimitOptions, 'rate'> & Partial<RateLimitOptions>) {
    const { rate } = opts;
    const burst = opts.burst ?? RATE_LIMIT_DEFAULTS.burst;
    const delay = opts.delay ?? RATE_LIMIT_DEFAULTS.delay;
    const nodelay = opts.nodelay ?? RATE_LIMIT_DEFAULTS.nodelay;
    const maxKeys = opts.maxKeys ?? RATE_LIMIT_DEFAULTS.maxKeys;
    if (!(rate > 0 && Number.isFinite(rate))) throw new RangeError(`limit_req: rate must be > 0 r/s, got ${rate}`);
    if (!(burst >= 0 && Number.isFinite(burst))) throw new RangeError(`limit_req: burst must be >= 0, got ${burst}`);
    if (!(delay >= 0)) throw new RangeError(`limit_req: delay must be >= 0, got ${delay}`);
    if (!(Number.isInteger(maxKeys) && maxKeys >= 1)) throw new RangeError(`limit_req: maxKeys must be an integer >= 1, got ${maxKeys}`);
    this.rateMilli = rate * 1000;
    this.burstMilli = burst * 1000;
    this.delayMilli = nodelay ? Infinity : delay * 1000;
    this.maxKeys = maxKeys;
    this.sweepAt = maxKeys;
  }

  /**
   * Admits one request of `key` at `now` (ms).
   * @returns the delay in ms before forwarding it (0 = at once), or {@link REJECT} (-1)
   */
  admit(key: string, now: number): number {
    let s = this.slots.get(key);
    let e: number;
    if (s === undefined) {
      if (this.slots.size >= this.sweepAt) this.sweep(now);
      s = this.alloc();
      this.slots.set(key, s);
      e = 0; // nginx: a new node starts with excess 0
    } else {
      const ms = now - this.last[s]!;
      e = this.excess[s]! - (ms > 0 ? (this.rateMilli * ms) / 1000 : 0) + 1000;
      if (e < 0) e = 0;
      if (e > this.burstMilli + EPS) return REJECT;
    }
    this.excess[s] = e;
    this.last[s] = now;
    if (e <= this.delayMilli + EPS) return 0;
    return ((e - this.delayMilli) * 1000) / this.rateMilli;
  }

  /** Number of keys tracked. */
  size(): number {
    return this.slots.size;
  }

  /** Current excess of `key` in requests (drained to `now`), 0 for an unknown key. */
  excessAt(key: string, now: number): number {
    const s = this.slots.get(key);
    if (s === undefined) return 0;
    const ms = now - this.last[s]!;
    const e = this.excess[s]! - (ms > 0 ? (this.rateMilli * ms) / 1000 : 0);
    return e > 0 ? e / 1000 : 0;
  }

  /** Drops every key that has drained enough to behave like a new key at `now`; returns how many. */
  sweep(now: number): number {
    let dropped = 0;
    for (const [key, s] of this.slots) {
      const idle = now - this.last[s]!;
      if (this.excess[s]! + 1000 <= (this.rateMilli * idle) / 1000 + EPS) {
        this.slots.delete(key);
        this.release(s);
        dropped++;
      }
    }
    this.sweepAt = Math.max(this.maxKeys, 2 * this.slots.size);
    return dropped;
  }

  private alloc(): number {
    if (this.freeTop > 0) return this.freeList[--this.freeTop]!;
    if (this.nextSlot === this.excess.length) {
      const cap = this.excess.length * 2;
      const excess = new Float64Array(cap);
      excess.set(this.excess);
      this.excess = excess;
      const last = new Float64Array(cap);
      last.set(this.last);
      this.last = last;
      const free = new Int32Array(cap);
      free.set(this.freeList);
      this.freeList = free;
    }
    return this.nextSlot++;
  }

  private release(s: number): void {
    this.freeList[this.freeTop++] = s;
  }
}
