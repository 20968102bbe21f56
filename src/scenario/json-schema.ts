/**
 * The JSON Schema (draft-07) of a scenario file, generated from the zod schema that validates it
 * (`z.toJSONSchema` with `io: "input"`: what a file may contain, before defaults and transforms), so
 * the two cannot drift. `lbsim schema` prints it; the shipped scenarios point at the committed copy
 * (`scenario.schema.json`) with a `# yaml-language-server: $schema=` line, so editors with the YAML
 * language server validate and complete them; the playground drives its hover help and completion
 * with it.
 *
 * What zod's conversion leaves to this module:
 *  - durations are a transform (number of ms, or a string with a unit) that JSON Schema cannot
 *    express; each is written as a reference to `definitions/duration` (a number ≥ 0, or a string
 *    matching the unit pattern of `src/core/duration.ts`);
 *  - the balancer's sections (`passive`, `outlier`, …) are parsed by hand in
 *    `src/core/balancer/settings.ts`; each is written as "false, or its mapping", and its default
 *    in file form (`failTimeout`, not the normalized `failTimeoutMs`);
 *  - defaults whose values pass through a transform are dropped by zod; they are put back from the
 *    zod default (as output values, which are valid inputs: a duration default is a number of ms);
 *  - refinements (cross-field checks such as "max > min" or "mtbf goes with mttr") stay in the
 *    validator only: the CLI and the playground report them with the same field paths;
 *  - strategies: the zod schema takes any name and checks it against the registry later; here the
 *    names are an enum (with each strategy's description) and `options` follows the named
 *    strategy's own option schema (`if`/`then` per strategy);
 *  - descriptions come from `field-docs.ts`, and the integer bound 2^53−1 zod adds is removed.
 */
import { z } from 'zod';
import { sectionSchemas } from '../core/balancer/settings.js';
import { DURATION_PATTERN, durationSchemas } from '../input/units.js';
import { STRATEGIES } from '../strategies/registry.js';
import { SCENARIO_FIELD_DOCS, STRATEGY_OPTION_DOCS } from './field-docs.js';
import { distSchema, scenarioSchema } from './schema.js';

/** A JSON Schema node (the subset this module writes and reads). */
export type JsonSchema = { [key: string]: unknown };

/** Where the committed copy lives, relative to the repository root (and to `sims/` as `../…`). */
export const SCHEMA_FILE = 'scenario.schema.json';

/** The `$id`-less title of the schema. */
const TITLE = 'lbsim scenario';

const DURATION_DEF: JsonSchema = {
  description: 'A duration: a number of milliseconds, or a string with a unit: us, ms, s, m or h (250us, 1.5ms, 60s, 2m).',
  anyOf: [
    { type: 'number', minimum: 0 },
    // Negative strings never validate (every duration is ≥ 0), so the pattern leaves out the sign.
    { type: 'string', pattern: DURATION_PATTERN.replace('-?', '') },
  ],
};

function isObj(x: unknown): x is JsonSchema {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** A default value worth writing into the schema: JSON, and short enough to read in a hover. */
function usableDefault(v: unknown): boolean {
  if (v === undefined || typeof v === 'function') return false;
  const s = JSON.stringify(v);
  return s !== undefined && s.length <= 120;
}

type ZodInternals = { _zod: { def: { type: string; defaultValue?: unknown; innerType?: unknown } } };

/** A normalized section value in file form: `failTimeoutMs` → `failTimeout` for its duration keys. */
function fileForm(value: unknown, durations: readonly string[]): unknown {
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const name = k.endsWith('Ms') && durations.includes(k.slice(0, -2)) ? k.slice(0, -2) : k;
    out[name] = v;
  }
  return out;
}

/** zod's conversion with the duration and default fixes of the module header. */
function convert(schema: z.ZodType, metadata?: z.core.$ZodRegistry<{ id?: string }>): JsonSchema {
  return z.toJSONSchema(schema, {
    io: 'input',
    target: 'draft-07',
    ...(metadata ? { metadata } : {}),
    override(ctx) {
      const json = ctx.jsonSchema as JsonSchema;
      if (durationSchemas.has(ctx.zodSchema)) {
        for (const k of Object.keys(json)) delete json[k];
        json['$ref'] = '#/definitions/duration';
        return;
      }
      const section = sectionSchemas.get(ctx.zodSchema);
      if (section) {
        // A balancer section (src/core/balancer/settings.ts): false, or its mapping.
        const { $schema: _s, ...fields } = convert(section.fields as z.ZodType);
        for (const k of Object.keys(json)) delete json[k];
        json['anyOf'] = [{ type: 'boolean', const: false }, fields];
        return;
      }
      const def = (ctx.zodSchema as unknown as ZodInternals)._zod.def;
      if (def.type === 'default') {
        const inner = sectionSchemas.get(def.innerType as z.core.$ZodType);
        const value = inner ? fileForm(def.defaultValue, inner.durations) : def.defaultValue;
        if (usableDefault(value)) json['default'] = value;
      }
    },
  }) as JsonSchema;
}

/**
 * Tidies every node under `node`: removes zod's `maximum: 2^53 − 1` on integers, and moves a `$ref`
 * that has sibling keywords into `allOf` (draft-07 ignores the siblings of a `$ref`, so a
 * description or default beside it would be lost on some editors).
 */
function tidy(node: unknown): void {
  if (Array.isArray(node)) {
    for (const x of node) tidy(x);
    return;
  }
  if (!isObj(node)) return;
  if (node['maximum'] === Number.MAX_SAFE_INTEGER) delete node['maximum'];
  if (node['minimum'] === Number.MIN_SAFE_INTEGER) delete node['minimum'];
  if (typeof node['$ref'] === 'string' && Object.keys(node).length > 1) {
    const ref = node['$ref'];
    delete node['$ref'];
    node['allOf'] = [{ $ref: ref }, ...(Array.isArray(node['allOf']) ? node['allOf'] : [])];
  }
  for (const v of Object.values(node)) tidy(v);
}

/**
 * Calls `visit(path, node)` for every property schema under `node` (paths as in field-docs:
 * `a.b`, `a[].b`), through anyOf/oneOf/allOf branches, without following `$ref`.
 */
export function eachProperty(node: unknown, path: string, visit: (path: string, schema: JsonSchema) => void): void {
  if (!isObj(node)) return;
  const props = node['properties'];
  if (isObj(props)) {
    for (const [k, v] of Object.entries(props)) {
      const p = path === '' ? k : `${path}.${k}`;
      if (isObj(v)) visit(p, v);
      eachProperty(v, p, visit);
    }
  }
  if (isObj(node['items'])) eachProperty(node['items'], `${path}[]`, visit);
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const list = node[key];
    if (Array.isArray(list)) for (const b of list) eachProperty(b, path, visit);
  }
}

/** The `strategies` property: `all` or a list of registered names / `{ name, label, options }`. */
function strategiesSchema(): JsonSchema {
  const names = STRATEGIES.map((s) => s.name);
  const nameSchema: JsonSchema = {
    type: 'string',
    enum: names,
    // Read by the playground's completion (and by editors that show enum descriptions).
    enumDescriptions: STRATEGIES.map((s) => s.description),
  };
  const perStrategy = STRATEGIES.map((s) => {
    const options = convert(s.options as z.ZodType);
    delete options['$schema'];
    eachProperty(options, '', (path, node) => {
      const doc = STRATEGY_OPTION_DOCS[`${s.name}.${path}`];
      if (doc) node['description'] = doc;
    });
    options['description'] = `Options of ${s.name}.`;
    return { if: { properties: { name: { const: s.name } }, required: ['name'] }, then: { properties: { options } } };
  });
  return {
    default: 'all',
    anyOf: [
      { type: 'string', const: 'all' },
      {
        type: 'array',
        minItems: 1,
        items: {
          anyOf: [
            { ...nameSchema },
            {
              type: 'object',
              properties: {
                name: { ...nameSchema },
                label: { type: 'string', minLength: 1 },
                options: { type: 'object', default: {} },
              },
              required: ['name'],
              additionalProperties: false,
              allOf: perStrategy,
            },
          ],
        },
      },
    ],
  };
}

/** The JSON Schema of a scenario file (see the module header). */
export function scenarioJsonSchema(): JsonSchema {
  const metadata = z.registry<{ id?: string }>();
  metadata.add(distSchema as z.ZodType, { id: 'distribution' });
  const raw = convert(scenarioSchema, metadata);
  const properties = raw['properties'] as Record<string, JsonSchema>;
  properties['strategies'] = strategiesSchema();
  const definitions = { ...((raw['definitions'] as Record<string, JsonSchema> | undefined) ?? {}), duration: DURATION_DEF };
  eachProperty(raw, '', (path, node) => {
    const doc = SCENARIO_FIELD_DOCS[path];
    if (doc) node['description'] = doc;
  });
  for (const [name, def] of Object.entries(definitions)) {
    eachProperty(def, name, (path, node) => {
      const doc = SCENARIO_FIELD_DOCS[path];
      if (doc) node['description'] = doc;
    });
  }
  tidy(raw);
  tidy(definitions);
  const { $schema: _drop, properties: _p, definitions: _d, ...rest } = raw;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: TITLE,
    description:
      'A load-balancing scenario for lbsim: clients, backends, balancer settings, strategies to compare, faults. Durations are ms or strings with a unit (60s).',
    ...rest,
    properties,
    definitions,
  };
}
