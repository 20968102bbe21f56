/**
 * The proxy's client connections: a cap on how many are open (`client.maxConnections`), and one
 * request at a time per connection.
 *
 * Cap: a connection beyond the cap is answered `503 Service Unavailable` (`x-lbsim-refused:
 * client-connections`, `Connection: close`) as soon as it is accepted, and closed; it never
 * reaches the request parser or a backend. HAProxy stops accepting at `maxconn`; nginx closes
 * connections past `worker_connections` — lbsim refuses explicitly so a client can tell why.
 *
 * One request at a time (nginx and HAProxy process pipelined requests in order, each after the
 * previous one is answered): Node's server parses every pipelined request it has read and hands
 * each to the application at once, so 300 pipelined requests would become 300 concurrent upstream
 * requests. Here a request waits until the one before it on the same connection has finished its
 * response, and while one waits the socket stops being read — the mechanism Node itself uses when
 * responses back up (`socket._paused` in `lib/_http_server.js`, `parserOnIncoming` /
 * `socketOnDrain`) — so a flood costs at most one read buffer of parsed requests.
 *
 * See docs/proxy-security.md#one-request-per-connection.
 */
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';

/** The bytes sent to a connection refused by the cap. */
const REFUSAL_BODY = 'too many client connections\n';
const REFUSAL =
  'HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; charset=utf-8\r\ncache-control: no-store\r\n' +
  `x-lbsim-refused: client-connections\r\nconnection: close\r\ncontent-length: ${REFUSAL_BODY.length}\r\n\r\n${REFUSAL_BODY}`;

/** How long a refused connection may linger before it is destroyed (ms). */
const REFUSED_LINGER_MS = 2_000;

/** What Node's HTTP server keeps on its sockets (see `lib/_http_server.js`). */
type HttpSocket = Socket & { _paused?: boolean; parser?: { pause(): void; resume(): void } | null };

interface ConnState {
  /** A request of this connection is being handled. */
  busy: boolean;
  /** Ends the current request's turn (one function per connection, not per request). */
  turnOver: () => void;
  /** Requests parsed while another was busy, in order. */
  waiting: [IncomingMessage, ServerResponse][];
  /** Reading was paused here (and is resumed here). */
  paused: boolean;
  refused: boolean;
}

/** Callbacks of {@link ClientConnections}. */
export interface ConnectionHandlers {
  /** Current cap on open connections. */
  maxConnections(): number;
  /** Handles one request (called one at a time per connection). */
  request(req: IncomingMessage, res: ServerResponse): void;
  /** A connection was refused by the cap. */
  refused(): void;
  /** A pipelined request was dropped unanswered because its connection closed first. */
  dropped(req: IncomingMessage): void;
}

/** Connection accounting and per-connection request serialization for one HTTP server. */
export class ClientConnections {
  private count = 0;
  private readonly states = new WeakMap<Socket, ConnState>();

  constructor(
    server: Server,
    private readonly on: ConnectionHandlers,
  ) {
    server.on('connection', this.onConnection);
    server.on('request', this.onRequest);
  }

  /** Client connections open now. */
  get open(): number {
    return this.count;
  }

  private readonly onConnection = (socket: Socket): void => {
    this.count++;
    const st: ConnState = {
      busy: false,
      turnOver: () => {
        st.busy = false;
        this.next(st, socket);
      },
      waiting: [],
      paused: false,
      refused: false,
    };
    this.states.set(socket, st);
    socket.once('close', () => {
      this.count--;
      // Requests still waiting on a closed connection are dropped: nothing to answer them on.
      const w = st.waiting;
      st.waiting = [];
      for (const [req] of w) this.on.dropped(req);
    });
    if (this.count > this.on.maxConnections()) {
      st.refused = true;
      this.on.refused();
      socket.end(REFUSAL);
      socket.setTimeout(REFUSED_LINGER_MS, () => socket.destroy());
    }
  };

  private readonly onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    const st = this.states.get(req.socket);
    if (st === undefined || st.refused) {
      res.destroy();
      return;
    }
    if (st.busy) {
      st.waiting.push([req, res]);
      if (!st.paused) {
        st.paused = true;
        const s = req.socket as HttpSocket;
        s._paused = true; // Node pauses the parser after this read, and keeps the socket paused
        s.pause();
      }
      return;
    }
    this.start(st, req, res);
  };

  private start(st: ConnState, req: IncomingMessage, res: ServerResponse): void {
    st.busy = true;
    // 'close' follows 'finish' (Node emits it on the next tick) and also ends an aborted response;
    // it is emitted once, so `on` (no `once` wrapper to allocate).
    res.on('close', st.turnOver);
    this.on.request(req, res);
  }

  private next(st: ConnState, socket: Socket): void {
    for (;;) {
      const item = st.waiting.shift();
      if (item === undefined) break;
      const [req, res] = item;
      // Closed, or closing after a `Connection: close` answer: nothing more is answered on it.
      if (socket.destroyed || socket.writableEnded || res.destroyed) {
        this.on.dropped(req);
        continue;
      }
      if (st.waiting.length === 0) this.resume(st, socket);
      this.start(st, req, res);
      return;
    }
    this.resume(st, socket);
  }

  private resume(st: ConnState, socket: Socket): void {
    if (!st.paused) return;
    st.paused = false;
    const s = socket as HttpSocket;
    if (s.destroyed) return;
    // As Node's socketOnDrain does; when its own response backpressure still holds, Node pauses
    // again at the next request.
    s._paused = false;
    s.parser?.resume();
    s.resume();
  }
}
