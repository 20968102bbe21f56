/**
 * Raw HTTP/1.x over `node:net` for the hostile-client tests: send exactly the bytes given (malformed,
 * pipelined, trickled, half-sent) and read what comes back, with a time bound on every wait. Every
 * socket opened here is destroyed by `close()` (or when the peer closes).
 */
import { connect, type Socket } from 'node:net';

/** One response head parsed from the bytes received. */
export interface RawResponse {
  /** Status code, e.g. 400. */
  status: number;
  /** Reason phrase as received. */
  reason: string;
  /** Header fields, lower-case names (last one wins). */
  headers: Record<string, string>;
  /** Body (de-chunked). */
  body: string;
}

/** Parses every complete response in `text` (framed by content-length or chunked; no body when neither). */
export function parseResponses(text: string): RawResponse[] {
  const out: RawResponse[] = [];
  let at = 0;
  for (;;) {
    const end = text.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const lines = text.slice(at, end).split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3}) ?(.*)$/.exec(lines[0] ?? '');
    if (!m) break;
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const c = l.indexOf(':');
      if (c > 0) headers[l.slice(0, c).trim().toLowerCase()] = l.slice(c + 1).trim();
    }
    let body = '';
    let next = end + 4;
    if ((headers['transfer-encoding'] ?? '').toLowerCase() === 'chunked') {
      let complete = false;
      for (;;) {
        const eol = text.indexOf('\r\n', next);
        if (eol < 0) break;
        const size = parseInt(text.slice(next, eol), 16);
        if (!(size >= 0)) break;
        if (size === 0) {
          const trailerEnd = text.indexOf('\r\n\r\n', eol);
          if (trailerEnd < 0) break;
          next = trailerEnd + 4;
          complete = true;
          break;
        }
        if (text.length < eol + 2 + size + 2) break;
        body += text.slice(eol + 2, eol + 2 + size);
        next = eol + 2 + size + 2;
      }
      if (!complete) break;
    } else {
      const len = Number(headers['content-length'] ?? 0);
      body = text.slice(next, next + len);
      if (body.length < len) break;
      next += len;
    }
    out.push({ status: Number(m[1]), reason: m[2]!, headers, body });
    at = next;
  }
  return out;
}

/** A raw client connection. */
export class RawConnection {
  /** Everything received so far (latin1). */
  received = '';
  /** True once the peer closed (or the socket failed). */
  closed = false;
  private waiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true);
    socket.on('data', (d: Buffer) => {
      this.received += d.toString('latin1');
      this.wake();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      this.closed = true;
      this.wake();
    });
  }

  /** Connects to `url`'s host and port. */
  static open(url: string): Promise<RawConnection> {
    const u = new URL(url);
    return new Promise((resolve, reject) => {
      const s = connect(Number(u.port), u.hostname, () => {
        s.off('error', reject);
        resolve(new RawConnection(s));
      });
      s.once('error', reject);
    });
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** Writes bytes (a string is sent as latin1, so `\r\n` and raw octets go out as given). */
  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve) => {
      if (this.socket.destroyed) return resolve();
      this.socket.write(typeof data === 'string' ? Buffer.from(data, 'latin1') : data, () => resolve());
    });
  }

  /** Responses parsed so far. */
  responses(): RawResponse[] {
    return parseResponses(this.received);
  }

  /** Resolves once `cond` holds; rejects after `maxMs` (a guard against hangs). */
  async until(cond: () => boolean, what: string, maxMs = 5_000): Promise<void> {
    const deadline = Date.now() + maxMs;
    while (!cond()) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}; received: ${JSON.stringify(this.received.slice(0, 300))}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 50));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Waits for `n` complete responses and returns them. */
  async response(n = 1, maxMs = 5_000): Promise<RawResponse[]> {
    await this.until(() => this.responses().length >= n, `${n} response(s)`, maxMs);
    return this.responses();
  }

  /** Waits until the peer closes the connection. */
  async closedByPeer(maxMs = 5_000): Promise<void> {
    await this.until(() => this.closed, 'the connection to close', maxMs);
  }

  /** Destroys the socket (an abrupt client abort). */
  close(): void {
    this.socket.destroy();
  }
}

/** Sends `text` on a fresh connection and returns the first response (the socket is closed after). */
export async function rawExchange(url: string, text: string, maxMs = 5_000): Promise<RawResponse> {
  const c = await RawConnection.open(url);
  try {
    await c.write(text);
    return (await c.response(1, maxMs))[0]!;
  } finally {
    c.close();
  }
}
