/**
 * node-http-proxy (the `http-proxy` npm package) as the Node peer: a round-robin over the backends
 * with a keep-alive agent, in its own process. Used only when the package is installed; the
 * benchmark table says "not installed" otherwise (it is not a dependency of lbsim).
 *
 * Run as a script (`node dist/bench/peer-node-http-proxy.js PORT...`) it listens on 127.0.0.1 at a
 * port from the OS and prints `{"port":N}`.
 */
import { Agent, createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { LOOPBACK, waitForPort } from './net.js';
import { targetOf, type RunningTarget } from './peer.js';
import { BENCH_DIR, isMain, kill, spawnTracked } from './proc.js';

const PACKAGE = 'http-proxy';

/** True when the `http-proxy` package can be resolved from this project. */
export function httpProxyInstalled(): boolean {
  try {
    createRequire(import.meta.url).resolve(PACKAGE);
    return true;
  } catch {
    return false;
  }
}

/** Starts the node-http-proxy peer in a child process. */
export async function startNodeHttpProxy(backendPorts: readonly number[]): Promise<RunningTarget> {
  const child = spawnTracked(process.execPath, [join(BENCH_DIR, 'peer-node-http-proxy.js'), ...backendPorts.map(String)], { detached: true });
  let err = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (err = (err + d).slice(-4000)));
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`node-http-proxy peer did not start: ${err.trim()}`)), 10_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const m = /\{"port":(\d+)\}/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`node-http-proxy peer exited (${code}): ${err.trim()}`));
    });
  }).catch((e: unknown) => {
    kill(child, 'SIGKILL');
    throw e;
  });
  await waitForPort(port);
  return targetOf('node-http-proxy', `http://${LOOPBACK}:${port}`, child);
}

interface HttpProxyServer {
  web(req: unknown, res: unknown, opts: { target: string }, cb?: (e: Error) => void): void;
}

async function serve(ports: number[]): Promise<void> {
  const mod = (await import(PACKAGE)) as { default?: { createProxyServer(o: object): HttpProxyServer }; createProxyServer?(o: object): HttpProxyServer };
  const create = mod.createProxyServer ?? mod.default?.createProxyServer;
  if (!create) throw new Error('http-proxy has no createProxyServer');
  const proxy = create({ agent: new Agent({ keepAlive: true, maxSockets: Infinity }) });
  const targets = ports.map((p) => `http://${LOOPBACK}:${p}`);
  let next = 0;
  const server = createServer({ keepAliveTimeout: 120_000 }, (req, res) => {
    const target = targets[next]!;
    next = (next + 1) % targets.length;
    proxy.web(req, res, { target }, () => {
      res.statusCode = 502;
      res.end();
    });
  });
  server.listen(0, LOOPBACK, () => {
    const a = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof a === 'object' && a ? a.port : 0 })}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

if (isMain(import.meta.url)) {
  serve(process.argv.slice(2).map(Number)).catch((e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  });
}
