/**
 * `--workers N`: N proxy processes on node's cluster module, each with its own balancer state, as
 * nginx runs worker processes (each worker balances on its own; smooth WRR sequences and
 * least-connections counts are per worker). The listening socket is shared by the primary, which
 * hands connections to the workers round-robin (node's default `SCHED_RR` on Linux).
 *
 * The primary balances nothing: it forks and re-forks workers, serves the admin endpoint by asking
 * every worker over IPC (metrics are merged — counters add up; drain and weight changes go to every
 * worker), and handles signals: SIGTERM/SIGINT tell each worker to stop accepting, finish its
 * in-flight requests and exit; SIGHUP validates the config file and tells each worker to reload it
 * (new requests use the new config, in-flight ones finish on the old; connections are kept).
 */
import cluster, { type Worker } from 'node:cluster';
import { startAdmin, UnknownBackendError, type AdminServer, type AdminSource } from './admin.js';
import { ConfigError, loadProxyConfig, type ProxyConfig } from './config.js';
import { mergeSnapshots, type MetricsSnapshot } from './metrics.js';
import { loadConfigOffThread } from './reload.js';
import { startProxy, type RunningProxy } from './server.js';

/** Environment variable marking a process forked as a proxy worker. */
export const WORKER_ENV = 'LBSIM_PROXY_WORKER';

type Op = 'metrics' | 'status' | 'drain' | 'weight';

/** Messages from the primary to a worker. */
type ToWorker =
  | { lbsim: 'req'; id: number; op: Op; backend?: string; on?: boolean; value?: number | null }
  | { lbsim: 'reload' }
  | { lbsim: 'shutdown' };

/** Messages from a worker to the primary. */
type ToPrimary =
  | { lbsim: 'ready'; url: string }
  | { lbsim: 'fatal'; message: string; code: number }
  | { lbsim: 'res'; id: number; ok: true; value?: unknown }
  | { lbsim: 'res'; id: number; ok: false; error: string; kind: 'unknown-backend' | 'range' | 'other' };

function isMsg<T extends { lbsim: string }>(m: unknown): m is T {
  return typeof m === 'object' && m !== null && typeof (m as { lbsim?: unknown }).lbsim === 'string';
}

// ---------------------------------------------------------------------------- worker

/** Runs one cluster worker: a proxy without admin endpoint, driven by the primary. Resolves to its exit code. */
export async function runWorker(configPath: string): Promise<number> {
  const id = cluster.worker?.id ?? 0;
  const log = (line: string): void => {
    process.stderr.write(`lbsim proxy[w${id}]: ${line}\n`);
  };
  // A send can still fail (EPIPE) when the primary dies in between: ignored, the 'disconnect'
  // handler below stops this worker.
  const send = (m: ToPrimary): void => {
    if (process.connected) process.send?.(m, undefined, undefined, () => undefined);
  };
  let proxy: RunningProxy;
  try {
    proxy = await startProxy(loadProxyConfig(configPath), { admin: false, log });
  } catch (e) {
    send({ lbsim: 'fatal', message: e instanceof Error ? e.message : String(e), code: e instanceof ConfigError ? 2 : 1 });
    cluster.worker?.disconnect();
    return e instanceof ConfigError ? 2 : 1;
  }
  let done!: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const shutdown = (): void => {
    void proxy.close().then(done, done);
  };
  const onMessage = async (m: unknown): Promise<void> => {
    if (!isMsg<ToWorker>(m)) return;
    if (m.lbsim === 'shutdown') return shutdown();
    if (m.lbsim === 'reload') {
      try {
        await proxy.reload(await loadConfigOffThread(configPath));
      } catch (e) {
        log(`reload failed, keeping the running config: ${e instanceof Error ? e.message : String(e)}`);
      }
      return;
    }
    try {
      let value: unknown;
      if (m.op === 'metrics') value = await proxy.adminSource.metrics();
      else if (m.op === 'status') value = await proxy.adminSource.status();
      else if (m.op === 'drain') await proxy.adminSource.drain(m.backend ?? '', m.on ?? true);
      else await proxy.adminSource.weight(m.backend ?? '', m.value ?? null);
      send({ lbsim: 'res', id: m.id, ok: true, value });
    } catch (e) {
      const kind = e instanceof UnknownBackendError ? 'unknown-backend' : e instanceof RangeError ? 'range' : 'other';
      send({ lbsim: 'res', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e), kind });
    }
  };
  process.on('message', onMessage);
  // The primary is gone (killed, crashed): an orphaned worker finishes its requests and exits
  // instead of serving on with nobody to report to.
  process.once('disconnect', shutdown);
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  process.on('SIGHUP', () => undefined); // the primary relays reloads; a stray HUP must not kill a worker
  send({ lbsim: 'ready', url: proxy.url });
  await finished;
  process.off('message', onMessage);
  process.off('disconnect', shutdown);
  if (process.connected) cluster.worker?.disconnect();
  return 0;
}

// ---------------------------------------------------------------------------- primary

/** Options of {@link runPrimary}. */
export interface PrimaryOptions {
  /** Called once every worker listens, with the proxy and admin URLs. */
  onReady?: (url: string, adminUrl: string | null) => void;
  log?: (line: string) => void;
}

/** Runs the cluster primary with `n` workers until SIGTERM/SIGINT. Resolves to the exit code. */
export async function runPrimary(configPath: string, config: ProxyConfig, n: number, opts: PrimaryOptions = {}): Promise<number> {
  const log = opts.log ?? ((line: string) => process.stderr.write(`lbsim proxy: ${line}\n`));
  const workers = new Set<Worker>();
  let shuttingDown = false;
  let fatal: { message: string; code: number } | null = null;
  let seq = 0;
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let checkExited: () => void = () => undefined;
  let readyCount = 0;
  let url = '';
  let onAllReady!: () => void;
  let onFatal!: (e: Error) => void;
  const allReady = new Promise<void>((resolve, reject) => {
    onAllReady = resolve;
    onFatal = reject;
  });

  const fork = (): void => {
    const w = cluster.fork({ [WORKER_ENV]: '1' });
    workers.add(w);
    w.on('message', (m: unknown) => {
      if (!isMsg<ToPrimary>(m)) return;
      if (m.lbsim === 'ready') {
        url = m.url;
        if (++readyCount === n) onAllReady();
      } else if (m.lbsim === 'fatal') {
        fatal = { message: m.message, code: m.code };
        onFatal(new Error(m.message));
      } else if (m.lbsim === 'res') {
        const p = pending.get(m.id);
        if (!p) return;
        pending.delete(m.id);
        clearTimeout(p.timer);
        if (m.ok) p.resolve(m.value);
        else p.reject(m.kind === 'unknown-backend' ? new UnknownBackendError(m.error) : m.kind === 'range' ? new RangeError(m.error) : new Error(m.error));
      }
    });
    w.on('exit', (code, signal) => {
      workers.delete(w);
      if (!shuttingDown && fatal === null) {
        log(`worker ${w.id} (pid ${w.process.pid}) exited (${signal ?? code}); starting a new one`);
        fork();
      }
      checkExited();
    });
  };

  const ask = (w: Worker, msg: Omit<Extract<ToWorker, { lbsim: 'req' }>, 'id' | 'lbsim'>): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const id = ++seq;
      const timer = setTimeout(() => {
        pending.delete(id);
        reject(new Error(`worker ${w.id} did not answer`));
      }, 5_000);
      pending.set(id, { resolve, reject, timer });
      w.send({ lbsim: 'req', id, ...msg } satisfies ToWorker);
    });
  const askAll = (msg: Omit<Extract<ToWorker, { lbsim: 'req' }>, 'id' | 'lbsim'>): Promise<unknown[]> =>
    Promise.all([...workers].filter((w) => w.isConnected()).map((w) => ask(w, msg)));

  const source: AdminSource = {
    metrics: async () => mergeSnapshots((await askAll({ op: 'metrics' })) as MetricsSnapshot[]),
    status: async () => ({ pid: process.pid, url, workers: await askAll({ op: 'status' }) }),
    drain: async (backend, on) => {
      await askAll({ op: 'drain', backend, on });
    },
    weight: async (backend, value) => {
      await askAll({ op: 'weight', backend, value });
    },
  };

  for (let k = 0; k < n; k++) fork();
  let admin: AdminServer | null = null;
  try {
    await allReady;
    if (config.admin !== false) admin = await startAdmin(source, config.admin);
  } catch (e) {
    shuttingDown = true;
    for (const w of workers) w.kill();
    const f = fatal as { message: string; code: number } | null;
    process.stderr.write(`lbsim: ${f?.message ?? (e instanceof Error ? e.message : String(e))}\n`);
    return f?.code ?? 1;
  }
  opts.onReady?.(url, admin?.url ?? null);

  const exited = new Promise<void>((resolve) => {
    checkExited = () => {
      if (shuttingDown && workers.size === 0) resolve();
    };
  });
  const onTerm = (): void => {
    if (shuttingDown) return;
    shuttingDown = true;
    log(`shutting down ${workers.size} workers (finishing in-flight requests)`);
    for (const w of workers) if (w.isConnected()) w.send({ lbsim: 'shutdown' } satisfies ToWorker);
    checkExited();
  };
  const onHup = (): void => {
    // Validated off the serving path (reload.ts) before any worker is told.
    loadConfigOffThread(configPath).then(
      () => {
        log(`reloading ${configPath} in ${workers.size} workers`);
        for (const w of workers) if (w.isConnected()) w.send({ lbsim: 'reload' } satisfies ToWorker);
      },
      (e: unknown) => log(`reload refused, keeping the running config: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onTerm);
  process.on('SIGHUP', onHup);
  await exited;
  process.off('SIGTERM', onTerm);
  process.off('SIGINT', onTerm);
  process.off('SIGHUP', onHup);
  await admin?.close();
  return 0;
}
