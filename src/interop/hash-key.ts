/**
 * Hash keys across proxies: what nginx `hash <key>`, HAProxy `balance source|uri|url_param|hdr|
 * rdp-cookie|hash <expr>` and an Envoy route's `hash_policy` hash, as one proxy-neutral
 * {@link HashKey}. nginx variables follow the nginx docs (`$remote_addr`, `$request_uri`, `$uri`,
 * `$http_<name>`, `$cookie_<name>`, `$arg_<name>`); HAProxy's follow the configuration manual's
 * `balance` keyword (`uri` hashes the path, `uri whole` the path and query). A key with no
 * equivalent in the target format stays `raw` and the exporter warns.
 */
import type { HashKey, ProxyFormat } from './types.js';

/** Reads an nginx hash key (`$request_uri`, `$http_x_user`, …). */
export function hashKeyFromNginx(expr: string): HashKey {
  if (expr === '$remote_addr' || expr === '$binary_remote_addr') return { kind: 'client' };
  if (expr === '$request_uri') return { kind: 'uri' };
  if (expr === '$uri' || expr === '$document_uri') return { kind: 'path' };
  let m = /^\$http_([a-z0-9_]+)$/i.exec(expr);
  if (m) return { kind: 'header', name: m[1]!.toLowerCase().replace(/_/g, '-') };
  m = /^\$cookie_([A-Za-z0-9_]+)$/.exec(expr);
  if (m) return { kind: 'cookie', name: m[1]! };
  m = /^\$arg_([A-Za-z0-9_]+)$/.exec(expr);
  if (m) return { kind: 'param', name: m[1]! };
  return { kind: 'raw', format: 'nginx', expr };
}

/** Writes a hash key as an nginx variable expression, or null when nginx has no equivalent. */
export function hashKeyToNginx(key: HashKey): string | null {
  switch (key.kind) {
    case 'client':
      return '$remote_addr';
    case 'uri':
      return '$request_uri';
    case 'path':
      return '$uri';
    case 'header':
      return /^[A-Za-z0-9_-]+$/.test(key.name) ? `$http_${key.name.toLowerCase().replace(/-/g, '_')}` : null;
    case 'cookie':
      return /^[A-Za-z0-9_]+$/.test(key.name) ? `$cookie_${key.name}` : null;
    case 'param':
      return /^[A-Za-z0-9_]+$/.test(key.name) ? `$arg_${key.name}` : null;
    case 'raw':
      return key.format === 'nginx' ? key.expr : null;
  }
}

/**
 * Reads the key of an HAProxy hashing `balance` algorithm from its words (`['uri', 'whole']`,
 * `['hdr(Host)']`, `['hash', 'req.cook(sid)']`); `extra` lists parameters lbsim ignores.
 */
export function hashKeyFromHaproxy(words: readonly string[]): { key: HashKey; extra: string[] } {
  const [algo = '', ...rest] = words;
  const lower = algo.toLowerCase();
  if (lower === 'source') return { key: { kind: 'client' }, extra: rest };
  if (lower === 'uri') {
    const whole = rest.includes('whole');
    const extra = rest.filter((w) => w !== 'whole');
    return { key: whole ? { kind: 'uri' } : { kind: 'path' }, extra };
  }
  if (lower === 'url_param') {
    return { key: { kind: 'param', name: rest[0] ?? '' }, extra: rest.slice(1) };
  }
  let m = /^hdr\(([^)]*)\)$/i.exec(algo);
  if (m) return { key: { kind: 'header', name: m[1]!.trim().toLowerCase() }, extra: rest };
  m = /^rdp-cookie(?:\(([^)]*)\))?$/i.exec(algo);
  if (m) return { key: { kind: 'cookie', name: (m[1] ?? 'mstshash').trim() }, extra: rest };
  if (lower === 'hash') {
    const expr = rest.join(' ');
    const e = expr.trim();
    if (e === 'src') return { key: { kind: 'client' }, extra: [] };
    if (e === 'url') return { key: { kind: 'uri' }, extra: [] };
    if (e === 'path') return { key: { kind: 'path' }, extra: [] };
    m = /^req\.cook\(([^)]+)\)$/.exec(e);
    if (m) return { key: { kind: 'cookie', name: m[1]!.trim() }, extra: [] };
    m = /^req\.hdr\(([^),]+)\)$/.exec(e);
    if (m) return { key: { kind: 'header', name: m[1]!.trim().toLowerCase() }, extra: [] };
    m = /^url_param\(([^),]+)\)$/.exec(e);
    if (m) return { key: { kind: 'param', name: m[1]!.trim() }, extra: [] };
    return { key: { kind: 'raw', format: 'haproxy', expr: e }, extra: [] };
  }
  return { key: { kind: 'raw', format: 'haproxy', expr: words.join(' ') }, extra: [] };
}

/** Writes a hash key as HAProxy `balance` arguments, or null when HAProxy has no equivalent. */
export function hashKeyToHaproxy(key: HashKey): string | null {
  switch (key.kind) {
    case 'client':
      return 'source';
    case 'uri':
      return 'uri whole';
    case 'path':
      return 'uri';
    case 'header':
      return `hdr(${key.name})`;
    case 'cookie':
      return `hash req.cook(${key.name})`;
    case 'param':
      return `url_param ${key.name}`;
    case 'raw':
      return key.format === 'haproxy' ? `hash ${key.expr}` : null;
  }
}

/** An Envoy route `hash_policy` entry for the key, or null when Envoy has no equivalent. */
export function hashKeyToEnvoy(key: HashKey): Record<string, unknown> | null {
  switch (key.kind) {
    case 'client':
      return { connection_properties: { source_ip: true } };
    case 'uri':
    case 'path':
      return { header: { header_name: ':path' } };
    case 'header':
      return { header: { header_name: key.name } };
    case 'cookie':
      return { cookie: { name: key.name } };
    case 'param':
      return { query_parameter: { name: key.name } };
    case 'raw':
      return null;
  }
}

/** Serializes a key for the scenario description (`header x-user`, `raw nginx $a$b`). */
export function formatHashKey(key: HashKey): string {
  switch (key.kind) {
    case 'client':
    case 'uri':
    case 'path':
      return key.kind;
    case 'header':
    case 'cookie':
    case 'param':
      return `${key.kind} ${key.name}`;
    case 'raw':
      return `raw ${key.format} ${key.expr}`;
  }
}

/** Parses {@link formatHashKey}'s output; undefined when it is not one. */
export function parseHashKey(text: string): HashKey | undefined {
  const t = text.trim();
  if (t === 'client' || t === 'uri' || t === 'path') return { kind: t };
  let m = /^(header|cookie|param) (\S+)$/.exec(t);
  if (m) return { kind: m[1] as 'header' | 'cookie' | 'param', name: m[2]! };
  m = /^raw (nginx|haproxy|envoy) (.+)$/.exec(t);
  if (m) return { kind: 'raw', format: m[1] as ProxyFormat, expr: m[2]! };
  return undefined;
}

/** A short human description of the key (`the client address`, `header x-user`). */
export function describeHashKey(key: HashKey): string {
  switch (key.kind) {
    case 'client':
      return 'the client address';
    case 'uri':
      return 'the request URI with its query';
    case 'path':
      return 'the request path';
    case 'header':
      return `header ${key.name}`;
    case 'cookie':
      return `cookie ${key.name}`;
    case 'param':
      return `query parameter ${key.name}`;
    case 'raw':
      return `${key.format} expression ${key.expr}`;
  }
}
