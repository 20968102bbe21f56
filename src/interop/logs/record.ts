/**
 * One access-log line in proxy-neutral terms, as every log format parser fills it: timestamps,
 * the client-side response time, each upstream attempt (address, status, time) and the request's
 * attributes. One object is reused for every line of a file (the parsers write into it; nothing is
 * allocated per line beyond the strings the line's fields are), and {@link finishRecord} derives the
 * request's arrival and the last attempt's start from whichever fields the format logs:
 *
 * - arrival = the logged start time (HAProxy `%tr`, Envoy `%START_TIME%`), else end − response
 *   time (nginx writes its line when the request ends: `$msec` − `$request_time`), else the end;
 * - the last upstream attempt starts at arrival + the time before it (HAProxy TR + Tw + Tc), else
 *   at end − its upstream time (nginx, Envoy: the response is assumed to leave right after the
 *   upstream answered, which holds for buffered, small responses).
 *
 * All times are milliseconds (timestamps: epoch ms); units are converted by each format from what
 * its documentation says the field is.
 */

/** A parsed access-log line. Fields a format does not log stay NaN / empty. */
export class LogRecord {
  /** Request start as logged (epoch ms), NaN when the format logs no start time. */
  startMs = NaN;
  /** When the line was written, i.e. the request's end (epoch ms), NaN when not logged. */
  endMs = NaN;
  /** Total time of the request at the proxy (the client's view), ms. */
  responseMs = NaN;
  /** Time from arrival to the start of the last upstream attempt (HAProxy TR+Tw+Tc), ms. */
  preUpstreamMs = NaN;
  /** Time spent queued in the proxy (HAProxy Tw), ms. */
  queueMs = NaN;
  /** Upstream attempt times in order (ms); NaN for an attempt that logged none (`-`). */
  readonly upstreamMs: number[] = [];
  /** Upstream attempt addresses or server names, in order. */
  readonly upstreamAddr: string[] = [];
  /** Upstream attempt statuses, in order (0 = none, e.g. a connect failure). */
  readonly upstreamStatus: number[] = [];
  /** Retries the proxy reports itself (HAProxy `%rc`); −1 = not logged (count the attempts). */
  retries = -1;
  /** Status sent to the client (0 = not logged). */
  status = 0;
  client = '';
  method = '';
  /** Request URI (path and query). */
  uri = '';
  /** A session identifier (a cookie value), when logged. */
  session = '';
  /** The hash key the imported config balances on, when the log carries it. */
  key = '';

  // derived by finishRecord
  /** Arrival at the proxy (epoch ms). */
  arrivalMs = NaN;
  /** Start of the last upstream attempt (epoch ms). */
  upstreamStartMs = NaN;

  /** Clears every field for the next line. */
  reset(): void {
    this.startMs = this.endMs = this.responseMs = this.preUpstreamMs = this.queueMs = NaN;
    // pop() rather than `length = 0`: a line has one or two attempts, and popping them is about
    // ten times cheaper than V8's generic length setter
    clear(this.upstreamMs);
    clear(this.upstreamAddr);
    clear(this.upstreamStatus);
    this.retries = -1;
    this.status = 0;
    this.client = this.method = this.uri = this.session = this.key = '';
    this.arrivalMs = this.upstreamStartMs = NaN;
  }

  /** The last upstream attempt's time (ms), NaN when there is none. */
  lastUpstreamMs(): number {
    const n = this.upstreamMs.length;
    return n > 0 ? this.upstreamMs[n - 1]! : NaN;
  }

  /** The server that answered (the last attempt's address), '' when none. */
  server(): string {
    const n = this.upstreamAddr.length;
    return n > 0 ? this.upstreamAddr[n - 1]! : '';
  }
}

function clear(a: unknown[]): void {
  while (a.length > 0) a.pop();
}

/** Derives {@link LogRecord.arrivalMs} and {@link LogRecord.upstreamStartMs} (see the module header). */
export function finishRecord(r: LogRecord): void {
  const end = !Number.isNaN(r.endMs) ? r.endMs : r.startMs + r.responseMs;
  if (!Number.isNaN(r.startMs)) r.arrivalMs = r.startMs;
  else if (!Number.isNaN(r.responseMs)) r.arrivalMs = r.endMs - r.responseMs;
  else r.arrivalMs = r.endMs;
  const up = r.lastUpstreamMs();
  if (!Number.isNaN(r.preUpstreamMs)) r.upstreamStartMs = r.arrivalMs + r.preUpstreamMs;
  else if (!Number.isNaN(up) && !Number.isNaN(end)) r.upstreamStartMs = end - up;
  else r.upstreamStartMs = r.arrivalMs;
}

/** Canonical field names a format may provide (for "which field is missing" messages). */
export type LogField =
  | 'start'
  | 'end'
  | 'response_time'
  | 'upstream_time'
  | 'upstream_addr'
  | 'upstream_status'
  | 'status'
  | 'client'
  | 'method'
  | 'uri'
  | 'session'
  | 'key'
  | 'retries'
  | 'queue_time'
  | 'pre_upstream_time';
