/**
 * Loopback helpers for the proxy benchmarks: a free port from the OS, and waiting until a server
 * accepts connections. Everything binds 127.0.0.1 only.
 */
import { createConnection, createServer } from 'node:net';

/** The loopback address every benchmark server binds. */
export const LOOPBACK = '127.0.0.1';

/**
 * A port the OS considers free on 127.0.0.1 right now (bind to port 0, read it, close). For servers
 * that need the port in a config file (nginx, HAProxy); there is a short race, acceptable here.
 */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, LOOPBACK, () => {
      const a = s.address();
      const port = typeof a === 'object' && a !== null ? a.port : 0;
      s.close(() => (port > 0 ? resolve(port) : reject(new Error('no port from the OS'))));
    });
  });
}

function tryConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = createConnection({ host: LOOPBACK, port });
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** Resolves once 127.0.0.1:`port` accepts a TCP connection; rejects after `timeoutMs`. */
export async function waitForPort(port: number, timeoutMs = 10_000, alive: () => boolean = () => true): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (!alive()) throw new Error(`server for port ${port} exited before listening`);
    if (await tryConnect(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on ${LOOPBACK}:${port} after ${timeoutMs} ms`);
}
