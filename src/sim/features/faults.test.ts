/**
 * Fault schedules and per-backend fault state, driven by a minimal event loop: window times per
 * kind, clipping to the measured window, random up/down times from the fault's own stream, and the
 * hooks the engine acts on (crash, end of hang, speed changes).
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '../../core/rng.js';
import { FaultRuntime, type FaultHooks } from './faults.js';
import type { Fault, FaultKind } from '../../scenario/types.js';

interface Log {
  windows: { b: number; kind: FaultKind; open: number; close: number | null }[];
  calls: string[];
}

/** Runs every instance to completion (transitions in time order) and logs what happened. */
function play(faults: Fault[], ids: string[], windowEnd: number, seed = 1): { rt: FaultRuntime; log: Log } {
  const rt = new FaultRuntime(faults, ids, new Rng(seed), windowEnd);
  const log: Log = { windows: [], calls: [] };
  let now = 0;
  const hooks: FaultHooks = {
    crashed: (b) => log.calls.push(`crash ${b} @${now}`),
    unhung: (b) => log.calls.push(`unhung ${b} @${now}`),
    speedChanged: (b, f) => log.calls.push(`speed ${b} ${f} @${now}`),
    faultOpened: (b, kind) => log.windows.push({ b, kind, open: now, close: null }),
    faultClosed: (b, kind) => {
      const w = log.windows.findLast((x) => x.b === b && x.kind === kind && x.close === null)!;
      w.close = now;
    },
  };
  const next = Array.from({ length: rt.count }, (_, i) => rt.firstAt(i));
  for (;;) {
    let i = -1;
    for (let j = 0; j < next.length; j++) if (next[j]! < Infinity && (i < 0 || next[j]! < next[i]!)) i = j;
    if (i < 0) break;
    now = next[i]!;
    next[i] = rt.fire(i, now, hooks);
  }
  return { rt, log };
}

const base = { atMs: 0, durationMs: null };

describe('FaultRuntime', () => {
  it('a fixed crash opens at `at`, closes after `duration`, and drops the work once', () => {
    const { log, rt } = play([{ kind: 'crash', backends: ['b1'], atMs: 1000, durationMs: 500, mtbfMs: null, mttrMs: null }], ['b0', 'b1'], 10_000);
    expect(log.windows).toEqual([{ b: 1, kind: 'crash', open: 1000, close: 1500 }]);
    expect(log.calls).toEqual(['crash 1 @1000']);
    expect(rt.isUp(1)).toBe(true);
  });

  it('a fault without duration ends with the measured window; one starting after it never opens', () => {
    const { log } = play(
      [
        { kind: 'hang', backends: ['b0'], ...base, atMs: 2000, mtbfMs: null, mttrMs: null },
        { kind: 'crash', backends: ['b0'], atMs: 9000, durationMs: 100, mtbfMs: null, mttrMs: null },
      ],
      ['b0'],
      5000,
    );
    expect(log.windows).toEqual([{ b: 0, kind: 'hang', open: 2000, close: 5000 }]);
    // a hang stops progress, and its end resets what the backend held
    expect(log.calls).toEqual(['speed 0 0 @2000', 'unhung 0 @5000', 'speed 0 1 @5000']);
  });

  it('mtbf/mttr: alternating windows inside the span with exponential means (within 5 % over ~9,000 cycles)', () => {
    const f: Fault = { kind: 'crash', backends: ['b0'], atMs: 0, durationMs: null, mtbfMs: 1000, mttrMs: 100 };
    const { log } = play([f], ['b0'], 10_000_000, 3);
    const w = log.windows;
    expect(w.length).toBeGreaterThan(8000);
    let up = w[0]!.open;
    let down = 0;
    for (let k = 0; k < w.length; k++) {
      if (k > 0) up += w[k]!.open - w[k - 1]!.close!;
      down += w[k]!.close! - w[k]!.open;
      expect(w[k]!.close!).toBeGreaterThan(w[k]!.open);
    }
    expect(Math.abs(up / w.length / 1000 - 1)).toBeLessThan(0.05);
    expect(Math.abs(down / w.length / 100 - 1)).toBeLessThan(0.05);
  });

  it('the same seed gives the same random windows; another seed different ones', () => {
    const f: Fault = { kind: 'hang', backends: ['b0', 'b1'], ...base, mtbfMs: 500, mttrMs: 50 };
    const a = play([f], ['b0', 'b1'], 20_000, 9).log.windows;
    expect(play([f], ['b0', 'b1'], 20_000, 9).log.windows).toEqual(a);
    expect(play([f], ['b0', 'b1'], 20_000, 10).log.windows).not.toEqual(a);
    // each backend has its own stream
    expect(a.filter((x) => x.b === 0).map((x) => x.open)).not.toEqual(a.filter((x) => x.b === 1).map((x) => x.open));
  });

  it('pause: `length` every `every` from a phase in [0, every), at speed 0', () => {
    const { log } = play([{ kind: 'pause', backends: ['b0'], ...base, everyMs: 1000, lengthMs: 100 }], ['b0'], 10_000);
    const w = log.windows;
    expect(w[0]!.open).toBeGreaterThanOrEqual(0);
    expect(w[0]!.open).toBeLessThan(1000);
    expect(w.length).toBeGreaterThanOrEqual(9);
    for (let k = 0; k < w.length; k++) {
      expect(w[k]!.close! - w[k]!.open).toBeCloseTo(Math.min(100, 10_000 - w[k]!.open), 9);
      if (k > 0) expect(w[k]!.open - w[k - 1]!.open).toBeCloseTo(1000, 9);
    }
    expect(log.calls.slice(0, 2)).toEqual([`speed 0 0 @${w[0]!.open}`, `speed 0 1 @${w[0]!.close}`]);
  });

  it('flap: down for `down` (connections refused), up for `up`, repeated from `at`', () => {
    const { log } = play([{ kind: 'flap', backends: ['b0'], atMs: 1000, durationMs: 5000, upMs: 1000, downMs: 500 }], ['b0'], 60_000);
    expect(log.windows.map((x) => [x.open, x.close])).toEqual([
      [1000, 1500],
      [2500, 3000],
      [4000, 4500],
      [5500, 6000],
    ]);
    expect(log.calls).toEqual(['crash 0 @1000', 'crash 0 @2500', 'crash 0 @4000', 'crash 0 @5500']);
  });

  it('slow divides the speed by the product of open factors; a pause inside it stops progress', () => {
    const { log } = play(
      [
        { kind: 'slow', backends: ['b0'], atMs: 0, durationMs: 1000, factor: 4 },
        { kind: 'slow', backends: ['b0'], atMs: 200, durationMs: 200, factor: 2 },
        { kind: 'hang', backends: ['b0'], atMs: 600, durationMs: 100, mtbfMs: null, mttrMs: null },
      ],
      ['b0'],
      10_000,
    );
    expect(log.calls).toEqual([
      'speed 0 0.25 @0',
      'speed 0 0.125 @200',
      'speed 0 0.25 @400',
      'speed 0 0 @600',
      'unhung 0 @700',
      'speed 0 0.25 @700',
      'speed 0 1 @1000',
    ]);
  });

  it('errors: overlapping fractions combine as 1 − Π(1 − f), status and latency of the latest', () => {
    const { rt } = play([], ['b0'], 1000);
    expect(rt.errFraction[0]).toBe(0);
    const r = new FaultRuntime(
      [
        { kind: 'errors', backends: ['b0'], atMs: 0, durationMs: 100, fraction: 0.5, status: 500, latency: 0.1 },
        { kind: 'errors', backends: ['b0'], atMs: 0, durationMs: 100, fraction: 0.5, status: 503, latency: 0.2 },
      ],
      ['b0'],
      new Rng(1),
      1000,
    );
    const noop: FaultHooks = { crashed() {}, unhung() {}, speedChanged() {}, faultOpened() {}, faultClosed() {} };
    r.fire(0, 0, noop);
    r.fire(1, 0, noop);
    expect(r.errFraction[0]).toBe(0.75);
    expect(r.errStatus[0]).toBe(503);
    expect(r.errLatency[0]).toBe(0.2);
    expect(r.isFailing(0)).toBe(true);
    let hits = 0;
    for (let k = 0; k < 10_000; k++) if (r.drawError(0)) hits++;
    expect(Math.abs(hits / 10_000 - 0.75)).toBeLessThan(0.02);
    r.fire(0, 100, noop);
    r.fire(1, 100, noop);
    expect(r.errFraction[0]).toBe(0);
  });
});
