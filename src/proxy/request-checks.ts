/**
 * What the proxy answers itself, before any backend is chosen: requests it cannot or must not
 * forward (RFC 9112 message framing and request-target rules), and the normalization of an
 * absolute-form target. A refused request never takes a lease and is never counted against a
 * backend's health.
 *
 * - More header fields than `client.maxHeaders` → 431 (RFC 6585 §5), instead of Node's parser
 *   silently dropping the ones past its limit. HAProxy refuses past `tune.http.maxhdr` (101).
 * - More than one `Host` → 400 (RFC 9112 §3.2: "A server MUST respond with a 400 … to any request
 *   message that contains more than one Host header field line").
 * - `Transfer-Encoding` in an HTTP/1.0 request → 400 and close (RFC 9112 §6.1: such framing is
 *   faulty; nginx `ngx_http_process_request_header`: "client sent HTTP/1.0 request with
 *   Transfer-Encoding header"). Any `Transfer-Encoding` other than one `chunked` → 400 and close:
 *   the proxy removes the field when it forwards, so a coding it would silently drop could frame
 *   the body differently for another hop (nginx answers 501 for an unknown coding in the same
 *   function; lbsim uses 400 as for every other framing it refuses, and closes the connection).
 * - Request target (RFC 9112 §3.2): origin form (`/path?query`) is forwarded as is. Absolute form
 *   (`http://host:port/path`) is forwarded in origin form, and its authority replaces the `Host`
 *   field (RFC 9112 §3.2.2: a proxy MUST ignore the received Host and use the target's; nginx does
 *   the same in `ngx_http_process_request_uri` / `ngx_http_validate_host`). A scheme other than
 *   http/https, or userinfo in the authority (RFC 9110 §4.2.4), → 400, as HAProxy answers. The
 *   asterisk form (`OPTIONS *`) → 400, as nginx answers (`ngx_http_parse_request_line` accepts only
 *   `/` or a scheme there): it concerns this server, and no backend request can carry it.
 *
 * CONNECT (authority form) never reaches here: Node hands it to the server's `connect` event,
 * where the proxy answers 405 as nginx does (`ngx_http_process_request_header`, see `server.ts`).
 * Rules, sources and tests: docs/proxy-security.md#request-checks.
 */
import type { IncomingMessage } from 'node:http';

/** A request the proxy answers itself. */
export interface Refusal {
  /** Status to send. */
  status: number;
  /** Short reason, counted in `lbsim_refused_total{reason}` and sent in `x-lbsim-refused`. */
  reason: string;
  /** One-line explanation sent as the body. */
  text: string;
}

/** Bytes undici accepts in a request path (it refuses anything outside 0x21–0xff). */
const PATH_OK = /^[\x21-\xff]*$/;
/** `scheme://authority rest` of an absolute-form target. */
const ABSOLUTE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^#]*)/;
/** `host[:port]` with a reg-name, IPv4 or bracketed IPv6 host (RFC 3986 §3.2.2). */
const AUTHORITY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~!$&'()*+,;=%-]+)(:\d{0,5})?$/;

function refuse(status: number, reason: string, text: string): Refusal {
  return { status, reason, text };
}

/**
 * Checks a parsed request and, for an absolute-form target, rewrites it in place to origin form
 * (`req.url`) with the target's authority as its only `Host` (`req.headers.host` and
 * `req.rawHeaders`). Returns null when the request may be forwarded, else the proxy's answer.
 * @param maxHeaders most header fields accepted (`client.maxHeaders`)
 */
export function checkRequest(req: IncomingMessage, maxHeaders: number): Refusal | null {
  const raw = req.rawHeaders;
  if (raw.length > 2 * maxHeaders) {
    return refuse(431, 'too-many-headers', `request has more than ${maxHeaders} header fields`);
  }
  let hosts = 0;
  let hostAt = -1;
  let te: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    if (name.length === 4 && name.toLowerCase() === 'host') {
      hosts++;
      hostAt = i;
    } else if (name.length === 17 && name.toLowerCase() === 'transfer-encoding') {
      te = te === undefined ? raw[i + 1]! : `${te},${raw[i + 1]!}`;
    }
  }
  if (hosts > 1) return refuse(400, 'bad-request', 'more than one Host header field');
  if (te !== undefined) {
    if (req.httpVersionMajor === 1 && req.httpVersionMinor === 0) return refuse(400, 'bad-request', 'Transfer-Encoding in an HTTP/1.0 request');
    if (te.trim().toLowerCase() !== 'chunked') return refuse(400, 'bad-request', `unsupported Transfer-Encoding ${JSON.stringify(te.slice(0, 60))} (only chunked)`);
  }

  const url = req.url ?? '';
  if (url.charCodeAt(0) === 47 /* / */) {
    return PATH_OK.test(url) ? null : refuse(400, 'bad-request', 'invalid characters in the request target');
  }
  if (url === '*') return refuse(400, 'bad-request', 'asterisk-form request target (OPTIONS *) is not forwarded');
  const m = ABSOLUTE.exec(url);
  if (!m) return refuse(400, 'bad-request', 'request target is neither origin form (/path) nor absolute form (http://host/path)');
  const scheme = m[1]!.toLowerCase();
  if (scheme !== 'http' && scheme !== 'https') return refuse(400, 'bad-request', `unsupported scheme "${m[1]!.slice(0, 20)}" in the request target`);
  const authority = m[2]!;
  if (authority.includes('@')) return refuse(400, 'bad-request', 'userinfo in the request target');
  if (!AUTHORITY.test(authority)) return refuse(400, 'bad-request', 'invalid host in the request target');
  let path = m[3]!;
  if (path === '' || path.charCodeAt(0) !== 47) path = `/${path}`;
  if (!PATH_OK.test(path)) return refuse(400, 'bad-request', 'invalid characters in the request target');
  req.url = path;
  req.headers.host = authority;
  if (hostAt >= 0) raw[hostAt + 1] = authority;
  else raw.push('Host', authority);
  return null;
}
