/**
 * The parallel {@link Evaluate}: a pool of worker threads (`evaluate-worker.ts`) that live as long
 * as the search, each running one job at a time; a batch's jobs go to whichever worker is idle and
 * the summaries come back in job order. Each job is a pure function of (scenario, strategy, seed),
 * so the answer is the same as {@link serialEvaluate}'s whatever the pool size and the order in
 * which workers finish — `parallel.test.ts` compares them.
 *
 * The worker is the compiled `evaluate-worker.js` beside this module; when it does not exist (this
 * module running from its TypeScript source, e.g. under vitest) or with one thread, jobs run in this
 * thread through {@link serialEvaluate}.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { serialEvaluate, type Evaluate, type Progress, type RunJob, type RunSummary } from './evaluate.js';
import type { EvaluateReply, EvaluateTask } from './evaluate-worker.js';
import type { Scenario } from '../scenario/types.js';

/** An evaluator and how to release it (terminates the pool's threads). */
export interface PooledEvaluator {
  evaluate: Evaluate;
  /** Threads the evaluator runs on (1 = this thread). */
  threads: number;
  close(): Promise<void>;
}

/** The default worker script, or null when running from source (no compiled worker beside us). */
function defaultWorker(): URL | null {
  const url = new URL('./evaluate-worker.js', import.meta.url);
  try {
    return existsSync(fileURLToPath(url)) ? url : null;
  } catch {
    return null;
  }
}

/**
 * An evaluator on `size` worker threads (`workerUrl`: the worker script, default the compiled one
 * beside this module); with `size` 1 or no compiled worker, the serial evaluator.
 */
export function poolEvaluate(size: number, progress?: Progress, workerUrl?: URL): PooledEvaluator {
  const url = workerUrl ?? defaultWorker();
  if (size <= 1 || url === null) return { evaluate: serialEvaluate(progress), threads: 1, close: async () => {} };

  const workers: Worker[] = [];
  const scenarioIds = new WeakMap<Scenario, number>();
  let nextScenarioId = 0;
  let done = 0;
  let total = 0;
  let broken: Error | null = null;
  let busy = false;

  const idOf = (s: Scenario): number => {
    let id = scenarioIds.get(s);
    if (id === undefined) {
      id = nextScenarioId++;
      scenarioIds.set(s, id);
    }
    return id;
  };

  const evaluate: Evaluate = (jobs: readonly RunJob[]) => {
    if (broken) return Promise.reject(broken);
    if (busy) return Promise.reject(new Error('parallel evaluator: one batch at a time'));
    total += jobs.length;
    if (jobs.length === 0) return Promise.resolve([]);
    busy = true;
    while (workers.length < Math.min(size, jobs.length)) workers.push(new Worker(url));
    return new Promise<RunSummary[]>((resolve, reject) => {
      const out: (RunSummary | undefined)[] = new Array(jobs.length);
      let next = 0;
      let finished = 0;
      const active = workers.slice(0, Math.min(workers.length, jobs.length));
      const detach = (): void => {
        for (const w of active) w.removeAllListeners('message').removeAllListeners('error').removeAllListeners('exit');
      };
      const fail = (e: Error): void => {
        if (broken) return;
        broken = e;
        busy = false;
        detach();
        reject(e);
      };
      const feed = (w: Worker): void => {
        if (next >= jobs.length) return;
        const job = jobs[next]!;
        const task: EvaluateTask = { id: next++, scenarioId: idOf(job.scenario), scenario: job.scenario, choice: job.choice, seed: job.seed };
        w.postMessage(task);
      };
      for (const w of active) {
        w.on('message', (m: EvaluateReply) => {
          if (m.type === 'error') return fail(new Error(m.message));
          out[m.id] = m.summary;
          finished++;
          progress?.(++done, total);
          if (finished === jobs.length) {
            busy = false;
            detach();
            resolve(out as RunSummary[]);
          } else feed(w);
        });
        w.on('error', (e) => fail(e));
        w.on('exit', (code) => fail(new Error(`evaluator worker exited with code ${code}`)));
        feed(w);
      }
    });
  };

  return {
    evaluate,
    threads: size,
    close: async () => {
      const ws = workers.splice(0);
      for (const w of ws) w.removeAllListeners();
      await Promise.all(ws.map((w) => w.terminate()));
    },
  };
}
