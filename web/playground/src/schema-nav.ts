/**
 * Reading the scenario's JSON Schema (`lbsim schema`, built into the page) at a field path: the
 * schemas a field may follow (through `$ref`, `allOf`, `anyOf`/`oneOf` and the `if`/`then` that
 * ties a strategy's `options` to its name), narrowed by the document's own values where a branch
 * fixes one (`dist: exponential` picks the exponential branch). Feeds hover help and completion.
 */
import type { FieldPath } from './yaml-paths.js';
import { valueAt } from './yaml-paths.js';

/** A JSON Schema node. */
export type Schema = { [key: string]: unknown };

function isObj(x: unknown): x is Schema {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

function deref(root: Schema, s: Schema): Schema {
  const ref = s['$ref'];
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return s;
  let node: unknown = root;
  for (const part of ref.slice(2).split('/')) node = isObj(node) ? node[part] : undefined;
  return isObj(node) ? node : {};
}

/** Does `value` satisfy the `if` schema's `properties.*.const` and `required` (the only forms used)? */
function ifHolds(cond: Schema, value: unknown): boolean {
  if (!isObj(value)) return false;
  const required = Array.isArray(cond['required']) ? (cond['required'] as string[]) : [];
  if (required.some((k) => !(k in value))) return false;
  const props = isObj(cond['properties']) ? cond['properties'] : {};
  return Object.entries(props).every(([k, p]) => !isObj(p) || !('const' in p) || value[k] === p['const']);
}

/**
 * The schema alternatives `s` stands for: `$ref` followed, `anyOf`/`oneOf` spread, `allOf` and
 * `then` (when `value` satisfies the `if`) merged into each alternative.
 */
export function alternatives(root: Schema, s: Schema, value: unknown): Schema[] {
  const node = deref(root, s);
  const own: Schema = { ...node };
  delete own['anyOf'];
  delete own['oneOf'];
  delete own['allOf'];
  let base: Schema[] = [own];
  for (const part of Array.isArray(node['allOf']) ? (node['allOf'] as unknown[]) : []) {
    if (!isObj(part)) continue;
    if (isObj(part['if'])) {
      if (ifHolds(part['if'], value) && isObj(part['then'])) base = base.map((b) => merge(b, deref(root, part['then'] as Schema)));
      continue;
    }
    const alts = alternatives(root, part, value);
    base = base.flatMap((b) => alts.map((a) => merge(b, a)));
  }
  const branches = [...((node['anyOf'] as unknown[]) ?? []), ...((node['oneOf'] as unknown[]) ?? [])].filter(isObj);
  if (branches.length === 0) return base;
  const alts = branches.flatMap((b) => alternatives(root, b, value));
  return base.flatMap((b) => alts.map((a) => merge(b, a)));
}

/** `a` with `b`'s keywords added (`properties` merged key by key; `a`'s description wins). */
function merge(a: Schema, b: Schema): Schema {
  const out: Schema = { ...b, ...a };
  if (isObj(a['properties']) || isObj(b['properties'])) {
    const props: Schema = { ...(isObj(b['properties']) ? b['properties'] : {}) };
    for (const [k, v] of Object.entries(isObj(a['properties']) ? a['properties'] : {})) {
      props[k] = isObj(props[k]) && isObj(v) ? { allOf: [props[k], v] } : v;
    }
    out['properties'] = props;
  }
  for (const k of ['type', 'required']) if (a[k] === undefined && b[k] !== undefined) out[k] = b[k];
  return out;
}

/** Drops object alternatives whose fixed (`const`) properties disagree with `value` (e.g. another `dist`). */
function narrow(alts: Schema[], value: unknown): Schema[] {
  if (!isObj(value)) return alts;
  const kept = alts.filter((a) => {
    const props = isObj(a['properties']) ? a['properties'] : {};
    return Object.entries(props).every(([k, p]) => !isObj(p) || !('const' in p) || !(k in value) || value[k] === p['const']);
  });
  return kept.length > 0 ? kept : alts;
}

/** The schemas the field at `path` may follow, given the document's value `doc`. */
export function schemasAt(root: Schema, path: FieldPath, doc: unknown): Schema[] {
  let current = narrow(alternatives(root, root, doc), doc);
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const parentValue = valueAt(doc, path.slice(0, i));
    const value = valueAt(doc, path.slice(0, i + 1));
    const next: Schema[] = [];
    for (const s of narrow(current, parentValue)) {
      let child: unknown;
      if (typeof seg === 'number') child = s['items'];
      else {
        const props = isObj(s['properties']) ? s['properties'] : {};
        child = props[seg] ?? (isObj(s['additionalProperties']) ? s['additionalProperties'] : undefined);
      }
      if (isObj(child)) next.push(...alternatives(root, child, value));
    }
    current = narrow(next, value);
    if (current.length === 0) return [];
  }
  return current;
}

/** The first description among the alternatives. */
export function descriptionOf(alts: readonly Schema[]): string | undefined {
  for (const a of alts) if (typeof a['description'] === 'string') return a['description'];
  return undefined;
}

/** Type names of the alternatives, e.g. `number | string | false`. */
export function typeSummary(alts: readonly Schema[]): string {
  const out: string[] = [];
  const add = (t: string): void => {
    if (!out.includes(t)) out.push(t);
  };
  for (const a of alts) {
    if ('const' in a) add(JSON.stringify(a['const']));
    else if (Array.isArray(a['enum'])) add(`one of ${(a['enum'] as unknown[]).map((x) => String(x)).join(', ')}`);
    else if (typeof a['pattern'] === 'string' && a['type'] === 'string') add('duration string (60s, 250ms)');
    else if (typeof a['type'] === 'string') add(a['type'] === 'object' && isObj(a['properties']) ? 'mapping' : a['type'] === 'array' ? 'list' : a['type']);
    else if (Array.isArray(a['type'])) for (const t of a['type'] as string[]) add(t);
  }
  return out.join(' | ');
}

/** The default among the alternatives, as JSON text. */
export function defaultOf(alts: readonly Schema[]): string | undefined {
  for (const a of alts) if ('default' in a) return JSON.stringify(a['default']);
  return undefined;
}

/** A property offered for completion. */
export interface KeyOption {
  key: string;
  description: string | undefined;
  type: string;
}

/** Keys the mapping at `path` may have that it does not have yet. */
export function keyOptions(root: Schema, path: FieldPath, doc: unknown): KeyOption[] {
  const present = valueAt(doc, path);
  const have = isObj(present) ? new Set(Object.keys(present)) : new Set<string>();
  const out = new Map<string, KeyOption>();
  for (const s of schemasAt(root, path, doc)) {
    const props = isObj(s['properties']) ? s['properties'] : {};
    for (const [k, p] of Object.entries(props)) {
      if (have.has(k) || out.has(k) || !isObj(p)) continue;
      const alts = alternatives(root, p, undefined);
      out.set(k, { key: k, description: descriptionOf([p, ...alts]), type: typeSummary(alts) });
    }
  }
  return [...out.values()];
}

/** A value offered for completion. */
export interface ValueOption {
  label: string;
  description: string | undefined;
}

/** Values the field at `path` may take from a fixed set (enums, constants, booleans, null). */
export function valueOptions(root: Schema, path: FieldPath, doc: unknown): ValueOption[] {
  const out = new Map<string, ValueOption>();
  const add = (v: unknown, description?: string): void => {
    const label = typeof v === 'string' ? v : JSON.stringify(v);
    if (!out.has(label)) out.set(label, { label, description });
  };
  for (const s of schemasAt(root, path, doc)) {
    if ('const' in s) add(s['const']);
    if (Array.isArray(s['enum'])) {
      const docs = Array.isArray(s['enumDescriptions']) ? (s['enumDescriptions'] as string[]) : [];
      (s['enum'] as unknown[]).forEach((v, i) => add(v, docs[i]));
    }
    if (s['type'] === 'boolean') {
      add(true);
      add(false);
    }
    if (s['type'] === 'null') add(null);
  }
  return [...out.values()];
}
