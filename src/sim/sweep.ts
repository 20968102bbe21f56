/**
 * Sweeps: one scenario at several values of one numeric key (e.g. `clients.rate`), every strategy
 * at every point — the p99-versus-load curves people choose a strategy by.
 *
 * Points are independent simulations, so they run in parallel on `worker_threads` (a small pool,
 * one point at a time per worker, `sweep-worker.ts`), and the result is assembled by point index:
 * the same inputs give the same JSON whatever the parallelism. The worker is the compiled
 * `sweep-worker.js` next to this module; when it does not exist (this module running from its
 * TypeScript source, e.g. under vitest) or with `parallel: 1`, points run in-process, one after
 * another.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { runScenario } from './run.js';
import { preloadTraces } from './model/trace-load.js';
import type { ResultsFile, SweepPoint } from '../results/schema.js';
import type { Scenario } from '../scenario/types.js';
import { withValue } from './sweep-path.js';
import type { SweepReply, SweepTask } from './sweep-worker.js';

/** Options of a sweep. */
export interface SweepOptions {
  /** Worker threads to use (default 1: in-process). */
  parallel?: number;
  /** Called after each single run (point × strategy × replication) with runs done and total. */
  onProgress?: (done: number, total: number) => void;
  /** Worker script to use (default: `sweep-worker.js` beside this module, when it exists). */
  workerUrl?: URL;
}

/** The default worker script, or null when running from source (no compiled worker beside us). */
function defaultWorker(): URL | null {
  const url = new URL('./sweep-worker.js', import.meta.url);
  try {
    return existsSync(fileURLToPath(url)) ? url : null;
  } catch {
    return null;
  }
}

/**
 * Runs `scenario` with the number at `key` (a dotted path into the normalized scenario, see
 * `sweep-path.ts`) set to each of `values`.
 */
export function sweepScenario(scenario: Scenario, key: string, values: readonly number[], opts: SweepOptions = {}): Promise<ResultsFile> {
  const scenarios = values.map((v) => withValue(scenario, key, v));
  return sweepScenarios(scenarios, key, values, opts);
}

/**
 * Runs already-prepared scenarios, one per point (`scenarios[i]` is the scenario at `values[i]`,
 * e.g. re-validated from the file with the key changed), and builds one results file with `sweep`.
 */
export async function sweepScenarios(
  scenarios: readonly Scenario[],
  key: string,
  values: readonly number[],
  opts: SweepOptions = {},
): Promise<ResultsFile> {
  if (scenarios.length === 0 || scenarios.length !== values.length) {
    throw new Error('sweep: expected one scenario per value, and at least one');
  }
  for (const sc of scenarios) await preloadTraces(sc);
  const total = scenarios.reduce((s, sc) => s + sc.strategies.length * Math.max(1, sc.replications), 0);
  let done = 0;
  const tick = (): void => opts.onProgress?.(++done, total);
  const parallel = Math.max(1, Math.min(Math.floor(opts.parallel ?? 1), scenarios.length));
  const worker = opts.workerUrl ?? defaultWorker();
  const files =
    parallel > 1 && worker !== null
      ? await runPool(scenarios, parallel, worker, tick)
      : scenarios.map((sc) => runScenario(sc, { onProgress: tick }));
  const points: SweepPoint[] = files.map((f, i) => ({ value: values[i]!, load: f.summary.loadFactor, results: f.results }));
  const first = files[0]!;
  return {
    schema: first.schema,
    mode: 'sim',
    generator: first.generator,
    scenario: first.scenario,
    summary: first.summary,
    results: [],
    sweep: { key, points },
    warnings: files.flatMap((f, i) => f.warnings.map((w) => `${key}=${values[i]}: ${w}`)),
  };
}

/** Runs the points on a pool of `size` workers; resolves with the results in point order. */
function runPool(scenarios: readonly Scenario[], size: number, url: URL, tick: () => void): Promise<ResultsFile[]> {
  return new Promise((resolve, reject) => {
    const out: (ResultsFile | undefined)[] = new Array(scenarios.length);
    const workers: Worker[] = [];
    let next = 0;
    let finished = 0;
    let failed = false;
    const stop = (): void => {
      for (const w of workers) void w.terminate();
    };
    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      stop();
      reject(e);
    };
    const feed = (w: Worker): void => {
      if (next >= scenarios.length) return;
      const task: SweepTask = { id: next, scenario: scenarios[next]! };
      next++;
      w.postMessage(task);
    };
    for (let k = 0; k < size; k++) {
      const w = new Worker(url);
      workers.push(w);
      w.on('message', (m: SweepReply) => {
        if (m.type === 'progress') tick();
        else if (m.type === 'error') fail(new Error(m.message));
        else {
          out[m.id] = m.result;
          finished++;
          if (finished === scenarios.length) {
            stop();
            resolve(out as ResultsFile[]);
          } else feed(w);
        }
      });
      w.on('error', (e) => fail(e));
      w.on('exit', (code) => {
        if (finished < scenarios.length && !failed) fail(new Error(`sweep worker exited with code ${code}`));
      });
      feed(w);
    }
  });
}
