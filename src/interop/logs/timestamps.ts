/**
 * Timestamp formats found in access logs, to epoch milliseconds, without `Date.parse` on the hot
 * path (a log has millions of lines, and consecutive lines share the same second: the epoch of the
 * last second seen is cached, so most lines cost a string comparison and a few digit reads).
 *
 * - Common Log Format `dd/Mon/yyyy:HH:MM:SS ±hhmm` (nginx `$time_local`,
 *   ngx_http_log_module.c `ngx_http_log_time`; 1 s resolution), the same with `.mmm` and no zone
 *   (HAProxy `%tr`/`%t`, "06/Feb/2009:12:14:14.655", local time without an offset: read as UTC,
 *   which shifts every line equally and so changes no interval);
 * - ISO 8601 / RFC 3339 `yyyy-mm-ddTHH:MM:SS[.fff][Z|±hh:mm]` (nginx `$time_iso8601`, Envoy
 *   `%START_TIME%` whose default is `%Y-%m-%dT%H:%M:%S.%3fZ`).
 * Both return NaN for text that is not such a time.
 */

const MONTHS: Record<string, number> = { Jan: 0, Feb: 1, Mar: 2, Apr: 3, May: 4, Jun: 5, Jul: 6, Aug: 7, Sep: 8, Oct: 9, Nov: 10, Dec: 11 };

function digits(s: string, from: number, n: number): number {
  let v = 0;
  for (let k = from; k < from + n; k++) {
    const c = s.charCodeAt(k) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

/** A parser with a one-entry cache of the seconds part. */
class Cached {
  private key = '';
  private value = NaN;
  constructor(
    private readonly secondsLength: number,
    private readonly parseSeconds: (s: string) => number,
  ) {}
  seconds(s: string): number {
    const key = s.length >= this.secondsLength ? s.slice(0, this.secondsLength) : s;
    if (key === this.key) return this.value;
    this.key = key;
    this.value = this.parseSeconds(key);
    return this.value;
  }
}

const clfSeconds = new Cached(20, (s) => {
  // dd/Mon/yyyy:HH:MM:SS
  if (s.length < 20 || s[2] !== '/' || s[6] !== '/' || s[11] !== ':') return NaN;
  const month = MONTHS[s.slice(3, 6)];
  if (month === undefined) return NaN;
  return Date.UTC(digits(s, 7, 4), month, digits(s, 0, 2), digits(s, 12, 2), digits(s, 15, 2), digits(s, 18, 2));
});

/**
 * `10/Oct/2000:13:55:36 -0700` (nginx `$time_local`) or `06/Feb/2009:12:14:14.655` (HAProxy) to
 * epoch ms; the zone offset, when present, is applied.
 */
export function parseClfTime(s: string): number {
  let t = clfSeconds.seconds(s);
  if (Number.isNaN(t)) return NaN;
  let k = 20;
  if (s[k] === '.') {
    let frac = 0;
    let scale = 100;
    for (k = 21; k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57; k++) {
      frac += (s.charCodeAt(k) - 48) * scale;
      scale /= 10;
    }
    t += frac;
  }
  if (k === s.length) return t;
  if (s[k] !== ' ' || s.length !== k + 6) return NaN;
  const sign = s[k + 1] === '-' ? -1 : s[k + 1] === '+' ? 1 : 0;
  const off = digits(s, k + 2, 2) * 60 + digits(s, k + 4, 2);
  if (sign === 0 || Number.isNaN(off)) return NaN;
  return t - sign * off * 60_000;
}

const isoSeconds = new Cached(19, (s) => {
  // yyyy-mm-ddTHH:MM:SS
  if (s.length < 19 || s[4] !== '-' || s[7] !== '-' || (s[10] !== 'T' && s[10] !== ' ') || s[13] !== ':' || s[16] !== ':') return NaN;
  return Date.UTC(digits(s, 0, 4), digits(s, 5, 2) - 1, digits(s, 8, 2), digits(s, 11, 2), digits(s, 14, 2), digits(s, 17, 2));
});

/** ISO 8601 / RFC 3339 (`2024-02-28T10:15:30.123Z`, `2000-10-10T13:55:36+02:00`) to epoch ms. */
export function parseIsoTime(s: string): number {
  let t = isoSeconds.seconds(s);
  if (Number.isNaN(t)) return NaN;
  let k = 19;
  if (s[k] === '.' || s[k] === ',') {
    let scale = 100;
    for (k++; k < s.length && s.charCodeAt(k) >= 48 && s.charCodeAt(k) <= 57; k++) {
      t += (s.charCodeAt(k) - 48) * scale;
      scale /= 10;
    }
  }
  if (k === s.length || (s[k] === 'Z' && k + 1 === s.length)) return t;
  const sign = s[k] === '-' ? -1 : s[k] === '+' ? 1 : 0;
  if (sign === 0) return NaN;
  const rest = s.slice(k + 1).replace(':', '');
  if (rest.length !== 4) return NaN;
  const off = digits(rest, 0, 2) * 60 + digits(rest, 2, 2);
  return Number.isNaN(off) ? NaN : t - sign * off * 60_000;
}

/** Whether a timestamp text carries sub-second digits (ms resolution) — for the resolution note. */
export function hasFraction(s: string): boolean {
  return /[.,]\d/.test(s);
}
