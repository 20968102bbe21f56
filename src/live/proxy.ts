/**
 * The proxy under test: the real `lbsim proxy` (`src/proxy`), configured from the scenario's
 * balancer section for one strategy, in front of the emulated backends.
 *
 * Mapping scenario → proxy config (`src/proxy/config.ts`): the balancer settings (passive health,
 * outlier ejection, panic threshold, slow start, rate and connection limits, the balancer queue;
 * one schema in `src/core/balancer/settings.ts`) and `maxConn` carry over as they are; `retries: n` becomes `retries.count: n` on
 * every retryable failure (connect, reset, timeout, 502/503/504 — the simulator retries after any
 * failure); `balancer.timeout` becomes the per-attempt response-header timeout (10 min when 0 = none).
 * Request attributes: the hash key travels in the `x-lbsim-key` header (`hashKey: header:x-lbsim-key`),
 * the session in the sticky cookie (the `sticky` strategy becomes the proxy's `sticky` section around
 * its inner strategy), and the client address is the load generator's socket address (see
 * `loadgen.ts` for per-client source addresses).
 *
 * Placement: `inline` runs `startProxy` in this process (one event loop with the load generator);
 * `child` runs `lbsim proxy --config FILE [--workers N]` as a child process (`proxy-child.ts`), the
 * only way to get N > 1 worker processes (node cluster).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { settingsDocument } from '../core/balancer/settings.js';
import { parseProxyConfig, type ProxyConfig } from '../proxy/config.js';
import { startProxy } from '../proxy/server.js';
import type { Scenario, StrategyChoice } from '../scenario/types.js';
import { forkModule, type Registry } from './children.js';
import { treeCpuMs } from './cpu.js';

/** Header carrying the request's hash key. */
export const H_KEY = 'x-lbsim-key';
/** Cookie carrying the request's session (sticky). */
export const STICKY_COOKIE = 'lbsim_session';

/** Where the proxy runs. */
export type ProxyPlacement = 'inline' | 'child';

/** The proxy config document (as a YAML/JSON file would hold it) for one strategy of `sc`. */
export function proxyConfigDoc(sc: Scenario, choice: StrategyChoice, ports: readonly number[], opts: { admin: boolean; seed: number }): Record<string, unknown> {
  const b = sc.balancer;
  const weights: number[] = [];
  const maxConns: number[] = [];
  const tiers: Record<string, unknown>[] = [];
  for (const g of sc.backends)
    for (let k = 0; k < g.count; k++) {
      weights.push(g.weight);
      maxConns.push(g.maxConn);
      tiers.push({ ...(g.priority !== undefined ? { priority: g.priority } : {}), ...(g.zone !== undefined ? { zone: g.zone } : {}), ...(g.degraded ? { degraded: true } : {}) });
    }
  let strategy = choice.name;
  let options: Record<string, unknown> = choice.options;
  let sticky: Record<string, unknown> | false = false;
  if (choice.name === 'sticky') {
    strategy = typeof options.inner === 'string' ? options.inner : 'round-robin';
    const inner = options.innerOptions;
    sticky = { cookie: STICKY_COOKIE, maxSessions: typeof options.maxSessions === 'number' ? options.maxSessions : 100_000 };
    options = inner !== null && typeof inner === 'object' ? (inner as Record<string, unknown>) : {};
  }
  const longMs = 600_000;
  return {
    listen: '127.0.0.1:0',
    admin: opts.admin ? '127.0.0.1:0' : false,
    strategy,
    options,
    backends: ports.map((p, i) => ({ url: `http://127.0.0.1:${p}`, weight: weights[i] ?? 1, maxConn: maxConns[i] ?? 0, ...tiers[i] })),
    // The balancer settings pass through as they are (in the file form of the same values); a
    // scenario's active health checks are not carried over: the live proxy runs without them.
    ...settingsDocument({ ...b, healthCheck: false }),
    retries: { count: b.retries, on: ['connect', 'reset', 'timeout', '502', '503', '504'] },
    timeouts: { connect: 5_000, headers: b.timeoutMs > 0 ? b.timeoutMs : longMs, idle: b.timeoutMs > 0 ? b.timeoutMs : longMs },
    sticky,
    hashKey: `header:${H_KEY}`,
    seed: opts.seed,
  };
}

/** The proxy of one live run, wherever it runs. */
export interface LiveProxy {
  /** Base URL, e.g. `http://127.0.0.1:40123`. */
  readonly url: string;
  /** The validated config it runs. */
  readonly config: ProxyConfig;
  /** Worker processes (1 = the proxy process itself). */
  readonly workers: number;
  /** Process id of the proxy (the cluster primary), or this process's when inline. */
  readonly pid: number;
  /** Requests waiting in the balancer queue now (summed over workers). */
  queued(): Promise<number>;
  /** CPU time of the proxy process tree so far (ms); NaN when inline (it shares this process). */
  cpuMs(): number;
  /** Stops it (in-flight requests get 2 s to finish). */
  close(): Promise<void>;
}

/** Options of {@link startLiveProxy}. */
export interface LiveProxyOptions {
  placement: ProxyPlacement;
  /** Worker processes (> 1 forces the child placement). */
  workers: number;
  seed: number;
  registry: Registry;
}

/** Starts the proxy for `choice` in front of `ports`. */
export async function startLiveProxy(sc: Scenario, choice: StrategyChoice, ports: readonly number[], o: LiveProxyOptions): Promise<LiveProxy> {
  const child = o.placement === 'child' || o.workers > 1;
  const doc = proxyConfigDoc(sc, choice, ports, { admin: child, seed: o.seed });
  const config = parseProxyConfig(doc, `<live ${choice.label}>`);
  if (!child) {
    const proxy = await startProxy(config, { seed: o.seed, log: () => undefined, admin: false, drainTimeoutMs: 2_000 });
    const handle: LiveProxy = {
      url: proxy.url,
      config,
      workers: 1,
      pid: process.pid,
      queued: async () => proxy.balancer.queued,
      cpuMs: () => Number.NaN,
      close: () => o.registry.release(handle.close, () => proxy.close()),
    };
    o.registry.add(handle.close);
    return handle;
  }
  const dir = mkdtempSync(join(tmpdir(), 'lbsim-live-'));
  const file = join(dir, 'proxy.json');
  writeFileSync(file, JSON.stringify(doc));
  const args = ['--config', file];
  if (o.workers > 1) args.push('--workers', String(o.workers));
  const proc = forkModule(new URL('./proxy-child.js', import.meta.url), args, o.registry);
  const stop = async (): Promise<void> => {
    await proc.stop(5_000);
    rmSync(dir, { recursive: true, force: true });
  };
  let banner: { url: string; admin: string | null };
  try {
    banner = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`proxy did not start within 30 s: ${proc.stderr()}`)), 30_000);
      const onData = (): void => {
        const m = /listening on (\S+) \(admin (\S+?)\)/.exec(proc.stdout());
        if (m) {
          clearTimeout(timer);
          proc.proc.stdout!.off('data', onData);
          resolve({ url: m[1]!, admin: m[2] === 'off' ? null : m[2]! });
        }
      };
      proc.proc.stdout!.on('data', onData);
      void proc.exited.then((code) => {
        clearTimeout(timer);
        reject(new Error(`proxy exited (${code}) before listening: ${proc.stderr()}`));
      });
    });
  } catch (e) {
    await stop();
    throw e;
  }
  const pid = proc.proc.pid ?? 0;
  const handle: LiveProxy = {
    url: banner.url,
    config,
    workers: o.workers,
    pid,
    queued: async () => {
      if (!banner.admin) return 0;
      try {
        const r = await fetch(`${banner.admin}/status`, { signal: AbortSignal.timeout(1_000) });
        const s = (await r.json()) as { queued?: number; workers?: { queued?: number }[] };
        return s.workers ? s.workers.reduce((a, w) => a + (w.queued ?? 0), 0) : (s.queued ?? 0);
      } catch {
        return 0;
      }
    },
    cpuMs: () => treeCpuMs(pid),
    close: () => o.registry.release(handle.close, stop),
  };
  o.registry.add(handle.close);
  return handle;
}
