/**
 * Fast loopback backends for the proxy benchmarks: node `http` servers, one per process (so the
 * backends are not all bound to one core), each answering
 *
 *   GET  /big?bytes=N   N bytes streamed from one reused buffer (with backpressure)
 *   GET  anything else  a small fixed body (64 bytes, Content-Length, keep-alive)
 *   POST / PUT          reads and discards the body, answers `{"bytes":N}`
 *
 * Run as a script it listens on 127.0.0.1 at a port from the OS (or `--port N`) and prints `{"port":N}`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { LOOPBACK } from './net.js';
import { BENCH_DIR, isMain, spawnTracked, stop } from './proc.js';

const SMALL = Buffer.from(`${'x'.repeat(60)}ok\r\n`);
const CHUNK = Buffer.alloc(64 * 1024, 'a');

function streamBytes(res: ServerResponse, total: number): void {
  res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(total) });
  let left = total;
  const pump = (): void => {
    while (left > 0) {
      const n = Math.min(left, CHUNK.length);
      left -= n;
      const ok = res.write(n === CHUNK.length ? CHUNK : CHUNK.subarray(0, n));
      if (!ok) {
        res.once('drain', pump);
        return;
      }
    }
    res.end();
  };
  pump();
}

function handle(req: IncomingMessage, res: ServerResponse): void {
  if (req.method === 'POST' || req.method === 'PUT') {
    let bytes = 0;
    req.on('data', (d: Buffer) => (bytes += d.length));
    req.on('end', () => {
      const body = `{"bytes":${bytes}}`;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(body.length) });
      res.end(body);
    });
    return;
  }
  const url = req.url ?? '/';
  if (url.startsWith('/big')) {
    const m = /[?&]bytes=(\d+)/.exec(url);
    streamBytes(res, m ? Number(m[1]) : 0);
    return;
  }
  res.writeHead(200, { 'content-type': 'text/plain', 'content-length': String(SMALL.length) });
  res.end(SMALL);
}

/** Running backend processes. */
export interface Backends {
  /** Their ports on 127.0.0.1. */
  ports: number[];
  /** Their pids (for RSS sampling). */
  pids: number[];
  /** Stops every backend process. */
  stop(): Promise<void>;
}

/** Starts one backend process (on `port`, or one from the OS when 0); resolves once it listens. */
export function startBackendProcess(port = 0): Promise<{ child: ChildProcess; port: number }> {
  return new Promise((resolve, reject) => {
    const child = spawnTracked(process.execPath, [join(BENCH_DIR, 'backends.js'), ...(port > 0 ? ['--port', String(port)] : [])]);
    let buf = '';
    const timer = setTimeout(() => reject(new Error('backend did not report its port')), 10_000);
    child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      buf += d;
      const m = /\{"port":(\d+)\}/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve({ child, port: Number(m[1]) });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`backend exited (${code})`));
    });
  });
}

/** Starts `n` backend processes and waits until each listens. */
export async function startBackends(n: number): Promise<Backends> {
  const started = await Promise.all(Array.from({ length: n }, () => startBackendProcess()));
  return {
    ports: started.map((s) => s.port),
    pids: started.map((s) => s.child.pid ?? 0),
    stop: async () => {
      await Promise.all(started.map((s) => stop(s.child)));
    },
  };
}

if (isMain(import.meta.url)) {
  const server = createServer({ keepAliveTimeout: 120_000 }, handle);
  const at = process.argv.indexOf('--port');
  server.listen(at > 0 ? Number(process.argv[at + 1]) : 0, LOOPBACK, () => {
    const a = server.address();
    process.stdout.write(`${JSON.stringify({ port: typeof a === 'object' && a ? a.port : 0 })}\n`);
  });
  const bye = (): void => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  };
  process.on('SIGTERM', bye);
  process.on('SIGINT', bye);
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) bye(); // the benchmark died without stopping us
  }, 1000).unref();
}
