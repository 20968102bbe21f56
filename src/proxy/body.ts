/**
 * The client's request body as the upstream body of one attempt: optionally read ahead into
 * memory, then streamed with backpressure, and replayable until a byte beyond what is held in
 * memory has been read (nginx retries a request on the next upstream only while the body was not
 * sent: `proxy_next_upstream`, "if no part of the request has been sent").
 *
 * Buffering (`client.requestBuffer`, HAProxy `option http-buffer-request`, nginx
 * `proxy_request_buffering`): before a backend is chosen, the body is read into memory up to the
 * limit. A body that fits is sent from memory — a client that trickles it holds no lease and no
 * upstream connection, and the body can be replayed to any number of attempts. A larger one keeps
 * what was read as a prefix and streams the rest.
 *
 * The client's `IncomingMessage` is never handed to undici directly: undici destroys a body stream
 * when an attempt fails, and destroying an `IncomingMessage` destroys the client's socket. Each
 * attempt gets its own small `Readable` that pulls from the message (`read()` resumes it, a full
 * buffer pauses it); a failed attempt's stream is dropped and, while still replayable, a fresh one
 * is opened for the retry. Every attempt stream has an `error` listener from birth: undici attaches
 * its own only once the request leaves its pool queue, and a stream destroyed before that (the
 * client aborted while the attempt waited for a pooled connection) must not become an unhandled
 * `error` event that ends the process.
 *
 * Two timers, both between successive operations like nginx's:
 * - client body timeout (nginx `client_body_timeout`): while the proxy waits for body bytes from
 *   the client, a gap longer than `bodyTimeoutMs` fails the body as `timeout` (the proxy answers 408);
 * - upstream send stall (nginx `proxy_send_timeout`): when the upstream stops taking the body (the
 *   attempt's stream stays full) for `stallMs`, the attempt fails with {@link SEND_TIMEOUT}.
 *
 * See docs/proxy-security.md#request-buffering.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** Error code of an attempt whose upstream stopped reading the request body (see {@link RequestBody}). */
export const SEND_TIMEOUT = 'LBSIM_SEND_TIMEOUT';

/** How the client's side of a body failed. */
export type ClientBodyFailure = 'aborted' | 'timeout' | 'error';

/** Options of a {@link RequestBody}. */
export interface RequestBodyOptions {
  /** Longest gap between two chunks from the client while waiting for them (ms). */
  bodyTimeoutMs: number;
  /** Longest time the upstream may leave the body unread (ms). */
  stallMs: number;
  /** Told once when the client's side fails (aborted, timed out, malformed). */
  onClientError: (why: ClientBodyFailure) => void;
}

const noop = (): void => undefined;

/** A request body: read ahead up to a limit, then opened once per attempt. */
export class RequestBody {
  /** True once a chunk beyond the buffered prefix was read into an attempt: no replay from here on. */
  private started = false;
  private ended = false;
  private failed = false;
  /** Chunks held in memory (the whole body when `ended` and not `started`). */
  private prefix: Buffer[] = [];
  private prefixBytes = 0;
  /** While buffering: the limit and who to tell when done. */
  private buffering: { limit: number; done: (complete: boolean) => void } | null = null;
  private cur: Readable | null = null;
  private attached = false;
  private whole: Buffer | null = null;
  private stall: NodeJS.Timeout | undefined;
  private idle: NodeJS.Timeout | undefined;

  /**
   * @param src the client's request (left paused until the body is buffered or an attempt reads it)
   */
  constructor(
    private readonly src: IncomingMessage,
    private readonly opts: RequestBodyOptions,
  ) {}

  /** True while a new attempt can still send the whole body. */
  get replayable(): boolean {
    return !this.started && !this.failed;
  }

  /** True once the client sent the whole body. */
  get complete(): boolean {
    return this.ended;
  }

  /** Bytes held in memory. */
  get bufferedBytes(): number {
    return this.prefixBytes;
  }

  /**
   * Reads the body into memory up to `limit` bytes; `done(true)` when all of it fits, `done(false)`
   * once more than `limit` arrived (what was read stays as a prefix). Not called when the client
   * fails first (its `onClientError` is told instead).
   */
  buffer(limit: number, done: (complete: boolean) => void): void {
    if (this.ended) {
      done(true);
      return;
    }
    this.buffering = { limit, done };
    if (!this.attached) this.attach();
    this.flowFromClient();
  }

  /** The body for one attempt: a Buffer when all of it is in memory, else a stream. Throws once no longer replayable. */
  open(): Readable | Buffer {
    if (!this.replayable) throw new Error('request body already consumed by an earlier attempt');
    if (this.ended) return (this.whole ??= this.prefix.length === 1 ? this.prefix[0]! : Buffer.concat(this.prefix, this.prefixBytes));
    const r: Readable = new Readable({
      highWaterMark: 64 * 1024,
      read: () => {
        if (this.cur !== r) return;
        this.disarmStall();
        this.flowFromClient();
      },
      destroy: (err, cb) => {
        if (this.cur === r) {
          this.cur = null;
          this.disarmStall();
          this.pauseClient();
        }
        cb(err);
      },
    });
    r.on('error', noop);
    this.cur = r;
    for (const c of this.prefix) r.push(c);
    if (!this.attached) this.attach();
    return r;
  }

  /** Stops every timer (the request is over). */
  dispose(): void {
    this.disarmStall();
    this.disarmIdle();
    this.buffering = null;
    this.cur = null;
  }

  private attach(): void {
    this.attached = true;
    const src = this.src;
    src.pause();
    src.on('data', (chunk: Buffer) => {
      if (this.failed) return;
      this.armIdle();
      const b = this.buffering;
      if (b !== null) {
        this.prefix.push(chunk);
        this.prefixBytes += chunk.length;
        if (this.prefixBytes > b.limit) {
          this.buffering = null;
          this.pauseClient();
          b.done(false);
        }
        return;
      }
      this.started = true;
      const cur = this.cur;
      if (cur === null) {
        this.pauseClient();
        return;
      }
      if (!cur.push(chunk)) {
        this.pauseClient();
        this.armStall();
      }
    });
    src.on('end', () => {
      this.ended = true;
      this.disarmIdle();
      this.disarmStall();
      const b = this.buffering;
      if (b !== null) {
        this.buffering = null;
        b.done(true);
        return;
      }
      this.cur?.push(null);
    });
    src.on('error', () => this.fail('error', new Error('client request body failed')));
    src.on('aborted', () => this.fail('aborted', new Error('client aborted the request body')));
  }

  private fail(why: ClientBodyFailure, err: Error): void {
    if (this.failed || this.ended) return;
    this.failed = true;
    this.disarmIdle();
    this.disarmStall();
    this.buffering = null;
    this.opts.onClientError(why);
    this.cur?.destroy(err);
  }

  /** Resumes reading the client and starts the body timeout. */
  private flowFromClient(): void {
    if (this.ended || this.failed) return;
    this.armIdle();
    this.src.resume();
  }

  private pauseClient(): void {
    this.disarmIdle();
    this.src.pause();
  }

  private armIdle(): void {
    if (this.idle !== undefined) this.idle.refresh();
    else {
      this.idle = setTimeout(this.onIdle, this.opts.bodyTimeoutMs);
      this.idle.unref();
    }
  }

  private disarmIdle(): void {
    if (this.idle !== undefined) {
      clearTimeout(this.idle);
      this.idle = undefined;
    }
  }

  private readonly onIdle = (): void => {
    this.idle = undefined;
    this.fail('timeout', new Error(`client sent no request body bytes for ${this.opts.bodyTimeoutMs} ms`));
  };

  private armStall(): void {
    if (this.stall !== undefined) this.stall.refresh();
    else {
      this.stall = setTimeout(this.onStall, this.opts.stallMs);
      this.stall.unref();
    }
  }

  private disarmStall(): void {
    if (this.stall !== undefined) {
      clearTimeout(this.stall);
      this.stall = undefined;
    }
  }

  private readonly onStall = (): void => {
    this.stall = undefined;
    const err = new Error(`upstream did not read the request body for ${this.opts.stallMs} ms`) as Error & { code: string };
    err.code = SEND_TIMEOUT;
    this.cur?.destroy(err);
  };
}
