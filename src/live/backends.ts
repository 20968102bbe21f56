/**
 * The emulated backends of a scenario: one {@link EmulatedBackend} per scenario backend, each a real
 * HTTP server on 127.0.0.1 with a port from the OS, hosted either in this process (`inline`) or in a
 * child process (`child`, `backend-child.ts`, driven over the IPC channel) so that their timers do
 * not share an event loop with the proxy and the load generator. Both hosts offer the same
 * {@link BackendHost} interface: ports, snapshots (counters and busy/queue integrals), arming the
 * fault schedule, CPU time, close.
 */
import { cpuUsage } from 'node:process';
import { backendIds } from '../scenario/backend-ids.js';
import type { Scenario } from '../scenario/types.js';
import { WorkloadModel } from '../sim/model/workload.js';
import { EmulatedBackend, type BackendSnapshot, type EmulatedBackendSpec } from './backend-server.js';
import { forkModule, type Registry } from './children.js';
import type { FaultWindow } from './faults.js';

/** Where the backends run. */
export type BackendPlacement = 'inline' | 'child';

/** The backends of one live run, wherever they are hosted. */
export interface BackendHost {
  /** Backend ids in scenario order. */
  readonly ids: readonly string[];
  /** Their ports, in the same order. */
  readonly ports: readonly number[];
  /** Process id hosting them. */
  readonly pid: number;
  /** Current counters and integrals of every backend. */
  snapshot(): Promise<BackendSnapshot[]>;
  /** Starts the fault schedule; `startMs` = the run's time zero on this machine's epoch clock. */
  arm(windows: readonly FaultWindow[], epochStartMs: number): Promise<void>;
  /** CPU time used by the hosting process so far, ms (user + system). */
  cpuMs(): Promise<number>;
  /** Stops every server (and the child process). */
  close(): Promise<void>;
}

/** The emulated-backend specs of a (time-scaled) scenario. */
export function backendSpecs(sc: Scenario): EmulatedBackendSpec[] {
  const model = new WorkloadModel(sc);
  return backendIds(sc.backends, sc.autoscale?.group).map(({ id, group }) => {
    const g = sc.backends[group]!;
    return {
      id,
      workers: g.workers,
      discipline: g.discipline,
      queueLimit: g.queueLimit,
      speed: g.speed,
      service: g.service,
      serviceIndex: model.serviceIndex[group]!,
      seed: sc.seed,
    };
  });
}

/** A set of emulated backends in this process, with their fault timers. */
export class BackendFleet {
  readonly backends: EmulatedBackend[];
  private readonly timers: NodeJS.Timeout[] = [];

  constructor(specs: readonly EmulatedBackendSpec[]) {
    this.backends = specs.map((s) => new EmulatedBackend(s));
  }

  /** Listens on ports from the OS; resolves to them. */
  async listen(): Promise<number[]> {
    try {
      return await Promise.all(this.backends.map((b) => b.listen(0)));
    } catch (e) {
      await this.close();
      throw e;
    }
  }

  /** Counters of every backend. */
  snapshot(): BackendSnapshot[] {
    return this.backends.map((b) => b.snapshot());
  }

  /** Schedules the fault windows relative to `epochStartMs` (Date-based epoch ms, shared by processes). */
  arm(windows: readonly FaultWindow[], epochStartMs: number): void {
    const base = epochStartMs - (performance.timeOrigin + performance.now());
    for (const w of windows) {
      const b = this.backends[w.backend];
      if (!b) continue;
      const at = (ms: number, fn: () => void): void => {
        if (!Number.isFinite(ms)) return;
        const delay = base + ms;
        // A window that has already begun applies now, not on the next timer tick: on a busy machine
        // that tick can come after the first measured requests (seen in CI as a missing error share).
        if (delay <= 0) {
          fn();
          return;
        }
        this.timers.push(setTimeout(fn, delay));
      };
      switch (w.kind) {
        case 'crash':
          at(w.startMs, () => b.crash());
          at(w.endMs, () => void b.recover().catch(() => undefined));
          break;
        case 'hang':
          at(w.startMs, () => b.setHang(true));
          at(w.endMs, () => b.setHang(false));
          break;
        case 'pause':
          at(w.startMs, () => b.setPause(true));
          at(w.endMs, () => b.setPause(false));
          break;
        case 'slow':
          at(w.startMs, () => b.setSlow(w.factor));
          at(w.endMs, () => b.setSlow(1 / w.factor));
          break;
        case 'errors':
          at(w.startMs, () => b.setErrors(w.fraction, w.status, w.latency));
          at(w.endMs, () => b.setErrors(0));
          break;
      }
    }
  }

  /** Closes every server and clears the fault timers. */
  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.length = 0;
    await Promise.all(this.backends.map((b) => b.close()));
  }
}

function cpuNow(): number {
  const u = cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Starts the backends of `sc` in this process. */
export async function startInlineBackends(sc: Scenario, registry: Registry): Promise<BackendHost> {
  const fleet = new BackendFleet(backendSpecs(sc));
  const ports = await fleet.listen();
  const ids = fleet.backends.map((b) => b.spec.id);
  const host: BackendHost = {
    ids,
    ports,
    pid: process.pid,
    snapshot: async () => fleet.snapshot(),
    arm: async (w, start) => fleet.arm(w, start),
    cpuMs: async () => cpuNow(),
    close: () => registry.release(host.close, () => fleet.close()),
  };
  registry.add(host.close);
  return host;
}

/** Messages to the backend child. */
export type ToBackendChild =
  | { op: 'start'; specs: EmulatedBackendSpec[] }
  | { op: 'snapshot'; id: number }
  | { op: 'arm'; id: number; windows: FaultWindow[]; epochStartMs: number }
  | { op: 'cpu'; id: number }
  | { op: 'close'; id: number };

/** Messages from the backend child. */
export type FromBackendChild =
  | { op: 'ready'; ports: number[] }
  | { op: 'failed'; message: string }
  | { op: 'reply'; id: number; value: unknown };

/** Starts the backends of `sc` in a child process (`backend-child.ts`). */
export async function startChildBackends(sc: Scenario, registry: Registry): Promise<BackendHost> {
  const specs = backendSpecs(sc);
  const child = forkModule(new URL('./backend-child.js', import.meta.url), [], registry);
  const pending = new Map<number, (v: unknown) => void>();
  let seq = 0;
  let fail: (e: Error) => void = () => undefined;
  const ready = new Promise<number[]>((resolve, reject) => {
    fail = reject;
    child.proc.on('message', (m: FromBackendChild) => {
      if (m.op === 'ready') resolve(m.ports);
      else if (m.op === 'failed') reject(new Error(`backends: ${m.message}`));
      else {
        const p = pending.get(m.id);
        pending.delete(m.id);
        p?.(m.value);
      }
    });
  });
  child.exited.then((code) => {
    fail(new Error(`backend process exited (${code}) before it was ready: ${child.stderr()}`));
    for (const p of pending.values()) p(undefined);
    pending.clear();
  });
  child.proc.send({ op: 'start', specs } satisfies ToBackendChild);
  let ports: number[];
  try {
    ports = await ready;
  } catch (e) {
    await child.stop();
    throw e;
  }
  type Ask = ToBackendChild extends infer M ? (M extends { id: number } ? Omit<M, 'id'> : never) : never;
  const ask = <T>(msg: Ask): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      if (!child.alive()) {
        reject(new Error('backend process is gone'));
        return;
      }
      const id = ++seq;
      pending.set(id, (v) => (v === undefined ? reject(new Error('backend process is gone')) : resolve(v as T)));
      child.proc.send({ ...msg, id } as ToBackendChild);
    });
  const host: BackendHost = {
    ids: specs.map((s) => s.id),
    ports,
    pid: child.proc.pid ?? 0,
    snapshot: () => ask<BackendSnapshot[]>({ op: 'snapshot' }),
    arm: (windows, epochStartMs) => ask<boolean>({ op: 'arm', windows: [...windows], epochStartMs }).then(() => undefined),
    cpuMs: () => ask<number>({ op: 'cpu' }),
    close: () =>
      registry.release(host.close, async () => {
        if (child.alive()) {
          const bye = ask<boolean>({ op: 'close' }).catch(() => false);
          await Promise.race([bye, new Promise((r) => setTimeout(r, 2_000))]);
        }
        await child.stop();
      }),
  };
  registry.add(host.close);
  return host;
}

/** Starts the backends of `sc` where asked. */
export function startBackends(sc: Scenario, placement: BackendPlacement, registry: Registry): Promise<BackendHost> {
  return placement === 'child' ? startChildBackends(sc, registry) : startInlineBackends(sc, registry);
}
