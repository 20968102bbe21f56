/**
 * The client's request body as the upstream body of one attempt, streamed with backpressure and
 * replayable until its first byte is read (nginx retries a request on the next upstream only while
 * the body was not sent: `proxy_next_upstream`, "if no part of the request has been sent").
 *
 * The client's `IncomingMessage` is never handed to undici directly: undici destroys a body stream
 * when an attempt fails, and destroying an `IncomingMessage` destroys the client's socket. Each
 * attempt gets its own small `Readable` that pulls from the message (`read()` resumes it, a full
 * buffer pauses it); a failed attempt's stream is dropped and, while nothing was read yet, a fresh
 * one is opened for the retry.
 *
 * Send timeout (nginx `proxy_send_timeout`): when the upstream stops taking the body (the attempt's
 * stream stays full) for `stallMs`, the attempt fails with a timeout. This also bounds how long a
 * client that vanished during such a stall goes unnoticed: a paused socket is not read, so its
 * close is only seen once reading resumes.
 */
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';

/** Error code of an attempt whose upstream stopped reading the request body (see {@link ReplayableBody}). */
export const SEND_TIMEOUT = 'LBSIM_SEND_TIMEOUT';

/** A request body that can be opened again for a retry until its first chunk is read. */
export class ReplayableBody {
  /** True once a chunk was read from the client: the body can no longer be replayed. */
  started = false;
  private ended = false;
  private cur: Readable | null = null;
  private attached = false;
  private stall: NodeJS.Timeout | undefined;

  /**
   * @param src the client's request (left paused until an attempt reads it)
   * @param stallMs longest time the upstream may leave the body unread (ms)
   * @param onClientError told when the client's body fails (aborted, malformed) before the attempt is failed with it
   */
  constructor(
    private readonly src: IncomingMessage,
    private readonly stallMs: number,
    private readonly onClientError: () => void,
  ) {}

  /** True while a new attempt can still send the whole body. */
  get replayable(): boolean {
    return !this.started;
  }

  /** A stream of the body for one attempt. Throws once the body has started flowing elsewhere. */
  open(): Readable {
    if (this.started) throw new Error('request body already consumed by an earlier attempt');
    const src = this.src;
    const r: Readable = new Readable({
      highWaterMark: 64 * 1024,
      read: () => {
        if (this.cur !== r) return;
        this.disarm();
        src.resume();
      },
      destroy: (err, cb) => {
        if (this.cur === r) {
          this.cur = null;
          this.disarm();
          src.pause();
        }
        cb(err);
      },
    });
    this.cur = r;
    if (this.ended) r.push(null);
    if (!this.attached) this.attach();
    return r;
  }

  private attach(): void {
    this.attached = true;
    const src = this.src;
    src.pause();
    src.on('data', (chunk: Buffer) => {
      this.started = true;
      const cur = this.cur;
      if (cur === null) {
        src.pause();
        return;
      }
      if (!cur.push(chunk)) {
        src.pause();
        this.arm();
      }
    });
    src.on('end', () => {
      this.ended = true;
      this.disarm();
      this.cur?.push(null);
    });
    src.on('error', (err) => {
      this.onClientError();
      this.cur?.destroy(err);
    });
    src.on('aborted', () => {
      this.onClientError();
      this.cur?.destroy(new Error('client aborted the request body'));
    });
  }

  private arm(): void {
    if (this.stall !== undefined) this.stall.refresh();
    else {
      this.stall = setTimeout(this.onStall, this.stallMs);
      this.stall.unref();
    }
  }

  private disarm(): void {
    if (this.stall !== undefined) {
      clearTimeout(this.stall);
      this.stall = undefined;
    }
  }

  private readonly onStall = (): void => {
    this.stall = undefined;
    const err = new Error(`upstream did not read the request body for ${this.stallMs} ms`) as Error & { code: string };
    err.code = SEND_TIMEOUT;
    this.cur?.destroy(err);
  };
}
