/**
 * The scenario's faults (`scenario.faults`, see `src/scenario/types.ts`) turned into
 * per-backend windows that real servers act out, with the simulator's timing rules
 * (`src/sim/features/faults.ts`): every window is clipped to `[at, min(at + duration, end of the measured
 * window))`; `crash`/`hang` with `mtbfMs`/`mttrMs` alternate exponential up- and down-times (the
 * two-state Markov model of a repairable component); `pause` opens a window of `lengthMs` every
 * `everyMs` from a random phase per backend; `flap` is down for `downMs`, then up for `upMs`,
 * repeated, starting down. The emulation (`backend-server.ts`), as Chaos-Engineering proxies do it
 * (e.g. Toxiproxy's "down", "timeout" and "latency" toxics):
 * - `crash` and a flap's down time: stop listening, drop connections and work (refused / reset);
 * - `hang`: accept requests and never answer them (they are cut when the window ends);
 * - `pause`: no progress — services in progress are frozen and resume when it ends;
 * - `slow`: service times × `factor`;
 * - `errors`: a `fraction` of requests answered `status` after `latency` × their service time.
 * Random times come from the live run's own streams (`live-faults/<index>/<backend>`), so they are
 * the same for every strategy of a live run, though not the simulator's exact draws.
 */
import { Rng } from '../core/rng.js';
import { backendIds } from '../scenario/backend-ids.js';
import type { Scenario } from '../scenario/types.js';

/** What a backend does during a window. */
export type LiveFaultKind = 'crash' | 'hang' | 'pause' | 'slow' | 'errors';

/** One fault window on one backend (times in ms since the start of the run, warm-up included). */
export interface FaultWindow {
  kind: LiveFaultKind;
  /** Backend index (in scenario order). */
  backend: number;
  startMs: number;
  /** End (exclusive). */
  endMs: number;
  /** `slow`: service-time multiplier (1 otherwise). */
  factor: number;
  /** `errors`: fraction of requests answered with `status` (0 otherwise). */
  fraction: number;
  /** `errors`: the status sent. */
  status: number;
  /** `errors`: the answer comes after this × the request's service time. */
  latency: number;
}

/** The faults of a scenario as windows, plus backends that could not be found. */
export interface LiveFaults {
  windows: FaultWindow[];
  skipped: string[];
}

/** Reads `sc.faults` (times already scaled) into windows; see the module header. */
export function liveFaults(sc: Scenario): LiveFaults {
  const out: LiveFaults = { windows: [], skipped: [] };
  const faults = sc.faults ?? [];
  if (faults.length === 0) return out;
  const ids = backendIds(sc.backends, sc.autoscale?.group).map((b) => b.id);
  const end = sc.warmupMs + sc.durationMs;
  const root = new Rng(sc.seed).fork('live-faults');
  faults.forEach((f, k) => {
    const from = f.atMs;
    const to = Math.min(end, f.durationMs === null ? Infinity : f.atMs + f.durationMs);
    for (const id of f.backends) {
      const backend = ids.indexOf(id);
      if (backend < 0) {
        out.skipped.push(`faults[${k}]: no backend "${id}"`);
        continue;
      }
      const rng = root.fork(`${k}/${id}`);
      const win = (kind: LiveFaultKind, startMs: number, endMs: number, extra: Partial<FaultWindow> = {}): void => {
        const s = Math.max(from, startMs);
        const e = Math.min(to, endMs);
        if (e > s) out.windows.push({ kind, backend, startMs: s, endMs: e, factor: 1, fraction: 0, status: 500, latency: 0, ...extra });
      };
      switch (f.kind) {
        case 'crash':
        case 'hang':
          if (f.mtbfMs !== null && f.mttrMs !== null && f.mtbfMs > 0 && f.mttrMs > 0) {
            let t = from;
            for (let guard = 0; guard < 100_000 && t < to; guard++) {
              t += rng.exp(f.mtbfMs);
              const e = t + rng.exp(f.mttrMs);
              win(f.kind, t, e);
              t = e;
            }
          } else win(f.kind, from, to);
          break;
        case 'slow':
          win('slow', from, to, { factor: f.factor });
          break;
        case 'errors':
          win('errors', from, to, { fraction: f.fraction, status: f.status, latency: f.latency });
          break;
        case 'pause': {
          if (!(f.everyMs > 0)) break;
          let t = from + rng.next() * f.everyMs;
          for (let guard = 0; guard < 1_000_000 && t < to; guard++, t += f.everyMs) win('pause', t, t + f.lengthMs);
          break;
        }
        case 'flap': {
          if (!(f.upMs + f.downMs > 0)) break;
          for (let t = from, guard = 0; guard < 1_000_000 && t < to; guard++, t += f.downMs + f.upMs) win('crash', t, t + f.downMs);
          break;
        }
      }
    }
  });
  return out;
}
