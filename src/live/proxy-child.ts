/**
 * Entry module of the proxy child process (`proxy.ts`, placement `child`): runs `lbsim proxy
 * --config FILE [--workers N]` exactly as the CLI does ({@link proxyCommand}), and stops it
 * gracefully (SIGTERM to itself) when the parent's IPC channel disconnects. Cluster workers re-run
 * this module (node's cluster forks `process.argv[1]`); they are driven by their primary instead.
 */
import cluster from 'node:cluster';
import { proxyCommand } from '../proxy/cli.js';

const args = process.argv.slice(2);
const at = (flag: string): string | undefined => {
  const k = args.indexOf(flag);
  return k >= 0 ? args[k + 1] : undefined;
};
if (!cluster.isWorker) {
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
const workers = at('--workers');
proxyCommand(at('--config') ?? '', { workers: workers === undefined ? undefined : Number(workers) }).then(
  (code) => {
    process.exitCode = code;
    if (!cluster.isWorker && process.connected) process.disconnect();
  },
  (err: unknown) => {
    process.stderr.write(`lbsim: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
    if (process.connected) process.disconnect();
  },
);
