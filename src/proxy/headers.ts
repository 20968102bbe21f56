/**
 * Header rewriting for a forwarding proxy (RFC 9110 §7.6.1 connection-specific fields, §7.6.3 Via;
 * the de-facto X-Forwarded-For / -Proto / -Host as nginx's `proxy_add_x_forwarded_for` and Envoy's
 * `x-forwarded-*` set them).
 *
 * Removed in both directions: `Connection`, `Keep-Alive`, `Proxy-*` (Proxy-Connection,
 * Proxy-Authorization, Proxy-Authenticate), `TE`, `Trailer`, `Transfer-Encoding`, `Upgrade`, and
 * every field named in `Connection`. Requests also lose `Expect` (the proxy's own server answers
 * `100-continue`) and get `X-Forwarded-For` (the client address appended), `X-Forwarded-Proto`,
 * `X-Forwarded-Host` (the client's Host) and `Via: 1.1 lbsim` (appended). `Host` is preserved.
 */
import type { IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http';

/** The `Via` token this proxy adds (RFC 9110 §7.6.3: protocol version and pseudonym). */
export const VIA = '1.1 lbsim';

/** True for a hop-by-hop field name (lower case). */
export function isHopByHop(name: string): boolean {
  switch (name) {
    case 'connection':
    case 'keep-alive':
    case 'te':
    case 'trailer':
    case 'transfer-encoding':
    case 'upgrade':
      return true;
    default:
      return name.length > 6 && name.charCodeAt(0) === 112 /* p */ && name.startsWith('proxy-');
  }
}

/** Field names listed in a `Connection` header value (lower case), or null when there are none. */
function connectionTokens(value: string | undefined): Set<string> | null {
  if (value === undefined) return null;
  let out: Set<string> | null = null;
  for (const t of value.split(',')) {
    const n = t.trim().toLowerCase();
    if (n !== '' && n !== 'close' && n !== 'keep-alive') (out ??= new Set()).add(n);
  }
  return out;
}

/**
 * The upstream request's headers as a flat `[name, value, …]` list, from the client's raw headers.
 * @param raw the client's `rawHeaders` (name/value pairs, original case, duplicates kept)
 * @param clientAddr the client's address (appended to X-Forwarded-For)
 * @param proto the scheme the client used (`http`)
 */
export function upstreamRequestHeaders(raw: readonly string[], clientAddr: string, proto: string): string[] {
  let conn: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i]!.length === 10 && raw[i]!.toLowerCase() === 'connection') conn = conn === undefined ? raw[i + 1]! : `${conn}, ${raw[i + 1]!}`;
  }
  const named = connectionTokens(conn);
  const out: string[] = [];
  let xff: string | undefined;
  let via: string | undefined;
  let host: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i]!;
    const value = raw[i + 1]!;
    const lower = name.toLowerCase();
    if (isHopByHop(lower) || (named !== null && named.has(lower))) continue;
    switch (lower) {
      case 'expect':
      case 'x-forwarded-proto':
      case 'x-forwarded-host':
        continue;
      case 'x-forwarded-for':
        xff = xff === undefined ? value : `${xff}, ${value}`;
        continue;
      case 'via':
        via = via === undefined ? value : `${via}, ${value}`;
        continue;
      case 'host':
        if (host !== undefined) continue; // undici refuses duplicates; the first one wins
        host = value;
        break;
    }
    out.push(name, value);
  }
  out.push('x-forwarded-for', xff === undefined ? clientAddr : `${xff}, ${clientAddr}`);
  out.push('x-forwarded-proto', proto);
  if (host !== undefined) out.push('x-forwarded-host', host);
  out.push('via', via === undefined ? VIA : `${via}, ${VIA}`);
  return out;
}

/**
 * The client response's headers from the upstream's (parsed, lower-case names): hop-by-hop fields
 * and fields named in `Connection` dropped, everything else kept in order. Returns a fresh object.
 */
export function downstreamResponseHeaders(h: IncomingHttpHeaders): OutgoingHttpHeaders {
  const c = h.connection;
  const named = connectionTokens(Array.isArray(c) ? c.join(',') : c);
  const out: OutgoingHttpHeaders = {};
  for (const name in h) {
    if (isHopByHop(name) || (named !== null && named.has(name))) continue;
    const v = h[name];
    if (v !== undefined) out[name] = v;
  }
  return out;
}
