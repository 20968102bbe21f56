import { describe, it, expect } from 'vitest';
import { BackendFarm, type BackendConfig } from './backend-model.js';
import { EventQueue } from './event-queue.js';
import { SimClock } from './sim-clock.js';

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
