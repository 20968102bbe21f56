/**
 * `lbsim proxy --config FILE [--workers N]`: loads the config (a bad one prints
 * `lbsim: <file>: <path>: <expected>` and returns 2), then runs one proxy process, or a cluster of
 * N workers (`cluster.ts`). Signals: SIGTERM / SIGINT drain in-flight requests and exit 0; SIGHUP
 * re-reads the config and applies it to new requests (a config that fails validation is logged
 * and the running one kept).
 */
import cluster from 'node:cluster';
import { availableParallelism } from 'node:os';
import { ConfigError, loadProxyConfig, type ProxyConfig } from './config.js';
import { runPrimary, runWorker, WORKER_ENV } from './cluster.js';
import { loadConfigOffThread } from './reload.js';
import { workersProblem } from './serving-config.js';
import { startProxy } from './server.js';

function log(line: string): void {
  process.stderr.write(`lbsim proxy: ${line}\n`);
}

function printConfigError(e: ConfigError): void {
  for (const p of e.problems) process.stderr.write(`lbsim: ${e.file}: ${p.path ? `${p.path}: ` : ''}${p.message}\n`);
}

function banner(url: string, adminUrl: string | null, config: ProxyConfig, workers: number): void {
  process.stdout.write(
    `lbsim proxy listening on ${url} (admin ${adminUrl ?? 'off'}), strategy ${config.configuredStrategy}${config.sticky !== false ? ' + sticky' : ''}, ` +
      `${config.backends.length} backends, ${workers} worker${workers === 1 ? '' : 's'}\n`,
  );
}

/** Runs one proxy process until SIGTERM/SIGINT; SIGHUP reloads. Resolves to the exit code. */
async function runSingle(configPath: string, config: ProxyConfig): Promise<number> {
  const proxy = await startProxy(config, { log });
  banner(proxy.url, proxy.adminUrl, config, 1);
  let stop!: () => void;
  const stopped = new Promise<void>((r) => (stop = r));
  const onTerm = (): void => {
    log(`shutting down (${proxy.inProgress} in-flight requests finish first)`);
    void proxy.close().then(stop, stop);
  };
  const onHup = (): void => {
    // Read and parsed off the serving path (reload.ts); requests keep flowing meanwhile.
    loadConfigOffThread(configPath).then(
      (next) => proxy.reload(next),
      (e: unknown) => log(`reload refused, keeping the running config: ${e instanceof Error ? e.message : String(e)}`),
    );
  };
  process.on('SIGTERM', onTerm);
  process.on('SIGINT', onTerm);
  process.on('SIGHUP', onHup);
  await stopped;
  process.off('SIGTERM', onTerm);
  process.off('SIGINT', onTerm);
  process.off('SIGHUP', onHup);
  return 0;
}

/**
 * The `proxy` command. Returns the exit code: 0 after a clean shutdown, 2 for a bad config or
 * flag, 1 when the proxy cannot start (address in use, …).
 * @param configPath the YAML or JSON config
 * @param opts `workers` overrides the config's `workers`
 */
export async function proxyCommand(configPath: string, opts: { workers?: number | undefined }): Promise<number> {
  // A reader of stdout/stderr that went away (a closed pipe) must not end a proxy, or its cluster
  // workers, with an EPIPE stack trace: log lines are then simply lost.
  for (const s of [process.stdout, process.stderr]) s.on('error', () => undefined);
  if (cluster.isWorker && process.env[WORKER_ENV] === '1') return runWorker(configPath);
  if (opts.workers !== undefined && !(Number.isInteger(opts.workers) && opts.workers >= 1)) {
    process.stderr.write(`lbsim: --workers: expected a positive integer, got ${String(opts.workers)}\n`);
    return 2;
  }
  const tooMany = opts.workers !== undefined ? workersProblem(opts.workers) : null;
  if (tooMany !== null) {
    process.stderr.write(`lbsim: --workers: ${tooMany}\n`);
    return 2;
  }
  let config: ProxyConfig;
  try {
    config = loadProxyConfig(configPath);
  } catch (e) {
    if (e instanceof ConfigError) {
      printConfigError(e);
      return 2;
    }
    throw e;
  }
  const workers = opts.workers ?? (config.workers === 'auto' ? availableParallelism() : config.workers);
  try {
    if (workers > 1) {
      return await runPrimary(configPath, config, workers, {
        log,
        onReady: (url, adminUrl) => banner(url, adminUrl, config, workers),
      });
    }
    return await runSingle(configPath, config);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    process.stderr.write(`lbsim: proxy: ${err.code === 'EADDRINUSE' ? `address in use (${err.message})` : err.message}\n`);
    return 1;
  }
}
