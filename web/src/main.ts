/**
 * Entry of the lbsim report page. Reads the embedded results (`<script id="lbsim-data"
 * type="application/json">`, an array of `lbsim/results@1` files), checks them, and draws the
 * header, verdict, summary table and charts for the selected file (and sweep point). Every control
 * change re-renders the whole page from the state below: there are under twenty charts and no
 * animation, so this stays fast and keeps every view consistent (one strategy toggle hides the
 * strategy on every chart and in the table at once).
 */
import './style.css';
import type { ChartConfiguration } from 'chart.js';
import { Chart } from './charts/setup.js';
import { cacheChart } from './charts/cache.js';
import { cdfChart } from './charts/cdf.js';
import { detectionChart } from './charts/detection.js';
import { errorsChart } from './charts/errors.js';
import { errorsTimeChart } from './charts/errors-time.js';
import { healthChart } from './charts/health.js';
import { inflightChart } from './charts/inflight.js';
import { outcomeChart } from './charts/outcomes.js';
import { p99TimeChart } from './charts/p99-time.js';
import { percentilesChart } from './charts/percentiles.js';
import { sharesChart } from './charts/shares.js';
import { sweepChart } from './charts/sweep.js';
import { utilizationChart } from './charts/utilization.js';
import { describeScenario, fileLabel, scenarioDescription } from './describe.js';
import { faultList, hasCache, hasDetection, hasErrors, hasHealth } from './failures.js';
import { assignStrategyColours } from './palette.js';
import { renderTable, type SortState } from './table.js';
import { resultsAt, sweepSentence, tableColumns, verdict, type ColumnKey, wideSpread } from './transforms.js';
import type { ResultsFile } from './types.js';
import { checkResultsFile } from './validate.js';
import { renderDecisionBox } from './decision/box.js';
import { capacityChart, capacityTitle } from './decision/capacity-chart.js';
import { comparisonFor, defaultShown } from './decision/comparison.js';
import { tuneChart } from './decision/tune-chart.js';
import type { View } from './view.js';

/** Page state; every change goes through `update`. */
interface State {
  file: number;
  /** Selected sweep point per file index (default: the highest load). */
  point: Map<number, number>;
  hidden: Set<string>;
  logCdf: boolean;
  logPercentiles: boolean;
  logSweep: boolean;
  sweepMean: boolean;
  utilStrategy: string;
  sort: SortState;
}

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`lbsim report: #${id} missing from the page`);
  return e as T;
}

/** Reads and checks the embedded files; problems are returned for display, bad files dropped. */
function readEmbedded(): { files: ResultsFile[]; problems: string[] } {
  const text = document.getElementById('lbsim-data')?.textContent ?? '[]';
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { files: [], problems: [`The embedded results are not valid JSON: ${(err as Error).message}`] };
  }
  const list = Array.isArray(raw) ? raw : [raw];
  const files: ResultsFile[] = [];
  const problems: string[] = [];
  list.forEach((x, i) => {
    const p = checkResultsFile(x, i);
    if (p.length === 0) files.push(x as ResultsFile);
    else problems.push(...p.slice(0, 8), ...(p.length > 8 ? [`… and ${p.length - 8} more problems`] : []));
  });
  return { files, problems };
}

const { files, problems } = readEmbedded();
const colours = assignStrategyColours(files);
const colour = (s: string): string => colours.get(s) ?? '#777777';
const state: State = {
  file: 0,
  point: new Map(),
  hidden: new Set(),
  logCdf: true,
  // Start on a log scale when one strategy's latencies dwarf the others' (e.g. an overloaded backend).
  logPercentiles: wideSpread(
    (files[0] ? resultsAt(files[0], 0) : []).flatMap((r) => [r.latency.p50, r.latency.p999]),
  ),
  logSweep: false,
  sweepMean: true,
  utilStrategy: '',
  sort: null,
};
const charts = new Map<string, Chart>();
// A decided run opens on the recommendation, the baseline and the tied group; the rest is one click away.
{
  const shown = files[0] ? defaultShown(files[0]) : null;
  if (shown) for (const r of files[0]!.results) if (!shown.has(r.strategy)) state.hidden.add(r.strategy);
}

function pointOf(fileIndex: number): number {
  const f = files[fileIndex];
  const n = f?.sweep?.points.length ?? 0;
  if (n === 0) return 0;
  const chosen = state.point.get(fileIndex);
  if (chosen !== undefined) return chosen;
  // Default: the highest offered load, where strategies differ most.
  let best = 0;
  f?.sweep?.points.forEach((p, i) => {
    if (p.load > (f.sweep?.points[best]?.load ?? -Infinity)) best = i;
  });
  return best;
}

function update(change: (s: State) => void): void {
  change(state);
  render();
}

function toggleStrategy(name: string): void {
  update((s) => {
    if (s.hidden.has(name)) s.hidden.delete(name);
    else s.hidden.add(name);
  });
}

function renderPickers(): void {
  const picker = el<HTMLLabelElement>('file-picker');
  const select = el<HTMLSelectElement>('file-select');
  picker.hidden = files.length < 2;
  select.replaceChildren(...files.map((f, i) => new Option(fileLabel(f, i), String(i), false, i === state.file)));
  const file = files[state.file];
  const pp = el<HTMLLabelElement>('point-picker');
  const ps = el<HTMLSelectElement>('point-select');
  const points = file?.sweep?.points ?? [];
  pp.hidden = points.length === 0;
  const at = pointOf(state.file);
  ps.replaceChildren(
    ...points.map(
      (p, i) =>
        new Option(`load ${p.load.toFixed(2)} (${file?.sweep?.key} = ${p.value})`, String(i), false, i === at),
    ),
  );
}

function renderHeader(file: ResultsFile, shown: View['results'], comparison: ReturnType<typeof comparisonFor>): void {
  el('scenario-title').textContent = fileLabel(file, state.file);
  renderDecisionBox(el('decision'), file);
  el('scenario-description').textContent = scenarioDescription(file) ?? '';
  const dl = el('scenario-facts');
  dl.replaceChildren();
  for (const [k, v] of describeScenario(file)) {
    const dt = document.createElement('dt');
    dt.textContent = k;
    const dd = document.createElement('dd');
    dd.textContent = v;
    dl.append(dt, dd);
  }
  const warnings = el<HTMLUListElement>('warnings');
  warnings.hidden = file.warnings.length === 0;
  warnings.replaceChildren(
    ...file.warnings.map((w) => {
      const li = document.createElement('li');
      li.textContent = w;
      return li;
    }),
  );
  const sentences = verdict(shown, comparison);
  if (file.sweep && file.sweep.points.length > 0) {
    const p = file.sweep.points[pointOf(state.file)];
    if (p) sentences.unshift(`At offered load ${p.load.toFixed(2)} (${file.sweep.key} = ${p.value}):`);
    const across = sweepSentence(file.sweep.points, (s) => !state.hidden.has(s));
    if (across) sentences.push(across);
  }
  el('verdict').textContent = sentences.join(' ');
  el('footer').textContent = `Written by ${file.generator}; results schema ${file.schema}.`;
}

function renderToggles(all: View['results']): void {
  const list = el('toggle-list');
  list.replaceChildren(
    ...all.map((r) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.className = 'chip';
      b.dataset['strategy'] = r.strategy;
      b.setAttribute('aria-pressed', String(!state.hidden.has(r.strategy)));
      b.title = `${state.hidden.has(r.strategy) ? 'Show' : 'Hide'} ${r.strategy} on every chart and in the table`;
      const sw = document.createElement('span');
      sw.className = 'swatch';
      sw.style.background = colour(r.strategy);
      b.append(sw, document.createTextNode(r.strategy));
      b.addEventListener('click', () => toggleStrategy(r.strategy));
      return b;
    }),
  );
  el('show-all').hidden = !all.some((r) => state.hidden.has(r.strategy));
}

function renderUtilPicker(shown: View['results']): View['selected'] {
  const select = el<HTMLSelectElement>('util-strategy');
  if (!shown.some((r) => r.strategy === state.utilStrategy)) state.utilStrategy = shown[0]?.strategy ?? '';
  select.replaceChildren(...shown.map((r) => new Option(r.strategy, r.strategy, false, r.strategy === state.utilStrategy)));
  return shown.find((r) => r.strategy === state.utilStrategy);
}

function draw(id: string, config: ChartConfiguration<'bar'> | ChartConfiguration<'line'>): void {
  const canvas = el<HTMLCanvasElement>(id);
  charts.set(id, new Chart(canvas, config as ChartConfiguration));
}

function render(): void {
  for (const c of charts.values()) c.destroy();
  charts.clear();
  renderPickers();
  const file = files[state.file];
  if (!file) return;
  const all = resultsAt(file, pointOf(state.file));
  const shown = all.filter((r) => !state.hidden.has(r.strategy));
  const isSweep = (file.sweep?.points.length ?? 0) > 0;
  const comparison = comparisonFor(file, all, isSweep);
  const decision = isSweep ? undefined : file.decision;
  renderHeader(file, shown, comparison);
  renderToggles(all);
  const searchOnly = all.length === 0 && (file.capacity !== undefined || file.tune !== undefined);
  el('toggles').hidden = searchOnly;
  for (const card of document.querySelectorAll<HTMLElement>('main > section.card'))
    if (!['card-capacity', 'card-tune'].includes(card.id)) card.hidden = searchOnly;
  renderSearchCards(file);
  if (searchOnly) return;
  // Columns from every strategy at this point, so hiding one never drops a column.
  const columns = tableColumns(all, comparison, decision);
  renderTable(el<HTMLTableElement>('summary-table'), shown, state.sort, colour, (key: ColumnKey) =>
    update((s) => {
      s.sort = s.sort?.key === key ? { key, dir: s.sort.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' };
    }),
    columns,
    // Rows in the comparison's order when the file carries one (older files keep their own order).
    { comparison, ...(decision ? { decision } : {}), byRank: !isSweep && file.comparison !== undefined },
  );
  const keys = new Set(columns.map((c) => c.key));
  el('table-extra-caption').textContent =
    (keys.has('availability')
      ? ' Availability is completed ÷ measured requests; retries are retries sent (hover for those a retry budget denied).'
      : '') + (keys.has('cacheHitRatio') ? ' Cache hit is the share of cache lookups that hit, over all backends.' : '');
  const v: View = {
    file,
    results: shown,
    colour,
    logCdf: state.logCdf,
    logPercentiles: state.logPercentiles,
    logSweep: state.logSweep,
    sweepMean: state.sweepMean,
    pointLoad: file.sweep?.points[pointOf(state.file)]?.load,
    selected: renderUtilPicker(shown),
    toggle: toggleStrategy,
  };
  el('shares-box').style.height = `${Math.max(260, 110 + 34 * shown.length)}px`;
  draw('chart-percentiles', percentilesChart(v));
  draw('chart-cdf', cdfChart(v));
  draw('chart-throughput', outcomeChart(v, 'throughput'));
  draw('chart-failed', outcomeChart(v, 'failed'));
  draw('chart-rejected', outcomeChart(v, 'rejected'));
  // Failure and elasticity cards: present only when the run has the figures (decided on every
  // strategy at this point, so toggling a strategy never removes a card).
  const errors = hasErrors(all);
  el('card-errors').hidden = !errors;
  if (errors) {
    draw('chart-errors', errorsChart(v));
    const series = all.some((r) => Array.isArray(r.timeseries.errors));
    el('errors-time-box').hidden = !series;
    if (series) draw('chart-errors-time', errorsTimeChart(v));
  }
  const detection = hasDetection(all);
  el('card-detection').hidden = !detection;
  if (detection) {
    const withEvents = [v.selected, ...shown, ...all].find((r) => (r?.detection?.events.length ?? 0) > 0);
    const list = faultList(withEvents);
    el('detection-windows').textContent = list
      ? `Failure windows${withEvents ? ` (${withEvents.strategy}, first replication)` : ''}: ${list}.`
      : '';
    draw('chart-detect', detectionChart(v, 'detect'));
    draw('chart-recover', detectionChart(v, 'recover'));
  }
  draw('chart-shares', sharesChart(v));
  draw('chart-p99-time', p99TimeChart(v));
  const cache = hasCache(all);
  el('card-cache').hidden = !cache;
  if (cache) draw('chart-cache', cacheChart(v));
  draw('chart-utilization', utilizationChart(v));
  draw('chart-inflight', inflightChart(v));
  const health = hasHealth(v.selected);
  el('health-box').hidden = !health;
  if (health) draw('chart-health', healthChart(v));
  el('card-sweep').hidden = !isSweep;
  if (isSweep) draw('chart-sweep', sweepChart(v));
}

/** The capacity and tuning cards (files from `lbsim capacity` / `lbsim tune`). */
function renderSearchCards(file: ResultsFile): void {
  const cap = file.capacity;
  el('card-capacity').hidden = !cap;
  if (cap) {
    el('capacity-title').textContent = capacityTitle(cap);
    el('capacity-caption').textContent = `${cap.method}. ${cap.runs} runs. Whiskers: ${cap.vary === 'backends' ? 'the range over replications' : '95 % intervals over replications'}; dashed: the scenario's current setting.`;
    draw('chart-capacity', capacityChart(cap, colour));
  }
  const tune = file.tune;
  el('card-tune').hidden = !tune;
  if (tune) {
    const box = el('tune-charts');
    box.replaceChildren(
      ...tune.parameters.map((p) => {
        const div = document.createElement('div');
        div.className = 'chart';
        const canvas = document.createElement('canvas');
        canvas.id = `chart-tune-${p.path.replace(/[^A-Za-z0-9]+/g, '-')}`;
        canvas.setAttribute('role', 'img');
        canvas.setAttribute('aria-label', `${tune.metric} versus ${p.path}`);
        div.append(canvas);
        return div;
      }),
    );
    el('tune-caption').textContent = `${tune.method}. ${tune.evaluations} settings.`;
    tune.parameters.forEach((p) => draw(`chart-tune-${p.path.replace(/[^A-Za-z0-9]+/g, '-')}`, tuneChart(tune, p.path, colour(tune.strategy))));
  }
}

function wire(): void {
  el<HTMLSelectElement>('file-select').addEventListener('change', (e) =>
    update((s) => (s.file = Number((e.target as HTMLSelectElement).value))),
  );
  el<HTMLSelectElement>('point-select').addEventListener('change', (e) =>
    update((s) => s.point.set(s.file, Number((e.target as HTMLSelectElement).value))),
  );
  el<HTMLSelectElement>('util-strategy').addEventListener('change', (e) =>
    update((s) => (s.utilStrategy = (e.target as HTMLSelectElement).value)),
  );
  el('show-all').addEventListener('click', () => update((s) => s.hidden.clear()));
  const box = (id: string, set: (s: State, on: boolean) => void, initial: boolean): void => {
    const input = el<HTMLInputElement>(id);
    input.checked = initial;
    input.addEventListener('change', () => update((s) => set(s, input.checked)));
  };
  box('log-cdf', (s, on) => (s.logCdf = on), state.logCdf);
  box('log-percentiles', (s, on) => (s.logPercentiles = on), state.logPercentiles);
  box('log-sweep', (s, on) => (s.logSweep = on), state.logSweep);
  box('sweep-mean', (s, on) => (s.sweepMean = on), state.sweepMean);
}

/** What tests and the devtools console can read: each chart's visible dataset and category labels. */
interface ReportHandle {
  charts(): { id: string; datasets: string[]; categories: string[] }[];
  problems: string[];
}

declare global {
  interface Window {
    lbsimReport?: ReportHandle;
  }
}

window.lbsimReport = {
  charts: () =>
    [...charts.entries()].map(([id, c]) => ({
      id,
      datasets: c.data.datasets.filter((_d, i) => c.isDatasetVisible(i)).map((d) => String(d.label)),
      categories: (c.data.labels ?? []).map(String),
    })),
  problems,
};

if (problems.length > 0) {
  const box = el('errors');
  box.hidden = false;
  box.textContent = `Some embedded results could not be read:\n${problems.join('\n')}`;
}
if (files.length === 0) {
  el('scenario-title').textContent = 'No results to show';
  el('verdict').textContent =
    'This page has no results embedded. Write a report with `lbsim report results.json --out DIR` or `lbsim run SCENARIO --report DIR`.';
  document.querySelector('main')?.setAttribute('hidden', '');
  el('toggles').hidden = true;
} else {
  wire();
  render();
}
document.body.dataset['ready'] = 'true';
