/**
 * Client-address hashing, exactly as nginx `ip_hash`.
 *
 * Reference: nginx `ngx_http_upstream_init_ip_hash_peer` and `ngx_http_upstream_get_ip_hash_peer`
 * (src/http/modules/ngx_http_upstream_ip_hash_module.c; REFERENCE.md, `ip-hash`). The hashed bytes
 * are the first 3 octets of an IPv4 address (the /24), all 16 bytes of an IPv6 address, or 3 zero
 * bytes for anything else (nginx's pseudo address for Unix sockets; here also for an empty or
 * unparsable `clientAddr`). Then, from `hash = 89`:
 *
 *     loop:
 *       for each byte b: hash = (hash × 113 + b) mod 6271
 *       w = hash mod total_weight            (configured weights of ALL backends, as nginx's peers)
 *       p = the peer where w falls when walking the peers subtracting their weights
 *       if p is eligible: pick p
 *       if ++tries > 20: fall back to round robin (nginx's smooth weighted round robin)
 *
 * so the hash is re-applied over the same bytes on every miss (21 probes at most). With fewer than
 * two backends nginx goes straight to round robin. The walk is a binary search over cumulative
 * weights (same result, O(log n)).
 *
 * lbsim specifics: an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what a dual-stack Node socket
 * reports for IPv4 clients) is hashed as the IPv4 address it carries, which is what nginx sees with
 * its default separate IPv4 listener. A retry (the tried backend now ineligible) restarts from 89 and
 * probes the same sequence nginx continues with. Cost: O(log n) per probe, no allocation.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import type { Strategy, StrategyDef } from '../core/strategy.js';
import type { PickView, RequestInfo } from '../core/view.js';
import { SmoothWrr } from './weighted-round-robin.js';

const schema = z.object({}).strict();

/** Options of `ip-hash` (none). */
export type IpHashOptions = z.infer<typeof schema>;

/** Value of hex digit code `c`, or -1. */
function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 97 && c <= 102) return c - 87;
  if (c >= 65 && c <= 70) return c - 55;
  return -1;
}

/**
 * Parses dotted IPv4 `s[start, end)` into `out[at … at+4)`; true on success. Accepts exactly four
 * decimal octets 0–255.
 */
function parseIpv4(s: string, start: number, end: number, out: Uint8Array, at: number): boolean {
  let octet = 0;
  let digits = 0;
  let parts = 0;
  for (let i = start; i <= end; i++) {
    const c = i < end ? s.charCodeAt(i) : 46; // a virtual '.' terminates the last octet
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return false;
    } else if (c === 46) {
      if (digits === 0 || parts === 4) return false;
      out[at + parts++] = octet;
      octet = 0;
      digits = 0;
    } else {
      return false;
    }
  }
  return parts === 4;
}

/** Parses IPv6 text `s[start, end)` (with `::` and a trailing dotted IPv4) into 16 bytes; true on success. */
function parseIpv6(s: string, start: number, end: number, out: Uint8Array): boolean {
  out.fill(0);
  let g = 0; // 16-bit groups written
  let gap = -1; // group index where "::" stands
  let i = start;
  if (i + 1 < end && s.charCodeAt(i) === 58 && s.charCodeAt(i + 1) === 58) {
    gap = 0;
    i += 2;
  } else if (i < end && s.charCodeAt(i) === 58) {
    return false;
  }
  while (i < end) {
    if (g >= 8) return false;
    const groupStart = i;
    let v = 0;
    let digits = 0;
    while (i < end) {
      const h = hexVal(s.charCodeAt(i));
      if (h < 0) break;
      v = (v << 4) | h;
      i++;
      if (++digits > 4) return false;
    }
    if (i < end && s.charCodeAt(i) === 46) {
      // Embedded IPv4 in the last 32 bits.
      if (g > 6 || !parseIpv4(s, groupStart, end, out, 2 * g)) return false;
      g += 2;
      i = end;
      break;
    }
    if (digits === 0) return false;
    out[2 * g] = v >>> 8;
    out[2 * g + 1] = v & 0xff;
    g++;
    if (i === end) break;
    if (s.charCodeAt(i) !== 58) return false;
    i++;
    if (i < end && s.charCodeAt(i) === 58) {
      if (gap >= 0) return false;
      gap = g;
      i++;
    } else if (i === end) {
      return false;
    }
  }
  if (gap < 0) return g === 8;
  if (g === 8) return false;
  // Move the groups after "::" to the end and zero the gap.
  const tail = g - gap;
  for (let k = tail - 1; k >= 0; k--) {
    out[16 - 2 * tail + 2 * k] = out[2 * (gap + k)]!;
    out[16 - 2 * tail + 2 * k + 1] = out[2 * (gap + k) + 1]!;
  }
  out.fill(0, 2 * gap, 16 - 2 * tail);
  return true;
}

/**
 * The bytes nginx `ip_hash` hashes for a client address, written to `out` (≥ 16 bytes); returns
 * how many: 3 for IPv4 (first three octets; also for `::ffff:a.b.c.d`), 16 for IPv6, and 3 zero
 * bytes for anything else. Accepts `a.b.c.d`, `a.b.c.d:port`, IPv6 text with `::`, a `%zone`
 * suffix and `[addr]` or `[addr]:port`.
 */
export function ipHashBytes(addr: string, out: Uint8Array): number {
  let start = 0;
  let end = addr.length;
  if (end > 0 && addr.charCodeAt(0) === 91) {
    // [v6] or [v6]:port
    const close = addr.indexOf(']');
    if (close < 0) end = 0;
    else {
      start = 1;
      end = close;
    }
  }
  const zone = addr.indexOf('%', start);
  if (zone >= 0 && zone < end) end = zone;
  const c1 = addr.indexOf(':', start);
  const c2 = c1 >= 0 && c1 < end ? addr.indexOf(':', c1 + 1) : -1;
  if (c2 < 0 || c2 >= end) {
    // No colon, or one: IPv4, possibly with a port.
    if (parseIpv4(addr, start, c1 >= 0 && c1 < end ? c1 : end, out, 0)) return 3;
  } else if (parseIpv6(addr, start, end, out)) {
    let mapped = out[10] === 0xff && out[11] === 0xff;
    for (let k = 0; k < 10 && mapped; k++) if (out[k] !== 0) mapped = false;
    if (!mapped) return 16;
    out[0] = out[12]!;
    out[1] = out[13]!;
    out[2] = out[14]!;
    return 3;
  }
  out[0] = 0;
  out[1] = 0;
  out[2] = 0;
  return 3;
}

/** nginx's ip_hash step over `len` bytes of `bytes`, from `hash`. */
export function ipHashStep(hash: number, bytes: Uint8Array, len: number): number {
  for (let k = 0; k < len; k++) hash = (hash * 113 + bytes[k]!) % 6271;
  return hash;
}

class IpHash implements Strategy {
  private readonly bytes = new Uint8Array(16);
  /** Cumulative configured weights: cum[k] = Σ weight[0..k]. */
  private cum = new Float64Array(0);
  private total = 0;
  private readonly rr = new SmoothWrr(1);

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    if (view.count === 0) return -1;
    const n = this.cum.length;
    if (n < 2) return this.rr.pick(view);
    const len = ipHashBytes(req.clientAddr, this.bytes);
    const cum = this.cum;
    const eligible = view.eligible;
    let hash = 89;
    for (let tries = 0; ; ) {
      hash = ipHashStep(hash, this.bytes, len);
      const w = hash % this.total;
      // nginx walks peers while w >= weight, subtracting: p = first k with cum[k] > w.
      let lo = 0;
      let hi = n - 1;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (cum[mid]! > w) hi = mid;
        else lo = mid + 1;
      }
      if (eligible[lo] === 1) return lo;
      if (++tries > 20) return this.rr.pick(view);
    }
  }

  rebuild(specs: readonly BackendSpec[]): void {
    const cum = new Float64Array(specs.length);
    let t = 0;
    for (let i = 0; i < specs.length; i++) {
      t += specs[i]!.weight;
      cum[i] = t;
    }
    this.cum = cum;
    this.total = t;
    this.rr.rebuild(specs);
  }
}

/** `ip-hash`: nginx ip_hash. */
export const strategy: StrategyDef<IpHashOptions> = {
  name: 'ip-hash',
  description: 'nginx ip_hash: hash of the client /24 (IPv6: whole address) over weights, rehash past ineligible',
  reference: 'nginx ip_hash (ngx_http_upstream_ip_hash_module.c)',
  options: schema,
  weighted: true,
  spreads: false,
  cost: 'O(log n)',
  create(): Strategy {
    return new IpHash();
  },
};
