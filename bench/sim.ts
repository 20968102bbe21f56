/**
 * Simulator throughput: simulated requests per second and events per second of the real engine
 * (`src/sim`, through the real Balancer and the `p2c` strategy) on the homogeneous scenario —
 * 10 backends × 1 worker, exponential service of mean 1 ms, Poisson arrivals at 80 % load, 1M
 * requests — beside a bare hand-written M/M/1 event loop in plain JS (its own binary heap over
 * typed arrays, the same xoshiro generator, latencies kept in a Float64Array) measured in the same
 * process. The ratio bare / engine is the engine's overhead for going through the core.
 *
 * Method: each candidate runs `ROUNDS` times after one warm-up run, the two candidates interleaved;
 * the best round is reported (the least-disturbed one: noise only ever adds time), both as wall
 * time and as process CPU time (steadier on a shared machine). The engine's time includes building
 * the balancer and summarizing (sorting 1M latencies, percentiles, time series, CDF).
 * Run: `node dist/bench/sim.js [requests]`.
 */
import { performance } from 'node:perf_hooks';
import { Rng } from '../src/core/rng.js';
import { simulateRun } from '../src/sim/run.js';
import { WorkloadModel } from '../src/sim/workload.js';
import { testScenario, choice } from '../src/sim/test/fixture.js';

const REQUESTS = Number(process.argv[2] ?? 1_000_000);
const ROUNDS = 7;
const RATE = 8000; // req/s: 80 % of 10 backends × 1000 req/s

/** A bare M/M/1 event loop: Poisson(λ) arrivals, exp(μ) service, FIFO, one server. */
function bareMM1(requests: number, lambdaPerMs: number, muPerMs: number, seed: number): { events: number; mean: number } {
  const rng = new Rng(seed);
  let cap = 1024;
  let ht = new Float64Array(cap);
  let hk = new Int32Array(cap);
  let hs = new Float64Array(cap);
  let n = 0;
  let seqNo = 0;
  const push = (t: number, k: number): void => {
    if (n === cap) {
      cap *= 2;
      const t2 = new Float64Array(cap);
      const k2 = new Int32Array(cap);
      const s2 = new Float64Array(cap);
      t2.set(ht);
      k2.set(hk);
      s2.set(hs);
      ht = t2;
      hk = k2;
      hs = s2;
    }
    const s = seqNo++;
    let i = n++;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (ht[p]! < t || (ht[p] === t && hs[p]! < s)) break;
      ht[i] = ht[p]!;
      hk[i] = hk[p]!;
      hs[i] = hs[p]!;
      i = p;
    }
    ht[i] = t;
    hk[i] = k;
    hs[i] = s;
  };
  let popT = 0;
  const pop = (): number => {
    const k0 = hk[0]!;
    popT = ht[0]!;
    const last = --n;
    const lt = ht[last]!;
    const lk = hk[last]!;
    const ls = hs[last]!;
    let i = 0;
    for (;;) {
      let c = 2 * i + 1;
      if (c >= last) break;
      if (c + 1 < last && (ht[c + 1]! < ht[c]! || (ht[c + 1] === ht[c] && hs[c + 1]! < hs[c]!))) c++;
      if (lt < ht[c]! || (lt === ht[c] && ls < hs[c]!)) break;
      ht[i] = ht[c]!;
      hk[i] = hk[c]!;
      hs[i] = hs[c]!;
      i = c;
    }
    ht[i] = lt;
    hk[i] = lk;
    hs[i] = ls;
    return k0;
  };
  const arrivalsAt = new Float64Array(1 << 16); // FIFO ring of arrival times waiting or in service
  const serviceOf = new Float64Array(1 << 16);
  const mask = (1 << 16) - 1;
  let head = 0;
  let len = 0;
  const lat = new Float64Array(requests);
  let done = 0;
  let generated = 0;
  let events = 0;
  push(-Math.log(rng.nextOpen()) / lambdaPerMs, 0);
  while (n > 0) {
    const kind = pop();
    const now = popT;
    events++;
    if (kind === 0) {
      generated++;
      if (generated < requests) push(now - Math.log(rng.nextOpen()) / lambdaPerMs, 0);
      const s = -Math.log(rng.nextOpen()) / muPerMs;
      const at = (head + len) & mask;
      arrivalsAt[at] = now;
      serviceOf[at] = s;
      len++;
      if (len === 1) push(now + s, 1);
    } else {
      lat[done++] = now - arrivalsAt[head]!;
      head = (head + 1) & mask;
      len--;
      if (len > 0) push(now + serviceOf[head]!, 1);
    }
  }
  let sum = 0;
  for (let i = 0; i < done; i++) sum += lat[i]!;
  return { events, mean: sum / done };
}

/** Best wall and CPU time (ms) of `f` over the rounds, plus its last output. */
interface Timing<T> {
  wall: number;
  cpu: number;
  out: T;
}

function measure<T>(f: () => T, t: Timing<T>): void {
  const c0 = process.cpuUsage();
  const w0 = performance.now();
  t.out = f();
  const wall = performance.now() - w0;
  const c = process.cpuUsage(c0);
  t.wall = Math.min(t.wall, wall);
  t.cpu = Math.min(t.cpu, (c.user + c.system) / 1000);
}

function main(): void {
  const durationMs = (REQUESTS / RATE) * 1000;
  const scenario = testScenario({
    durationMs,
    warmupMs: 0,
    intervalMs: Math.max(100, durationMs / 60),
    clients: { process: { arrival: 'poisson', rate: RATE } },
    backends: [{ count: 10, workers: 1, service: { dist: 'exponential', mean: 1 } }],
    strategies: [choice('p2c')],
  });
  const model = new WorkloadModel(scenario);
  process.stdout.write(`simulator throughput, ${REQUESTS.toLocaleString('en-US')} requests (node ${process.version})\n`);

  const runBare = (): { events: number; mean: number } => bareMM1(REQUESTS, 0.8, 1, 1);
  const runEngine = (): ReturnType<typeof simulateRun> => simulateRun(model, choice('p2c'), 1);
  const bare: Timing<{ events: number; mean: number }> = { wall: Infinity, cpu: Infinity, out: runBare() };
  const eng: Timing<ReturnType<typeof simulateRun>> = { wall: Infinity, cpu: Infinity, out: runEngine() };
  for (let r = 0; r < ROUNDS; r++) {
    measure(runBare, bare);
    measure(runEngine, eng);
  }
  const c = eng.out.counters;
  const fmt = (x: number): string => `${(x / 1e6).toFixed(2)}M`;
  const line = (label: string, t: Timing<unknown>, requests: number, events: number): void => {
    process.stdout.write(
      `  ${label}: wall ${t.wall.toFixed(1)} ms, cpu ${t.cpu.toFixed(1)} ms — ` +
        `${fmt((requests / t.wall) * 1000)} req/s, ${fmt((events / t.wall) * 1000)} events/s (wall)\n`,
    );
  };
  line('bare M/M/1 loop         ', bare, REQUESTS, bare.out.events);
  line('engine, p2c, 10 backends', eng, c.arrivals, c.events);
  process.stdout.write(`  bare mean response ${bare.out.mean.toFixed(3)} ms (theory 5.000); engine p99 ${eng.out.summary.latency.p99.toFixed(3)} ms\n`);
  const perReq = (t: number, n: number): number => t / n;
  const ratioWall = perReq(eng.wall, c.arrivals) / perReq(bare.wall, REQUESTS);
  const ratioCpu = perReq(eng.cpu, c.arrivals) / perReq(bare.cpu, REQUESTS);
  process.stdout.write(`  ratio engine / bare (time per request): wall ${ratioWall.toFixed(2)}x, cpu ${ratioCpu.toFixed(2)}x (target ≤ 3x)\n`);
  process.stdout.write(`  a 1M-request run of one strategy: ${((eng.wall * 1e6) / c.arrivals).toFixed(0)} ms wall\n`);
}

main();
