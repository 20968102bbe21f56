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

/**
 * A binary min-heap of events: a time and an event id per entry (two typed arrays, so a sift moves
 * two numbers); the event's fields live in slot-indexed arrays, slots recycled through a free list.
 * Order: time, then ends before starts (the id's low bit: 0 = end).
 */
class EventHeap {
  time = new Float64Array(1024);
  id = new Int32Array(1024);
  size = 0;
  // per slot (an attempt): server, duration, tag
  server = new Int32Array(512);
  value = new Float64Array(512);
  tag = new Int32Array(512);
  private free: number[] = [];
  private slots = 0;

  /** A slot for an attempt's fields. */
  slot(server: number, value: number, tag: number): number {
    let s = this.free.pop();
    if (s === undefined) {
      s = this.slots++;
      if (s === this.server.length) {
        const n = s * 2;
        const a = new Int32Array(n);
        a.set(this.server);
        this.server = a;
        const b = new Float64Array(n);
        b.set(this.value);
        this.value = b;
        const c = new Int32Array(n);
        c.set(this.tag);
        this.tag = c;
      }
    }
    this.server[s] = server;
    this.value[s] = value;
    this.tag[s] = tag;
    return s;
  }

  release(slot: number): void {
    this.free.push(slot);
  }

  push(time: number, id: number): void {
    if (this.size === this.time.length) {
      const t = new Float64Array(this.size * 2);
      t.set(this.time);
      this.time = t;
      const d = new Int32Array(this.size * 2);
      d.set(this.id);
      this.id = d;
    }
    const times = this.time;
    const ids = this.id;
    let i = this.size++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const tp = times[p]!;
      if (tp < time || (tp === time && (ids[p]! & 1) <= (id & 1))) break;
      times[i] = tp;
      ids[i] = ids[p]!;
      i = p;
    }
    times[i] = time;
    ids[i] = id;
  }

  /** Removes the top event (read time[0] and id[0] first). */
  pop(): void {
    const last = --this.size;
    if (last === 0) return;
    const times = this.time;
    const ids = this.id;
    const t = times[last]!;
    const d = ids[last]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      const r = c + 1;
      if (r < last && (times[r]! < times[c]! || (times[r] === times[c] && (ids[r]! & 1) < (ids[c]! & 1)))) c = r;
      const tc = times[c]!;
      if (tc > t || (tc === t && (ids[c]! & 1) >= (d & 1))) break;
      times[i] = tc;
      ids[i] = ids[c]!;
      i = c;
    }
    times[i] = t;
    ids[i] = d;
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
    const slot = this.heap.slot(server, duration, tag);
    this.heap.push(start, (slot << 1) | START);
    this.heap.push(end, (slot << 1) | END);
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
      const id = h.id[0]!;
      h.pop();
      const slot = id >> 1;
      const s = h.server[slot]!;
      if (t < this.lastProcessed) this.late++;
      else this.lastProcessed = t;
      this.events++;
      if ((id & 1) === END) {
        this.inFlight[s]!--;
        h.release(slot);
      } else {
        this.listener.onStart(s, this.inFlight[s]!, h.value[slot]!, h.tag[slot]!);
        this.inFlight[s]!++;
      }
    }
  }

  /** Processes everything left (end of the log). */
  finish(): void {
    this.drain(Infinity);
  }
}
