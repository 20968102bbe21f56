/**
 * Where the traffic went, for scenarios with failover tiers, zones or degraded hosts
 * (docs/zone-network.md, docs/tiers.md): attempts of measured requests per tier, per backend zone
 * and to degraded hosts (in total and per time-series slice), per client
 * zone the requests, their latency (p50, p99 by nearest rank, `stats.ts`) and the share of their
 * attempts that crossed zones, the cross-zone share and its cost, and the episodes of spill-over to
 * a lower tier and of panic.
 *
 * An episode of spill-over to tier t (t ≥ 1) begins with the first attempt sent to tier t and ends
 * with the last one before a gap of at least one time-series interval without any; a panic episode
 * likewise with attempts picked while their balancer was in panic (`Balancer.inPanic`). Only the
 * measured window counts; times are seconds since the end of the warm-up, as in the time series.
 */
import { percentilesOfRange } from '../../results/stats.js';
import type { TrafficEpisode, TrafficResult, TrafficShares } from '../../results/schema.js';

/** One episode being followed. */
interface Open {
  start: number;
  last: number;
}

/** The traffic placement figures of one run (see the module header). */
export class TrafficRecorder {
  private readonly tierN: Float64Array;
  private readonly tierSeries: Float64Array[];
  private readonly zoneN: Float64Array;
  private readonly zoneSeries: Float64Array[];
  private readonly crossSeries: Float64Array;
  /** Attempts to degraded hosts, in total and per slice (null when the scenario has none). */
  private readonly degradedSeries: Float64Array | null;
  private degradedN = 0;
  private readonly sliceN: Float64Array;
  private attempts = 0;
  private cross = 0;
  /** Per client zone: requests, attempts, cross-zone attempts, latencies. */
  private readonly czRequests: Float64Array;
  private readonly czAttempts: Float64Array;
  private readonly czCross: Float64Array;
  private readonly czLat: Float64Array[];
  private readonly czN: Int32Array;
  private readonly open: (Open | null)[]; // per tier (spill; tier 0 unused), then panic at index `tiers`
  private readonly episodes: (TrafficEpisode & { at: number })[] = [];

  /**
   * @param tiers number of failover tiers (1 = none)
   * @param zones backend zone names (empty = none)
   * @param clientZones client zone names (empty = none)
   * @param slices time-series slices; `boundary(k)` gives slice k's start (k = slices: the end)
   * @param withDegraded whether the scenario has degraded hosts (their share is then reported)
   */
  constructor(
    readonly tiers: number,
    readonly zones: readonly string[],
    readonly clientZones: readonly string[],
    private readonly slices: number,
    private readonly warmupMs: number,
    private readonly intervalMs: number,
    private readonly endMs: number,
    private readonly network: { crossZoneBytes: number; pricePerGB: number } | null,
    withDegraded = false,
  ) {
    this.degradedSeries = withDegraded ? new Float64Array(slices) : null;
    this.tierN = new Float64Array(tiers);
    this.tierSeries = Array.from({ length: tiers }, () => new Float64Array(slices));
    this.zoneN = new Float64Array(zones.length);
    this.zoneSeries = Array.from({ length: zones.length }, () => new Float64Array(slices));
    this.crossSeries = new Float64Array(slices);
    this.sliceN = new Float64Array(slices);
    const C = clientZones.length;
    this.czRequests = new Float64Array(C);
    this.czAttempts = new Float64Array(C);
    this.czCross = new Float64Array(C);
    this.czLat = Array.from({ length: C }, () => new Float64Array(1024));
    this.czN = new Int32Array(C);
    this.open = Array.from({ length: tiers + 1 }, () => null);
  }

  /** A measured request from client zone `c` arrived. */
  request(c: number): void {
    this.czRequests[c]!++;
  }

  /**
   * An attempt of a measured request started at `now` on a backend of tier `tier` and zone index
   * `zone` (-1 = none), from client zone `c` (-1 = none), crossing zones or not, its balancer in
   * panic or not, the backend degraded or not.
   */
  attempt(now: number, tier: number, zone: number, c: number, crosses: boolean, panic: boolean, degraded = false): void {
    this.attempts++;
    this.tierN[tier]!++;
    if (degraded) this.degradedN++;
    if (zone >= 0) this.zoneN[zone]!++;
    if (crosses) this.cross++;
    if (c >= 0) {
      this.czAttempts[c]!++;
      if (crosses) this.czCross[c]!++;
    }
    if (now >= this.endMs) return;
    const k = Math.min(this.slices - 1, Math.floor((now - this.warmupMs) / this.intervalMs));
    if (k < 0) return;
    this.sliceN[k]!++;
    this.tierSeries[tier]![k]!++;
    if (zone >= 0) this.zoneSeries[zone]![k]!++;
    if (crosses) this.crossSeries[k]!++;
    if (degraded && this.degradedSeries) this.degradedSeries[k]!++;
    if (tier > 0) this.mark(tier, now, 'spill');
    if (panic) this.mark(this.tiers, now, 'panic');
  }

  private mark(i: number, now: number, kind: 'spill' | 'panic'): void {
    const o = this.open[i];
    if (o && now - o.last < this.intervalMs) {
      o.last = now;
      return;
    }
    if (o) this.close(i, kind);
    this.open[i] = { start: now, last: now };
  }

  private close(i: number, kind: 'spill' | 'panic'): void {
    const o = this.open[i]!;
    const s = (t: number): number => (t - this.warmupMs) / 1000;
    this.episodes.push({ kind, ...(kind === 'spill' ? { tier: i } : {}), start: s(o.start), end: s(o.last), at: o.start });
    this.open[i] = null;
  }

  /** A measured request from client zone `c` completed with latency `ms`. */
  latency(c: number, ms: number): void {
    let a = this.czLat[c]!;
    const n = this.czN[c]!;
    if (n === a.length) {
      const g = new Float64Array(n * 2);
      g.set(a);
      this.czLat[c] = a = g;
    }
    a[n] = ms;
    this.czN[c] = n + 1;
  }

  /** The run's figures (call once, after the run). */
  summarize(): TrafficResult {
    for (let i = 0; i <= this.tiers; i++) if (this.open[i]) this.close(i, i === this.tiers ? 'panic' : 'spill');
    const shares = (names: string[], n: Float64Array, series: Float64Array[]): TrafficShares => ({
      names,
      share: Array.from(n, (x) => (this.attempts > 0 ? x / this.attempts : 0)),
      series: series.map((s) => Array.from(s, (x, k) => (this.sliceN[k]! > 0 ? x / this.sliceN[k]! : 0))),
    });
    const out: TrafficResult = { episodes: [] };
    if (this.tiers > 1) out.tiers = shares(Array.from({ length: this.tiers }, (_, t) => String(t)), this.tierN, this.tierSeries);
    if (this.zones.length > 0) out.zones = shares([...this.zones], this.zoneN, this.zoneSeries);
    if (this.clientZones.length > 0) {
      out.clientZones = this.clientZones.map((zone, c) => {
        const n = this.czN[c]!;
        const [p50, p99] = n > 0 ? percentilesOfRange(this.czLat[c]!, 0, n, [0.5, 0.99]) : [NaN, NaN];
        return {
          zone,
          requests: this.czRequests[c]!,
          p50: p50!,
          p99: p99!,
          crossZoneShare: this.czAttempts[c]! > 0 ? this.czCross[c]! / this.czAttempts[c]! : 0,
        };
      });
      const share = this.attempts > 0 ? this.cross / this.attempts : 0;
      const net = this.network ?? { crossZoneBytes: 0, pricePerGB: 0 };
      const requests = this.czRequests.reduce((s, x) => s + x, 0);
      out.crossZone = {
        share,
        series: Array.from(this.crossSeries, (x, k) => (this.sliceN[k]! > 0 ? x / this.sliceN[k]! : 0)),
        attemptsPerRequest: requests > 0 ? this.attempts / requests : 0,
        bytesPerAttempt: net.crossZoneBytes,
        pricePerGB: net.pricePerGB,
        costPerMillion: requests > 0 ? ((this.cross / requests) * 1e6 * net.crossZoneBytes * net.pricePerGB) / 1e9 : 0,
      };
    }
    if (this.degradedSeries) {
      out.degraded = {
        share: this.attempts > 0 ? this.degradedN / this.attempts : 0,
        series: Array.from(this.degradedSeries, (x, k) => (this.sliceN[k]! > 0 ? x / this.sliceN[k]! : 0)),
      };
    }
    this.episodes.sort((a, b) => a.at - b.at || (a.kind < b.kind ? -1 : 1));
    out.episodes = this.episodes.map(({ at: _at, ...e }) => e);
    return out;
  }
}
