/**
 * URL patterns: the class of a request (`GET /api/items/{n}`) from its method and URI, shared by the
 * log fit (`accumulate.ts`) and trace replay (`src/sim/model/trace-load.ts`). A module of its own so
 * that replaying a trace loads no part of the fit (its sketches).
 */
/** What a path segment becomes: itself, `{n}` (all digits) or `{id}` (an identifier-like token). */
function segmentKind(p: string, from: number, to: number): 0 | 1 | 2 {
  const len = to - from;
  if (len === 0) return 0;
  let digits = 0;
  let hex = 0;
  let word = 0;
  for (let k = from; k < to; k++) {
    const c = p.charCodeAt(k);
    if (c >= 48 && c <= 57) digits++;
    else if ((c >= 97 && c <= 102) || (c >= 65 && c <= 70)) hex++;
    else if (!((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 45)) return 0;
    else word++;
  }
  if (digits === len) return 1;
  if (len >= 8 && digits + hex === len) return 2;
  if (len >= 16 && digits > 0 && digits + hex + word === len) return 2;
  return 0;
}

/**
 * `GET /api/items/123?x=1` → `GET /api/items/{n}`: the query dropped, numeric segments → `{n}`,
 * hex ids (8+ digits), UUIDs and long tokens with digits (16+ characters) → `{id}`, at most 6
 * segments. One pass over the characters, no regular expression (it runs once per line).
 */
export function urlPattern(method: string, uri: string): string {
  const q = uri.indexOf('?');
  const end = q < 0 ? uri.length : q;
  let out = '';
  let changed = false;
  let seg = 0;
  let from = uri.charCodeAt(0) === 47 ? 1 : 0;
  const lead = from === 1 ? '/' : '';
  while (from <= end && seg < 6) {
    let to = uri.indexOf('/', from);
    if (to < 0 || to > end) to = end;
    const kind = segmentKind(uri, from, to);
    if (kind !== 0) changed = true;
    out += (seg > 0 ? '/' : lead) + (kind === 1 ? '{n}' : kind === 2 ? '{id}' : uri.slice(from, to));
    seg++;
    from = to + 1;
  }
  if (from <= end) {
    out += '/…';
    changed = true;
  }
  const path = changed ? out : uri.slice(0, end);
  return method ? `${method} ${path}` : path;
}
