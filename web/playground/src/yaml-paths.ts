/**
 * Field paths ↔ places in the YAML text. The CLI names a problem by its field path
 * (`backends[2].service.mean`); the editor needs the characters to underline. And the editor's hover
 * and completion need the field path at the cursor. Both walk the syntax tree of the `yaml` library
 * (the parser the CLI uses), whose nodes carry their source ranges.
 */
import { isMap, isScalar, isSeq, parseDocument, type Document, type Node as YamlNode, type Pair } from 'yaml';

/** A field path: keys and list indices. */
export type FieldPath = (string | number)[];

/** The segments of a path as the CLI formats it (`a.b[2].c`, see `formatPath` in src/input/errors.ts). */
export function parsePath(path: string): FieldPath {
  const out: FieldPath = [];
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path)) !== null) out.push(m[2] !== undefined ? Number(m[2]) : m[1]!);
  return out;
}

/** Parses YAML for its tree (never throws; errors are in `doc.errors`). */
export function yamlTree(text: string): Document.Parsed {
  return parseDocument(text, { uniqueKeys: false, prettyErrors: false });
}

function keyText(pair: Pair<unknown, unknown>): string {
  return isScalar(pair.key) ? String(pair.key.value) : '';
}

function range(node: unknown): [number, number] | null {
  const r = (node as YamlNode | null)?.range;
  return r ? [r[0], r[1]] : null;
}

/**
 * Characters to mark for a problem at `path`: the value of the field (or its key, for an unknown
 * key), else the key of the deepest field that exists on the path (a missing field is marked at
 * its parent), else the first line.
 */
export function rangeOfPath(doc: Document.Parsed, path: FieldPath, markKey = false): { from: number; to: number; exact: boolean } {
  let node: unknown = doc.contents;
  let best: [number, number] | null = null;
  for (let i = 0; i < path.length; i++) {
    const seg = path[i]!;
    const last = i === path.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => keyText(p) === String(seg));
      if (!pair) return fallback(best);
      const k = range(pair.key);
      if (last) {
        const v = range(pair.value);
        const r = markKey || !v || v[0] === v[1] ? k : v;
        return r ? { from: r[0], to: r[1], exact: true } : fallback(best);
      }
      best = k ?? best;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg];
      const r = range(item);
      if (!item || !r) return fallback(best);
      if (last) return { from: r[0], to: r[1], exact: true };
      best = isMap(item) || isSeq(item) ? [r[0], Math.min(r[1], r[0] + 1)] : r;
      node = item;
    } else return fallback(best);
  }
  const r = range(node);
  return r ? { from: r[0], to: r[1], exact: true } : fallback(best);
}

function fallback(best: [number, number] | null): { from: number; to: number; exact: boolean } {
  return best ? { from: best[0], to: best[1], exact: false } : { from: 0, to: 0, exact: false };
}

/** What is at a position: a key or a scalar value, its field path and its characters. */
export interface Located {
  path: FieldPath;
  on: 'key' | 'value';
  from: number;
  to: number;
}

/** The key or scalar value under `pos` (for hover help), or null. */
export function locateAt(doc: Document.Parsed, pos: number): Located | null {
  let node: unknown = doc.contents;
  const path: FieldPath = [];
  for (;;) {
    if (isMap(node)) {
      let next: unknown = undefined;
      for (const pair of node.items) {
        const k = range(pair.key);
        if (k && pos >= k[0] && pos <= k[1]) return { path: [...path, keyText(pair)], on: 'key', from: k[0], to: k[1] };
        const v = (pair.value as YamlNode | null)?.range;
        if (v && pos >= v[0] && pos <= v[1]) {
          path.push(keyText(pair));
          next = pair.value;
          break;
        }
      }
      if (next === undefined) return null;
      node = next;
    } else if (isSeq(node)) {
      const i = node.items.findIndex((it) => {
        const r = (it as YamlNode | null)?.range;
        return r != null && pos >= r[0] && pos <= r[1];
      });
      if (i < 0) return null;
      path.push(i);
      node = node.items[i];
    } else if (isScalar(node) && node.range) {
      return { path, on: 'value', from: node.range[0], to: node.range[1] };
    } else return null;
  }
}

/** A marker spliced in at the cursor so the tree tells what the cursor is in (see {@link contextAt}). */
const MARK = 'zzlbsimcursorzz';

/** Where the cursor is, for completion: typing a key of the mapping at `path`, or a value of the field at `path`. */
export interface CursorContext {
  path: FieldPath;
  on: 'key' | 'value';
  /** The word typed so far, and where it starts. */
  prefix: string;
  from: number;
  /** The document's value with the marker in place (keys already present, sibling values). */
  value: unknown;
}

function findMark(node: unknown, path: FieldPath): { path: FieldPath; on: 'key' | 'value' } | null {
  if (isMap(node)) {
    for (const pair of node.items) {
      const k = keyText(pair);
      if (k.includes(MARK)) return { path, on: 'key' };
      const r = findMark(pair.value, [...path, k]);
      if (r) return r;
    }
  } else if (isSeq(node)) {
    for (let i = 0; i < node.items.length; i++) {
      const r = findMark(node.items[i], [...path, i]);
      if (r) return r;
    }
  } else if (isScalar(node) && String(node.value).includes(MARK)) return { path, on: 'value' };
  return null;
}

/** Removes the marker (and a key that is only the marker) from a parsed value. */
function unmark(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(unmark);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (!k.includes(MARK)) out[k] = unmark(x);
    return out;
  }
  return typeof v === 'string' && v.includes(MARK) ? v.replace(MARK, '') : v;
}

/**
 * The completion context at `pos`: the marker is spliced in at the cursor (the YAML parser recovers
 * from the half-typed line), then found in the tree: in a key, the cursor is typing a key of that
 * mapping; in a scalar, a value of that field.
 */
export function contextAt(text: string, pos: number): CursorContext | null {
  const before = text.slice(0, pos);
  const prefix = /[A-Za-z0-9_.-]*$/.exec(before)?.[0] ?? '';
  const doc = yamlTree(before + MARK + text.slice(pos));
  const found = findMark(doc.contents, []);
  if (!found) return null;
  return { ...found, prefix, from: pos - prefix.length, value: unmark(doc.toJS({ maxAliasCount: 100 })) };
}

/** The value at `path` inside a parsed document value. */
export function valueAt(root: unknown, path: FieldPath): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string | number, unknown>)[seg];
  }
  return v;
}
