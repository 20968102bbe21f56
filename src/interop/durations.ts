/**
 * Time values in proxy configs, to and from milliseconds.
 *
 * - nginx (`ngx_parse_time`, "Measurement units" in the nginx docs): integers with units `ms`, `s`,
 *   `m`, `h`, `d`, `w`, `M` (30 days), `y` (365 days), combinable largest first (`1h30m`); a bare
 *   number is seconds.
 * - HAProxy (configuration manual §2.5 "Time format"): an integer with `us`, `ms`, `s`, `m`, `h` or
 *   `d`; a bare number is milliseconds.
 * - Envoy (protobuf JSON mapping of `google.protobuf.Duration`): decimal seconds with an `s` suffix
 *   (`"30s"`, `"0.5s"`), or `{seconds, nanos}`.
 * Scenario files take lbsim durations (`10s`, `250ms`), written by {@link scenarioDuration}.
 */

const NGINX_UNITS: Record<string, number> = {
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
  w: 7 * 86_400_000,
  M: 30 * 86_400_000,
  y: 365 * 86_400_000,
};

/** Parses an nginx time (`10s`, `1m30s`, `500ms`, `30` = 30 s) to ms; NaN when malformed. */
export function parseNginxTime(text: string): number {
  const s = text.replace(/\s+/g, '');
  if (s === '') return Number.NaN;
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const re = /(\d+)(ms|s|m|h|d|w|M|y)/gy;
  let total = 0;
  let end = 0;
  for (let m = re.exec(s); m !== null; m = re.exec(s)) {
    total += Number(m[1]) * NGINX_UNITS[m[2]!]!;
    end = re.lastIndex;
  }
  return end === s.length ? total : Number.NaN;
}

const HAPROXY_UNITS: Record<string, number> = { us: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses an HAProxy time (`5s`, `500`, `2m`; a bare number is ms) to ms; NaN when malformed. */
export function parseHaproxyTime(text: string): number {
  const m = /^(\d+)(us|ms|s|m|h|d)?$/.exec(text.trim());
  if (!m) return Number.NaN;
  return Number(m[1]) * HAPROXY_UNITS[m[2] ?? 'ms']!;
}

/** Parses an Envoy duration (`"30s"`, `"0.25s"`, `{seconds, nanos}`) to ms; NaN when malformed. */
export function parseEnvoyDuration(value: unknown): number {
  if (typeof value === 'string') {
    const m = /^\s*(\d+(?:\.\d+)?)s\s*$/.exec(value);
    return m ? Number(m[1]) * 1000 : Number.NaN;
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    const seconds = v.seconds === undefined ? 0 : Number(v.seconds);
    const nanos = v.nanos === undefined ? 0 : Number(v.nanos);
    if (Object.keys(v).some((k) => k !== 'seconds' && k !== 'nanos')) return Number.NaN;
    if (!(Number.isFinite(seconds) && Number.isFinite(nanos) && seconds >= 0 && nanos >= 0)) return Number.NaN;
    return seconds * 1000 + nanos / 1e6;
  }
  return Number.NaN;
}

/** Writes ms in nginx or HAProxy syntax: whole seconds as `30s`, minutes as `2m`, else `250ms`. */
export function proxyTime(ms: number): string {
  const r = Math.round(ms);
  if (r % 60_000 === 0 && r >= 60_000) return `${r / 60_000}m`;
  if (r % 1000 === 0) return `${r / 1000}s`;
  return `${r}ms`;
}

/** Writes ms as an Envoy duration string (`30s`, `0.5s`). */
export function envoyDuration(ms: number): string {
  return `${+(ms / 1000).toFixed(9)}s`;
}

/** Writes ms as an lbsim scenario duration (`30s`, `2m`, `250ms`, `0.5ms`). */
export function scenarioDuration(ms: number): string {
  if (Number.isInteger(ms)) return proxyTime(ms);
  return `${+ms.toFixed(6)}ms`;
}
