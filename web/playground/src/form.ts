/**
 * The quick-settings form: the knobs people turn most (run length and seed, arrival rate, each
 * backend group's size, workers, speed and service-time distribution, the strategies to compare).
 * It has no state of its own: it is drawn from the YAML text, and each change edits the YAML
 * through the `yaml` library's document API (comments and layout elsewhere are kept), so the
 * editor stays the one source of truth and every edit is validated the same way. A value that is
 * not valid is written as typed: the editor then shows the CLI's error at its line.
 */
import { isMap, type Document } from 'yaml';
import { writeDuration } from '../../../src/scenario/denormalize.js';
import type { Scenario } from '../../../src/scenario/types.js';
import { meanOf } from '../../../src/sim/model/distributions.js';
import { scenarioFacts } from '../../../src/sim/run.js';
import { yamlTree } from './yaml-paths.js';

/** A registered strategy as the form lists it. */
export interface StrategyInfo {
  name: string;
  description: string;
}

/** Options of {@link createQuickForm}. */
export interface QuickFormOptions {
  /** Applies an edit to the YAML document of the editor's text. */
  edit(mutate: (doc: Document) => void): void;
  strategies: readonly StrategyInfo[];
}

/** The form as the page uses it. */
export interface QuickForm {
  /** Redraws the form from the editor's text (skipped while a field of the form has focus). */
  update(text: string, scenario: Scenario | null): void;
}

type Obj = Record<string, unknown>;
const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Distributions the form can switch between, and the fields each shows. */
const DISTS: Record<string, string[][]> = {
  constant: [['value']],
  exponential: [['mean']],
  uniform: [['min', 'max']],
  lognormal: [['median', 'p99'], ['mu', 'sigma']],
  pareto: [['mean', 'shape'], ['scale', 'shape']],
  gamma: [['mean', 'shape'], ['scale', 'shape']],
};

/** A service distribution of the given kind with mean about `ms` (used when the kind is switched). */
function distWithMean(kind: string, ms: number): Obj {
  const d = (x: number) => writeDuration(x);
  switch (kind) {
    case 'constant':
      return { dist: 'constant', value: d(ms) };
    case 'uniform':
      return { dist: 'uniform', min: 0, max: d(2 * ms) };
    case 'lognormal':
      // Median ms and p99 5 × ms: a moderately skewed service time.
      return { dist: 'lognormal', median: d(ms), p99: d(5 * ms) };
    case 'pareto':
      return { dist: 'pareto', mean: d(ms), shape: 2.5 };
    case 'gamma':
      return { dist: 'gamma', mean: d(ms), shape: 2 };
    default:
      return { dist: 'exponential', mean: d(ms) };
  }
}

/** A typed value: a number when it reads as one, else the text (a duration like 30s, or an error to show). */
function typed(text: string): number | string {
  const t = text.trim();
  return t !== '' && Number.isFinite(Number(t)) ? Number(t) : t;
}

function show(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...kids: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'text') e.textContent = v;
    else e.setAttribute(k, v);
  }
  e.append(...kids);
  return e;
}

/** Draws the form into `root` (a `<form>`), bound to the editor through `opts.edit`. */
export function createQuickForm(root: HTMLFormElement, opts: QuickFormOptions): QuickForm {
  root.addEventListener('submit', (e) => e.preventDefault());

  function field(id: string, label: string, value: unknown, onChange: (v: string) => void, attrs: Record<string, string> = {}): HTMLElement {
    const input = h('input', { id, type: 'text', inputmode: attrs['inputmode'] ?? 'decimal', size: attrs['size'] ?? '7', spellcheck: 'false' });
    input.value = show(value);
    if (attrs['title']) input.title = attrs['title'];
    input.addEventListener('change', () => onChange(input.value));
    return h('label', { class: 'qf-field' }, h('span', { text: label }), input);
  }

  function runSection(v: Obj): HTMLElement {
    return h(
      'fieldset',
      { class: 'qf-group' },
      h('legend', { text: 'Run' }),
      field('qf-duration', 'duration', v['duration'] ?? '60s', (x) => opts.edit((d) => d.set('duration', typed(x))), { title: 'Measured time, e.g. 60s (a number is ms)' }),
      field('qf-seed', 'seed', v['seed'] ?? 1, (x) => opts.edit((d) => d.set('seed', typed(x))), { inputmode: 'numeric', size: '5' }),
      field('qf-replications', 'replications', v['replications'] ?? 1, (x) => opts.edit((d) => d.set('replications', typed(x))), {
        inputmode: 'numeric',
        size: '4',
      }),
    );
  }

  function loadSection(v: Obj, scenario: Scenario | null): HTMLElement {
    const c = isObj(v['clients']) ? v['clients'] : {};
    const arrival = typeof c['arrival'] === 'string' ? c['arrival'] : 'poisson';
    const box = h('fieldset', { class: 'qf-group' }, h('legend', { text: 'Load' }));
    box.append(h('span', { class: 'qf-note', text: `arrival: ${arrival}` }));
    if (arrival === 'closed') {
      box.append(field('qf-users', 'users', c['users'], (x) => opts.edit((d) => d.setIn(['clients', 'users'], typed(x))), { inputmode: 'numeric' }));
    } else if (arrival === 'trace') {
      box.append(h('span', { class: 'qf-note', text: 'access-log replay: the log is read by lbsim run, not here' }));
    } else if (arrival !== 'schedule') {
      box.append(field('qf-rate', 'rate (req/s)', c['rate'], (x) => opts.edit((d) => d.setIn(['clients', 'rate'], typed(x))), { inputmode: 'decimal' }));
    } else box.append(h('span', { class: 'qf-note', text: 'rate schedule: edit it in the YAML' }));
    if (scenario) {
      const f = scenarioFacts(scenario);
      const load = Number.isFinite(f.loadFactor) ? `${(f.loadFactor * 100).toFixed(0)} %` : '–';
      box.append(
        h('span', {
          id: 'qf-facts',
          class: 'qf-note',
          text: `offered ${f.offeredRate.toFixed(0)} req/s · capacity ${Number.isFinite(f.capacity) ? f.capacity.toFixed(0) : '∞'} req/s · load ${load}`,
        }),
      );
    }
    return box;
  }

  function serviceFields(i: number, service: unknown, normalized: Scenario['backends'][number] | undefined): HTMLElement[] {
    const s = isObj(service) ? service : {};
    const kind = typeof s['dist'] === 'string' ? s['dist'] : '';
    const select = h('select', { id: `qf-backends-${i}-dist`, 'aria-label': `service distribution of group ${i + 1}` });
    for (const k of Object.keys(DISTS)) select.append(new Option(k, k, false, k === kind));
    if (!(kind in DISTS)) {
      select.append(new Option(kind || '?', kind, false, true));
      select.lastElementChild?.setAttribute('disabled', '');
    }
    select.addEventListener('change', () => {
      const mean = normalized ? meanOf(normalized.service) : 1;
      opts.edit((d) => {
        const node = d.createNode(distWithMean(select.value, Number.isFinite(mean) && mean > 0 ? mean : 1));
        const old = d.getIn(['backends', i, 'service'], true);
        if (isMap(old) && old.flow) node.flow = true;
        d.setIn(['backends', i, 'service'], node);
      });
    });
    const out: HTMLElement[] = [h('label', { class: 'qf-field' }, h('span', { text: 'service' }), select)];
    const forms = DISTS[kind];
    if (!forms) {
      out.push(h('span', { class: 'qf-note', text: 'edit this distribution in the YAML' }));
      return out;
    }
    const keys = forms.find((f) => f.some((k) => k in s)) ?? forms[0]!;
    for (const key of keys) {
      out.push(field(`qf-backends-${i}-${key}`, key, s[key], (x) => opts.edit((d) => d.setIn(['backends', i, 'service', key], typed(x)))));
    }
    return out;
  }

  function backendsSection(v: Obj, scenario: Scenario | null): HTMLElement {
    const box = h('fieldset', { class: 'qf-group qf-backends' }, h('legend', { text: 'Backends' }));
    const groups = Array.isArray(v['backends']) ? v['backends'] : [];
    groups.forEach((g, i) => {
      const o = isObj(g) ? g : {};
      const name = typeof o['name'] === 'string' ? o['name'] : `group ${i + 1}`;
      const set = (key: string) => (x: string) => opts.edit((d) => d.setIn(['backends', i, key], typed(x)));
      box.append(
        h(
          'div',
          { class: 'qf-row', 'data-group': String(i) },
          h('span', { class: 'qf-row-name', text: name }),
          field(`qf-backends-${i}-count`, 'count', o['count'] ?? 1, set('count'), { inputmode: 'numeric', size: '4' }),
          field(`qf-backends-${i}-workers`, 'workers', o['workers'] ?? 1, set('workers'), { inputmode: 'numeric', size: '4' }),
          field(`qf-backends-${i}-speed`, 'speed', o['speed'] ?? 1, set('speed'), { size: '4' }),
          ...serviceFields(i, o['service'], scenario?.backends[i]),
        ),
      );
    });
    return box;
  }

  function strategiesSection(v: Obj): HTMLElement {
    const raw = v['strategies'];
    const all = opts.strategies.map((s) => s.name);
    const list: unknown[] = Array.isArray(raw) ? raw : all;
    const nameOf = (x: unknown): string => (typeof x === 'string' ? x : isObj(x) && typeof x['name'] === 'string' ? x['name'] : '');
    const labelOf = (x: unknown): string => (isObj(x) && typeof x['label'] === 'string' ? x['label'] : nameOf(x));
    const write = (next: unknown[]): void =>
      opts.edit((d) => {
        const plain = next.length === all.length && next.every((x, k) => x === all[k]);
        if (plain) {
          d.set('strategies', 'all');
          return;
        }
        const node = d.createNode(next);
        node.flow = next.every((x) => typeof x === 'string');
        d.set('strategies', node);
      });
    const box = h('fieldset', { class: 'qf-group qf-strategies' }, h('legend', { text: 'Strategies' }));
    const chips = h('div', { class: 'qf-chips' });
    for (const s of opts.strategies) {
      const on = list.some((x) => nameOf(x) === s.name && labelOf(x) === s.name);
      const input = h('input', { type: 'checkbox', id: `qf-strategy-${s.name}` });
      input.checked = on;
      input.addEventListener('change', () => {
        if (input.checked) write([...list, s.name]);
        else write(list.filter((x) => !(nameOf(x) === s.name && labelOf(x) === s.name)));
      });
      chips.append(h('label', { class: 'qf-chip', title: s.description }, input, s.name));
    }
    // Variants with their own label (`{ name: p2c, label: p2c-d3, options: … }`): shown, can be removed.
    list.forEach((x, k) => {
      if (labelOf(x) === nameOf(x)) return;
      const input = h('input', { type: 'checkbox', id: `qf-strategy-variant-${k}` });
      input.checked = true;
      input.addEventListener('change', () => write(list.filter((_y, j) => j !== k)));
      chips.append(h('label', { class: 'qf-chip', title: `${nameOf(x)} with its own options` }, input, labelOf(x)));
    });
    const allButton = h('button', { type: 'button', class: 'link', text: 'all' });
    allButton.addEventListener('click', () => opts.edit((d) => d.set('strategies', 'all')));
    box.append(chips, allButton);
    return box;
  }

  return {
    update(text, scenario) {
      if (root.contains(document.activeElement) && document.activeElement !== root) return;
      const tree = yamlTree(text);
      let value: unknown = null;
      if (tree.errors.length === 0) {
        try {
          value = tree.toJS({ maxAliasCount: 100 });
        } catch {
          value = null;
        }
      }
      if (!isObj(value)) {
        root.replaceChildren(h('p', { class: 'qf-note', text: 'The form is off while the YAML does not parse: fix the error marked in the editor.' }));
        return;
      }
      root.replaceChildren(runSection(value), loadSection(value, scenario), backendsSection(value, scenario), strategiesSection(value));
    },
  };
}
