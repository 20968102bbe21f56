/**
 * Client-address hashing, exactly as nginx `ip_hash`.
 *
 * Reference: nginx `ngx_http_upstream_init_ip_hash_peer` and `ngx_http_upstream_get_ip_hash_peer`
 * (src/http/modules/ngx_http_upstream_ip_hash_module.c; docs/strategies.md#ip-hash). The hashed bytes
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
 * two backends nginx goes straight to round robin. The walk is tabulated once per backend list
 * (`w` is below 6271, so at most 6271 entries): O(1) per probe.
 *
 * lbsim specifics: an IPv4-mapped IPv6 address (`::ffff:a.b.c.d`, what a dual-stack Node socket
 * reports for IPv4 clients) is hashed as the IPv4 address it carries, which is what nginx sees with
 * its default separate IPv4 listener. A retry (the tried backend now ineligible) restarts from 89 and
 * probes the same sequence nginx continues with. IPv4 text (`a.b.c.d`, `a.b.c.d:port`) is read in one
 * charCode pass; other shapes go through the general parser. Cost: O(1) per probe, no allocation.
 */
import { z } from 'zod';
import type { BackendSpec } from '../core/backend.js';
import type { Strategy, StrategyDef } from '../core/strategy.js';
import type { PickView, RequestInfo } from '../core/view.js';
import { SmoothWrr } from './support/smooth-wrr.js';

const schema = z.object({}).strict();

/** nginx's ip_hash modulus: every hash value is below it. */
const HASH_MOD = 6271;

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
 * The /24 of a plain `a.b.c.d` or `a.b.c.d:port` address, packed as `a << 16 | b << 8 | c`, in one
 * charCode pass without allocation; -1 when `s` has any other shape (brackets, a zone, IPv6, a
 * second colon, bad octets), for which {@link ipHashBytes} decides. Wherever it returns ≥ 0,
 * {@link ipHashBytes} yields the same three bytes.
 */
export function ipv4Prefix(s: string): number {
  const n = s.length;
  let octet = 0;
  let digits = 0;
  let parts = 0; // octets completed
  let packed = 0;
  let i = 0;
  for (; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      octet = octet * 10 + (c - 48);
      if (++digits > 3 || octet > 255) return -1;
    } else if (c === 46) {
      if (digits === 0 || parts === 3) return -1;
      packed = (packed << 8) | octet;
      parts++;
      octet = 0;
      digits = 0;
    } else if (c === 58) {
      break;
    } else {
      return -1;
    }
  }
  if (parts !== 3 || digits === 0) return -1;
  // After "a.b.c.d:" anything but another ':' or a '%' is a port to ignore (as ipHashBytes does).
  for (i++; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c === 58 || c === 37) return -1;
  }
  return packed;
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
  for (let k = 0; k < len; k++) hash = (hash * 113 + bytes[k]!) % HASH_MOD;
  return hash;
}

class IpHash implements Strategy {
  private readonly bytes = new Uint8Array(16);
  /**
   * nginx's peer walk, tabulated: `peerAt[w]` is the peer where `w` falls when walking the peers
   * subtracting their configured weights. Since the hash is below 6271, `w = hash mod total` is
   * below min(total, 6271), and so is the table.
   */
  private peerAt = new Int32Array(0);
  private total = 0;
  private n = 0;
  private readonly rr = new SmoothWrr(1);

  pick(view: PickView, req: Readonly<RequestInfo>): number {
    if (view.count === 0) return -1;
    if (this.n < 2) return this.rr.pick(view);
    const bytes = this.bytes;
    const packed = ipv4Prefix(req.clientAddr);
    let len = 3;
    if (packed >= 0) {
      bytes[0] = packed >>> 16;
      bytes[1] = (packed >>> 8) & 255;
      bytes[2] = packed & 255;
    } else {
      len = ipHashBytes(req.clientAddr, bytes);
    }
    const peerAt = this.peerAt;
    const total = this.total;
    const eligible = view.eligible;
    let hash = 89;
    for (let tries = 0; ; ) {
      hash = ipHashStep(hash, bytes, len);
      const p = peerAt[hash % total]!;
      if (eligible[p] === 1) return p;
      if (++tries > 20) return this.rr.pick(view);
    }
  }

  rebuild(specs: readonly BackendSpec[]): void {
    let t = 0;
    for (const spec of specs) t += spec.weight;
    const table = new Int32Array(Math.min(t, HASH_MOD));
    let w = 0;
    for (let i = 0; i < specs.length && w < table.length; i++) {
      // nginx: while w >= weight: w -= weight, next peer. So peer i owns [cum(i−1), cum(i)).
      const end = Math.min(w + specs[i]!.weight, table.length);
      for (; w < end; w++) table[w] = i;
    }
    this.peerAt = table;
    this.total = t;
    this.n = specs.length;
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
  cost: 'O(1)',
  create(): Strategy {
    return new IpHash();
  },
};
