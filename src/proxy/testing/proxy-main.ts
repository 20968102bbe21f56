/**
 * Test-only entry point: `node --import src/proxy/testing/ts-register.mjs src/proxy/testing/proxy-main.ts
 * --config FILE [--workers N]` runs {@link proxyCommand} as `lbsim proxy` would, so the tests can
 * start the proxy (and its cluster workers, which re-run this file) as a child process.
 */
import { proxyCommand } from '../cli.js';

const args = process.argv.slice(2);
const at = (flag: string): string | undefined => {
  const k = args.indexOf(flag);
  return k >= 0 ? args[k + 1] : undefined;
};
const workers = at('--workers');
proxyCommand(at('--config') ?? '', { workers: workers === undefined ? undefined : Number(workers) }).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`lbsim: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 1;
  },
);
