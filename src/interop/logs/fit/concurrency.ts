/**
 * Requests in flight per server, from overlapping upstream attempts, in bounded memory.
 *
 * A log is written in (nearly) end-time order, while concurrency needs start-time order. Each
 * attempt is turned into two events, start and end, held in a min-heap of typed arrays ordered by
 * time (ends before starts at equal times: a server that finishes a request at t is free for one
 * that starts at t); an event is processed once no later line can carry an earlier one, i.e. when it
 * is older than (latest end seen) − (longest attempt seen) − {@link REORDER_SLACK_MS} (lines written
 * up to that much out of order, as buffered or multi-worker logs are, are still placed right).
 * The heap holds the attempts of that window only. An event older than one already processed is
 * counted as late and processed at once.
 *
 * At each start, the number of OTHER attempts in flight on that server is reported
 * ({@link ConcurrencyTracker.onStart}); the estimates of workers and of de-queued service demand
 * built on it are in service.ts.
 */

/** How far out of end-time order lines may be and still be placed exactly (ms). */
export const REORDER_SLACK_MS = 2000;

const END = 0;
const START = 1;

/** A binary min-heap of events over typed arrays. */
class EventHeap {
  time = new Float64Array(1024);
  value = new Float64Array(1024);
  server = new Int32Array(1024);
  tag = new Int32Array(1024);
  kind = new Uint8Array(1024);
  size = 0;

  private less(a: number, b: number): boolean {
    const ta = this.time[a]!;
    const tb = this.time[b]!;
    return ta < tb || (ta === tb && this.kind[a]! < this.kind[b]!);
  }

  private swap(a: number, b: number): void {
    const t = this.time[a]!;
    this.time[a] = this.time[b]!;
    this.time[b] = t;
    const v = this.value[a]!;
    this.value[a] = this.value[b]!;
    this.value[b] = v;
    const s = this.server[a]!;
    this.server[a] = this.server[b]!;
    this.server[b] = s;
    const g = this.tag[a]!;
    this.tag[a] = this.tag[b]!;
    this.tag[b] = g;
    const k = this.kind[a]!;
    this.kind[a] = this.kind[b]!;
    this.kind[b] = k;
  }

  push(time: number, kind: number, server: number, value: number, tag: number): void {
    if (this.size === this.time.length) {
      const grow = <T extends Float64Array | Int32Array | Uint8Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.time = grow(this.time);
      this.value = grow(this.value);
      this.server = grow(this.server);
      this.tag = grow(this.tag);
      this.kind = grow(this.kind);
    }
    let i = this.size++;
    this.time[i] = time;
    this.kind[i] = kind;
    this.server[i] = server;
    this.value[i] = value;
    this.tag[i] = tag;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(i, p)) break;
      this.swap(i, p);
      i = p;
    }
  }

  /** Removes the top event (read its fields at index 0 first). */
  pop(): void {
    const last = --this.size;
    if (last > 0) {
      this.time[0] = this.time[last]!;
      this.value[0] = this.value[last]!;
      this.server[0] = this.server[last]!;
      this.tag[0] = this.tag[last]!;
      this.kind[0] = this.kind[last]!;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= last) break;
        const r = l + 1;
        const c = r < last && this.less(r, l) ? r : l;
        if (!this.less(c, i)) break;
        this.swap(i, c);
        i = c;
      }
    }
  }
}

/** Receives each attempt's start with the server's other in-flight attempts at that moment. */
export interface StartListener {
  /**
   * @param server server index
   * @param inFlight other attempts in flight on that server when this one started
   * @param duration the attempt's upstream time (ms)
   * @param tag the caller's tag (e.g. a request class, or −1 for an attempt not to be used)
   */
  onStart(server: number, inFlight: number, duration: number, tag: number): void;
}

/** Tracks in-flight attempts per server (see the module header). */
export class ConcurrencyTracker {
  private readonly heap = new EventHeap();
  private inFlight = new Int32Array(16);
  private maxEnd = -Infinity;
  private maxDuration = 0;
  private lastProcessed = -Infinity;
  /** Events processed after a later one (lines more than the slack out of order). */
  late = 0;
  /** Events processed. */
  events = 0;
  /** Largest heap size reached (memory bound check). */
  peak = 0;

  constructor(private readonly listener: StartListener) {}

  /** Adds one attempt [start, start + duration) on `server`. */
  add(server: number, start: number, duration: number, tag: number): void {
    if (server >= this.inFlight.length) {
      const b = new Int32Array(Math.max(server + 1, this.inFlight.length * 2));
      b.set(this.inFlight);
      this.inFlight = b;
    }
    const end = start + duration;
    this.heap.push(start, START, server, duration, tag);
    this.heap.push(end, END, server, 0, 0);
    if (this.heap.size > this.peak) this.peak = this.heap.size;
    if (end > this.maxEnd) this.maxEnd = end;
    if (duration > this.maxDuration) this.maxDuration = duration;
    this.drain(this.maxEnd - this.maxDuration - REORDER_SLACK_MS);
  }

  /** Processes every event at or before `until` (all of them with Infinity). */
  drain(until: number): void {
    const h = this.heap;
    while (h.size > 0 && h.time[0]! <= until) {
      const t = h.time[0]!;
      const kind = h.kind[0]!;
      const s = h.server[0]!;
      const v = h.value[0]!;
      const tag = h.tag[0]!;
      h.pop();
      if (t < this.lastProcessed) this.late++;
      else this.lastProcessed = t;
      this.events++;
      if (kind === END) this.inFlight[s]!--;
      else {
        this.listener.onStart(s, this.inFlight[s]!, v, tag);
        this.inFlight[s]!++;
      }
    }
  }

  /** Processes everything left (end of the log). */
  finish(): void {
    this.drain(Infinity);
  }
}
