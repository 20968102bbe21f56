/**
 * Runs scenarios in the simulator worker (`worker/sim-worker.ts`, inlined in the page as a string
 * and started from a Blob URL: pages opened from `file://` cannot start workers from files). One
 * run at a time. Cancel terminates the worker, which stops a run at once whatever it is doing;
 * the next run (or the warm-up right after) starts a fresh worker. A worker that dies (an uncaught
 * error, a message that cannot be read) is reported through `onCrash` and replaced the same way,
 * so the page keeps working.
 */
import type { InputProblem } from '../../../src/input/errors.js';
import type { ResultsFile, StrategyResult } from '../../../src/results/schema.js';
import type { RunRequest, WorkerMessage } from './protocol.js';

/** What a run reports. */
export interface RunHandlers {
  onConfirm(requests: number, strategies: number, replications: number): void;
  onInvalid(problems: InputProblem[]): void;
  onStart(partial: ResultsFile, requests: number, total: number): void;
  onProgress(done: number, total: number): void;
  onResult(result: StrategyResult, index: number, total: number): void;
  onDone(results: ResultsFile, workerMs: number): void;
  onFailed(message: string): void;
  onCrash(message: string): void;
}

/** The simulator worker and the run in it. */
export class SimRunner {
  private worker: Worker | null = null;
  private readonly url: string;
  private nextId = 1;
  private current: { id: number; handlers: RunHandlers } | null = null;

  /** @param workerSource the worker's script (one IIFE) */
  constructor(workerSource: string) {
    this.url = URL.createObjectURL(new Blob([workerSource], { type: 'text/javascript' }));
  }

  /** True while a run is in progress. */
  get busy(): boolean {
    return this.current !== null;
  }

  /** Starts the worker now (it compiles the simulator while the person edits). */
  warm(): void {
    this.ensureWorker();
  }

  /** Starts a run; a run in progress must be cancelled first. */
  run(req: Omit<RunRequest, 'type' | 'id'>, handlers: RunHandlers): void {
    if (this.current) throw new Error('a run is in progress');
    const id = this.nextId++;
    this.current = { id, handlers };
    this.ensureWorker().postMessage({ type: 'run', id, ...req } satisfies RunRequest);
  }

  /** Stops the run in progress (terminates the worker) and starts a fresh worker. */
  cancel(): void {
    this.current = null;
    this.kill();
    this.warm();
  }

  /** The worker, for tests and the devtools console. */
  get activeWorker(): Worker | null {
    return this.worker;
  }

  private ensureWorker(): Worker {
    if (this.worker) return this.worker;
    const w = new Worker(this.url, { name: 'lbsim-simulator' });
    w.addEventListener('message', (e: MessageEvent<WorkerMessage>) => this.onMessage(w, e.data));
    w.addEventListener('error', (e: ErrorEvent) => {
      e.preventDefault();
      this.crashed(w, e.message || 'the simulator worker stopped with an error');
    });
    w.addEventListener('messageerror', () => this.crashed(w, 'a message from the simulator worker could not be read'));
    this.worker = w;
    return w;
  }

  private kill(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private crashed(w: Worker, message: string): void {
    if (w !== this.worker) return;
    const run = this.current;
    this.current = null;
    this.kill();
    run?.handlers.onCrash(message);
    if (!run) this.crashIdle?.(message);
    this.warm();
  }

  /** Told when the worker dies while no run is going on. */
  crashIdle: ((message: string) => void) | undefined;

  private onMessage(w: Worker, m: WorkerMessage): void {
    const run = this.current;
    if (w !== this.worker || !run || m.id !== run.id) return;
    const h = run.handlers;
    switch (m.type) {
      case 'confirm':
        this.current = null;
        h.onConfirm(m.requests, m.strategies, m.replications);
        break;
      case 'invalid':
        this.current = null;
        h.onInvalid(m.problems);
        break;
      case 'start':
        h.onStart(m.partial, m.requests, m.total);
        break;
      case 'progress':
        h.onProgress(m.done, m.total);
        break;
      case 'result':
        h.onResult(m.result, m.index, m.total);
        break;
      case 'done':
        this.current = null;
        h.onDone(m.results, m.ms);
        break;
      case 'failed':
        this.current = null;
        h.onFailed(m.message);
        break;
    }
  }
}
