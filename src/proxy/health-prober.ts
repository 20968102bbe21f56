/**
 * Active health checks on real timers (HAProxy `option httpchk` + `check inter rise fall`, nginx
 * Plus `health_check`): every `intervalMs`, each backend gets `GET <path>`; a 2xx or 3xx answer
 * within `timeoutMs` passes, anything else (error, timeout, other status) fails. Results feed the
 * balancer's rise/fall state machine through `reportProbe`, which decides up and down.
 *
 * One `setTimeout` chain per backend (unref'd, so probes never keep the process alive); the next
 * probe is scheduled when the previous one settles, so a slow backend is never probed twice at
 * once. Probes use their own connections (an undici `Agent`), not the request pools.
 */
import { Agent, request } from 'undici';
import type { Balancer } from '../core/balancer/index.js';
import type { ProxyBackend } from './config.js';

/** Options of a {@link HealthProber}. */
export interface ProberOptions {
  path: string;
  intervalMs: number;
  timeoutMs: number;
  /** Told when a backend's active-check state flips (for logs). */
  onChange?: (backendId: string, up: boolean) => void;
}

/** Periodic HTTP probes of every backend of one balancer. */
export class HealthProber {
  private readonly agent: Agent;
  private readonly timers: (NodeJS.Timeout | undefined)[];
  private readonly inflight = new Set<AbortController>();
  private stopped = false;

  constructor(
    private readonly balancer: Balancer,
    private readonly backends: readonly ProxyBackend[],
    private readonly opts: ProberOptions,
  ) {
    this.agent = new Agent({ connectTimeout: opts.timeoutMs, headersTimeout: opts.timeoutMs, bodyTimeout: opts.timeoutMs, connections: 1 });
    this.timers = backends.map(() => undefined);
  }

  /** Starts probing: every backend once now, then every `intervalMs`. */
  start(): void {
    for (let i = 0; i < this.backends.length; i++) this.schedule(i, 0);
  }

  private schedule(i: number, ms: number): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers[i] = undefined;
      void this.probe(i);
    }, ms);
    t.unref();
    this.timers[i] = t;
  }

  /** Runs one probe of backend `i` and reports it; resolves to whether it passed. */
  async probe(i: number): Promise<boolean> {
    const b = this.backends[i]!;
    const ac = new AbortController();
    this.inflight.add(ac);
    const timer = setTimeout(() => ac.abort(new Error('health check timed out')), this.opts.timeoutMs);
    timer.unref();
    let ok = false;
    try {
      const res = await request(b.origin + this.opts.path, {
        method: 'GET',
        dispatcher: this.agent,
        signal: ac.signal,
        headers: { 'user-agent': 'lbsim-health-check' },
      });
      ok = res.statusCode >= 200 && res.statusCode < 400;
      await res.body.dump();
    } catch {
      ok = false;
    } finally {
      clearTimeout(timer);
      this.inflight.delete(ac);
    }
    if (this.stopped) return ok;
    const before = this.activeDown(i);
    this.balancer.reportProbe(i, ok);
    const after = this.activeDown(i);
    if (before !== after) this.opts.onChange?.(b.id, !after);
    this.schedule(i, this.opts.intervalMs);
    return ok;
  }

  private activeDown(i: number): boolean {
    return this.balancer.status()[i]?.activeDown ?? false;
  }

  /** Stops all probes (pending timers cleared, running probes aborted, connections closed). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) if (t !== undefined) clearTimeout(t);
    for (const ac of this.inflight) ac.abort(new Error('health checks stopped'));
    await this.agent.destroy().catch(() => undefined);
  }
}
