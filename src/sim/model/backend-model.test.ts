import { describe, it, expect } from 'vitest';
import { BackendFarm, type BackendConfig } from './backend-model.js';
import { EventQueue } from '../engine/event-queue.js';
import { SimClock } from '../engine/sim-clock.js';

const FIFO_DONE = 1;
const PS_DONE = 2;

/** A farm over `configs` with its clock, job table and event queue. */
function setup(configs: BackendConfig[]): { farm: BackendFarm; q: EventQueue; clock: SimClock; work: Float64Array } {
  const q = new EventQueue();
  const clock = new SimClock();
  const jobs = { work: new Float64Array(64) };
  return { farm: new BackendFarm(configs, clock, jobs, q, FIFO_DONE, PS_DONE), q, clock, work: jobs.work };
}

/** Runs the farm's completion events to exhaustion (backend 0); returns [time, job] per completion. */
function drain(farm: BackendFarm, q: EventQueue, clock: SimClock): [number, number][] {
  const out: [number, number][] = [];
  while (q.pop()) {
    clock.t = q.time;
    if (q.kind === FIFO_DONE) {
      farm.fifoDone(0);
      out.push([q.time, q.payload]);
    } else {
      const job = farm.psDone(q.payload, q.seq);
      if (job >= 0) out.push([q.time, job]);
    }
  }
  return out;
}

const cfg = (c: Partial<BackendConfig>): BackendConfig => ({ workers: 1, speed: 1, discipline: 'fifo', queueLimit: null, ...c });

describe('BackendFarm', () => {
  it('FIFO with 2 workers: the third job waits for the first free worker', () => {
    const { farm, q, clock, work } = setup([cfg({ workers: 2 })]);
    work.set([4, 2, 3], 10);
    expect(farm.arrive(0, 10)).toBe(true);
    expect(farm.arrive(0, 11)).toBe(true);
    expect(farm.arrive(0, 12)).toBe(true);
    expect(farm.inSystem(0)).toBe(3);
    expect(drain(farm, q, clock)).toEqual([
      [2, 11],
      [4, 10],
      [5, 12],
    ]);
    farm.flush(0);
    expect(farm.busyArea[0]).toBe(9); // total work
    expect(farm.queueArea[0]).toBe(2); // job 12 waited 2 ms
  });

  it('speed divides the work; the queue limit refuses past workers + limit', () => {
    const { farm, q, clock, work } = setup([cfg({ speed: 4, queueLimit: 1 })]);
    work.fill(4);
    expect(farm.arrive(0, 1)).toBe(true);
    expect(farm.arrive(0, 2)).toBe(true);
    expect(farm.arrive(0, 3)).toBe(false);
    expect(drain(farm, q, clock)).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('FIFO rings grow past 16 waiting jobs and keep their order', () => {
    const { farm, q, clock, work } = setup([cfg({})]);
    work.fill(1);
    for (let j = 0; j < 40; j++) farm.arrive(0, j);
    expect(drain(farm, q, clock).map(([t, j]) => [t, j])).toEqual(Array.from({ length: 40 }, (_, j) => [j + 1, j]));
  });

  it('processor sharing, one worker: jobs of 1 and 2 units arriving together finish at 2 and 3', () => {
    const { farm, q, clock, work } = setup([cfg({ discipline: 'ps' })]);
    work[7] = 2;
    work[8] = 1;
    farm.arrive(0, 7);
    farm.arrive(0, 8);
    const done = drain(farm, q, clock);
    expect(done.map(([, j]) => j)).toEqual([8, 7]);
    expect(done[0]![0]).toBeCloseTo(2, 12);
    expect(done[1]![0]).toBeCloseTo(3, 12);
  });

  it('processor sharing with 2 workers: up to 2 jobs at full speed, then shared (3 jobs of 2 units → all done at 3)', () => {
    const { farm, q, clock, work } = setup([cfg({ discipline: 'ps', workers: 2 })]);
    work.fill(2);
    for (let j = 0; j < 3; j++) farm.arrive(0, j);
    const done = drain(farm, q, clock);
    expect(done).toHaveLength(3);
    for (const [t] of done) expect(t).toBeCloseTo(3, 12);
    farm.flush(0);
    expect(farm.busyArea[0]).toBeCloseTo(6, 12); // 2 workers busy for 3 ms
    expect(farm.queueArea[0]).toBeCloseTo(3, 12); // 1 job beyond the workers for 3 ms
  });

  it('processor sharing: a late arrival slows the job in service (the superseded completion is ignored)', () => {
    const { farm, q, clock, work } = setup([cfg({ discipline: 'ps' })]);
    work[1] = 2;
    work[2] = 1;
    farm.arrive(0, 1); // alone it would finish at t = 2
    // at t = 1 job 1 has 1 unit left; job 2 (1 unit) joins: both at half speed, both end at t = 3
    clock.t = 1;
    farm.arrive(0, 2);
    expect(q.size).toBe(2); // the stale completion at t = 2 is still queued
    const done = drain(farm, q, clock);
    expect(done.map(([, j]) => j).sort()).toEqual([1, 2]);
    for (const [t] of done) expect(t).toBeCloseTo(3, 12);
  });

  it('processor sharing queue limit counts jobs beyond the workers', () => {
    const { farm, work } = setup([cfg({ discipline: 'ps', workers: 2, queueLimit: 1 })]);
    work.fill(1);
    expect([0, 1, 2, 3].map((j) => farm.arrive(0, j))).toEqual([true, true, true, false]);
  });
});

describe('BackendFarm tracked mode (faults)', () => {
  /** A tracked farm over one backend; events at given times run `at` callbacks before completions. */
  function tracked(c: BackendConfig) {
    const q = new EventQueue();
    const clock = new SimClock();
    const jobs = { work: new Float64Array(64), doneAt: new Float64Array(64), doneSeq: new Float64Array(64) };
    const farm = new BackendFarm([c], clock, jobs, q, FIFO_DONE, PS_DONE);
    farm.enableTracking(jobs, FIFO_DONE);
    const ACTION = 31;
    /** Runs to exhaustion; `actions` fire at their times (kind 31, the highest). Returns [time, job] per completion. */
    const run = (actions: [number, () => void][]): [number, number][] => {
      actions.forEach(([t], k) => q.push(t, ACTION, k));
      const out: [number, number][] = [];
      while (q.pop()) {
        clock.t = q.time;
        if (q.kind === ACTION) actions[q.payload]![1]();
        else if (q.kind === FIFO_DONE) {
          if (farm.fifoDoneTracked(0, q.payload, q.seq)) out.push([q.time, q.payload]);
        } else {
          const job = farm.psDone(q.payload, q.seq);
          if (job >= 0) out.push([q.time, job]);
        }
      }
      return out;
    };
    return { farm, q, clock, work: jobs.work, run };
  }

  it('FIFO: a job in service is re-timed on its remaining work when the speed changes (slow ×4 at t=1, back at t=3)', () => {
    const { farm, work, run } = tracked(cfg({}));
    work[1] = 4;
    work[2] = 1;
    farm.arriveTracked(0, 1);
    farm.arriveTracked(0, 2);
    // job 1: 1 unit by t=1, then 2 ms at 1/4 speed = 0.5 unit, then 2.5 units at full speed → done at 5.5
    const out = run([
      [1, () => farm.setSpeedFactor(0, 0.25)],
      [3, () => farm.setSpeedFactor(0, 1)],
    ]);
    expect(out.map(([t, j]) => [+t.toFixed(9), j])).toEqual([
      [5.5, 1],
      [6.5, 2],
    ]);
  });

  it('FIFO: speed 0 (pause) stops the job in service and the queue; arrivals during the pause wait', () => {
    const { farm, work, run } = tracked(cfg({}));
    work[1] = 2;
    work[2] = 1;
    farm.arriveTracked(0, 1);
    const out = run([
      [1, () => farm.setSpeedFactor(0, 0)],
      [1.5, () => farm.arriveTracked(0, 2)],
      [4, () => farm.setSpeedFactor(0, 1)],
    ]);
    expect(out).toEqual([
      [5, 1],
      [6, 2],
    ]);
  });

  it('PS: the virtual time advances at the old rate before a speed change (2 jobs, slow ×2 at t=1)', () => {
    const { farm, work, run } = tracked(cfg({ discipline: 'ps' }));
    work[1] = 2;
    work[2] = 2;
    farm.arriveTracked(0, 1);
    farm.arriveTracked(0, 2);
    // each progresses at 1/2 until t=1 (0.5 done), then at 1/4: 1.5 left → 6 ms → both at t=7
    const out = run([[1, () => farm.setSpeedFactor(0, 0.5)]]);
    expect(out.map(([t]) => t)).toEqual([7, 7]);
  });

  it('kill drops every job (in service and waiting); their completion events turn stale', () => {
    const { farm, work, run } = tracked(cfg({ workers: 1 }));
    work.fill(1);
    farm.arriveTracked(0, 1);
    farm.arriveTracked(0, 2);
    farm.arriveTracked(0, 3);
    let killed: number[] = [];
    const out = run([
      [
        0.5,
        () => {
          const n = farm.kill(0);
          killed = Array.from(farm.killed.subarray(0, n));
        },
      ],
      [0.6, () => farm.arriveTracked(0, 4)],
    ]);
    expect(killed.sort()).toEqual([1, 2, 3]);
    expect(out).toEqual([[1.6, 4]]);
    expect(farm.inSystem(0)).toBe(0);
  });

  it('addBackend grows the farm while running; the new backend serves from then on', () => {
    const { farm, work, q, clock } = tracked(cfg({}));
    clock.t = 10;
    expect(farm.addBackend(cfg({ speed: 2 }))).toBe(1);
    work[5] = 4;
    farm.arriveTracked(1, 5);
    expect(q.pop()).toBe(true);
    expect(q.time).toBe(12);
    expect(farm.n).toBe(2);
    expect(farm.workers[1]).toBe(1);
  });
});
