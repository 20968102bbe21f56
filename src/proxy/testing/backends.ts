/**
 * Loopback test backends for the proxy tests: real HTTP servers on 127.0.0.1 (port from the OS)
 * that answer with their name, can be stopped and restarted on the same port, slowed down, and
 * record what they saw (requests, request headers, aborted requests).
 *
 * Routes (any method):
 * - `/status/:code`   → that status, body `<name>`
 * - `/bytes/:n`       → n bytes of a fixed pattern (streamed in 64 KiB chunks with backpressure)
 * - `/upload`         → reads the body, answers `{"name","bytes","sha256"}`
 * - `/slow/:ms`       → answers after ms (records an abort if the client goes away first)
 * - `/hold`           → never answers (until the client goes away)
 * - `/cut/:n`         → promises 2n bytes, sends n, then resets the connection
 * - `/stuck-body`     → promises 100 bytes, sends 10, then sends nothing more
 * - `/stall`          → neither reads the request body nor answers (upload backpressure)
 * - `/health`         → 200 unless the backend is marked unhealthy (then 503)
 * - anything else     → 200, body `<name>`, headers `x-backend`, `x-seen-*` echoing forwarding headers
 */
import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** Fills `buf` with the test pattern starting at absolute offset `offset`. */
export function fillPattern(buf: Buffer, offset: number): Buffer {
  for (let i = 0; i < buf.length; i++) buf[i] = ((offset + i) * 31 + 7) & 0xff;
  return buf;
}

/** A running loopback backend. */
export class TestBackend {
  /** Requests received (in order): method and url. */
  readonly seen: { method: string; url: string; headers: IncomingMessage['headers'] }[] = [];
  /** Requests whose client (the proxy) went away before the response ended. */
  aborted = 0;
  /** Requests being handled right now. */
  inflight = 0;
  /** Most requests handled at once so far. */
  maxInflight = 0;
  /** When false, `/health` answers 503. */
  healthy = true;
  /** When > 0, every request is delayed this long before being handled. */
  delayMs = 0;
  /** Bytes written by `/bytes` responses so far (to observe backpressure). */
  bytesWritten = 0;
  port = 0;
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  private readonly abortWaiters: (() => void)[] = [];

  constructor(readonly name: string) {}

  /** `http://127.0.0.1:<port>`. */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** Starts listening (on the previous port after a stop, else on a free one). */
  async start(): Promise<this> {
    const server = createServer((req, res) => this.handle(req, res));
    server.keepAliveTimeout = 5_000;
    server.on('connection', (s: Socket) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.server = server;
    return this;
  }

  /** Stops listening and cuts every connection (the port stays reserved for `start`). */
  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    if (!s) return;
    const closed = new Promise<void>((r) => s.close(() => r()));
    for (const sock of this.sockets) sock.destroy();
    await closed;
  }

  /** Resolves once `aborted` reaches `n`. */
  waitAborted(n = 1): Promise<void> {
    if (this.aborted >= n) return Promise.resolve();
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.aborted >= n) resolve();
        else this.abortWaiters.push(check);
      };
      this.abortWaiters.push(check);
    });
  }

  private noteAbort(): void {
    this.aborted++;
    const w = this.abortWaiters.splice(0);
    for (const f of w) f();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    this.inflight++;
    if (this.inflight > this.maxInflight) this.maxInflight = this.inflight;
    let ended = false;
    res.on('finish', () => {
      ended = true;
    });
    res.on('close', () => {
      this.inflight--;
      if (!ended) this.noteAbort();
    });
    const go = (): void => this.route(req, res);
    if (this.delayMs > 0) setTimeout(go, this.delayMs);
    else go();
  }

  private route(req: IncomingMessage, res: ServerResponse): void {
    const url = req.url ?? '/';
    const path = url.split('?')[0]!;
    let m: RegExpExecArray | null;
    if ((m = /^\/status\/(\d{3})$/.exec(path))) {
      req.resume();
      res.writeHead(Number(m[1]), { 'content-type': 'text/plain', 'x-backend': this.name });
      res.end(this.name);
    } else if ((m = /^\/bytes\/(\d+)$/.exec(path))) {
      req.resume();
      this.streamBytes(res, Number(m[1]));
    } else if (path === '/upload') {
      const hash = createHash('sha256');
      let bytes = 0;
      req.on('data', (c: Buffer) => {
        bytes += c.length;
        hash.update(c);
      });
      req.on('end', () => {
        const body = JSON.stringify({ name: this.name, bytes, sha256: hash.digest('hex') });
        res.writeHead(200, { 'content-type': 'application/json', 'x-backend': this.name });
        res.end(body);
      });
    } else if ((m = /^\/slow\/(\d+)$/.exec(path))) {
      req.resume();
      const t = setTimeout(() => {
        res.writeHead(200, { 'x-backend': this.name });
        res.end(this.name);
      }, Number(m[1]));
      res.on('close', () => clearTimeout(t));
    } else if (path === '/hold') {
      req.resume();
    } else if ((m = /^\/cut\/(\d+)$/.exec(path))) {
      req.resume();
      const n = Number(m[1]);
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': 2 * n, 'x-backend': this.name });
      res.write(fillPattern(Buffer.allocUnsafe(n), 0), () => res.socket?.destroy());
    } else if (path === '/stuck-body') {
      req.resume();
      res.writeHead(200, { 'content-type': 'text/plain', 'content-length': 100, 'x-backend': this.name });
      res.write('0123456789');
    } else if (path === '/stall') {
      // Leave the body unread: the proxy's upload must stall once socket buffers fill.
    } else if (path === '/health') {
      req.resume();
      res.writeHead(this.healthy ? 200 : 503, { 'content-type': 'text/plain' });
      res.end(this.healthy ? 'ok' : 'unhealthy');
    } else {
      req.resume();
      const h = req.headers;
      res.writeHead(200, {
        'content-type': 'text/plain; charset=utf-8',
        'x-backend': this.name,
        'x-seen-host': h.host ?? '',
        'x-seen-xff': h['x-forwarded-for'] ?? '',
        'x-seen-proto': String(h['x-forwarded-proto'] ?? ''),
        'x-seen-xfh': String(h['x-forwarded-host'] ?? ''),
        'x-seen-via': String(h.via ?? ''),
        'x-seen-hop': String(h['x-hop'] ?? ''),
        'x-seen-keep': String(h['keep-alive'] ?? ''),
        'set-cookie': [`a=1; Path=/`, `b=2; Path=/`],
      });
      res.end(this.name);
    }
  }

  private streamBytes(res: ServerResponse, n: number): void {
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': n, 'x-backend': this.name });
    let off = 0;
    const chunk = 64 * 1024;
    const pump = (): void => {
      while (off < n) {
        const len = Math.min(chunk, n - off);
        const buf = fillPattern(Buffer.allocUnsafe(len), off);
        off += len;
        this.bytesWritten += len;
        if (!res.write(buf)) {
          res.once('drain', pump);
          return;
        }
      }
      res.end();
    };
    pump();
  }
}

/** Starts `names.length` backends. */
export async function startBackends(...names: string[]): Promise<TestBackend[]> {
  return Promise.all(names.map((n) => new TestBackend(n).start()));
}
