/**
 * The report view: the decision box (`decision/`), header, verdict, summary table and charts of one
 * results file (and sweep point) out of a list, drawn into the shared markup (`report.html`); the
 * capacity and tuning charts for files from `lbsim capacity` and `lbsim tune`. Used by the report page (`main.ts`,
 * the files embedded in the page) and by the playground (the files its simulator just produced).
 * Every control change re-renders the whole view from the state below: there are under twenty
 * charts and no animation, so this stays fast and keeps every view consistent (one strategy toggle
 * hides the strategy on every chart and in the table at once).
 */
import type { ChartConfiguration } from 'chart.js';
import { Chart } from './charts/setup.js';
import { cacheChart } from './charts/cache.js';
import { cdfChart } from './charts/cdf.js';
import { detectionChart } from './charts/detection.js';
import { errorsChart } from './charts/errors.js';
import { errorsTimeChart } from './charts/errors-time.js';
import { healthChart } from './charts/health.js';
import { crossZoneChart } from './charts/cross-zone.js';
import { trafficTimeChart } from './charts/traffic-time.js';
import { crossZoneVerdict, hasCrossZone, hasTraffic, trafficSentence } from './traffic.js';
import { inflightChart } from './charts/inflight.js';
import { outcomeChart } from './charts/outcomes.js';
import { P99_TIME_LINES, p99TimeChart } from './charts/p99-time.js';
import { percentilesChart } from './charts/percentiles.js';
import { sharesChart } from './charts/shares.js';
import { gridChart, gridRange } from './charts/grid.js';
import { sweepChart } from './charts/sweep.js';
import { utilizationChart } from './charts/utilization.js';
import { describeScenario, fileLabel, scenarioDescription } from './describe.js';
import { faultList, hasCache, hasDetection, hasErrors, hasHealth } from './failures.js';
import { coordinateText, gridPanels, sliceText, sweepAxes, sweepSlice, sweepStrategies } from './grid.js';
import { assignStrategyColours } from './palette.js';
import { MIN_TAIL, thinPercentiles } from '../../src/results/compare.js';
import { renderTable, type SortState } from './table.js';
import { observedOf, observedTable, shareTable } from './observed.js';
import { liveCheckOf, liveCheckSummary, liveCheckTable, scaleText } from './live-check.js';
import { bestByP99, resultsAt, sweepSentence, tableColumns, verdict, type ColumnKey, wideSpread } from './transforms.js';
import type { ResultsFile } from './types.js';
import type { View } from './view.js';
import { renderDecisionBox } from './decision/box.js';
import { capacityChart, capacityTitle } from './decision/capacity-chart.js';
import { comparisonFor, defaultShown } from './decision/comparison.js';
import { tuneChart } from './decision/tune-chart.js';

/** What a test or the devtools console can read of a drawn chart. */
export interface ChartInfo {
  id: string;
  /** Labels of the visible datasets. */
  datasets: string[];
  /** Category labels (x axis of bar charts). */
  categories: string[];
  /** Each axis's drawn range, its title, and whether the title fits along the axis. */
  scales: Record<string, { min: number; max: number; title: string; titleFits: boolean; titleWidth: number; length: number }>;
  /** Number of data points of each visible dataset. */
  sizes: number[];
}

/** Options of {@link createReportView}. */
export interface ReportViewOptions {
  /** Label of file `i` in the file picker (default: the scenario's name, as in the title). */
  pickerLabel?: (file: ResultsFile, index: number) => string;
  /** Called after every render with the index of the file shown. */
  onRender?: (fileIndex: number) => void;
}

/** A report view bound to the page's report markup. */
export interface ReportView {
  /**
   * Shows `files`, replacing what was shown; toggles, sorting and scale choices are kept.
   * `colourKeys` are strategy labels whose colours are fixed first, in this order (the playground
   * passes the registry, so a strategy keeps its colour from run to run); `file` selects a file.
   */
  show(files: readonly ResultsFile[], opts?: { colourKeys?: readonly string[]; file?: number }): void;
  /** Each drawn chart's visible datasets and categories. */
  charts(): ChartInfo[];
  /** The index of the file shown. */
  selected(): number;
}

/** View state; every change goes through `update`. */
interface State {
  file: number;
  /** Selected sweep point per file index (default: the highest load). */
  point: Map<number, number>;
  hidden: Set<string>;
  logCdf: boolean;
  logPercentiles: boolean | undefined;
  logSweep: boolean;
  sweepMean: boolean;
  utilStrategy: string;
  /** Grid card: the strategy drawn, the latency metric and its scale. */
  gridStrategy: string;
  gridMetric: 'p99' | 'mean';
  logGrid: boolean;
  sort: SortState;
}

function el<T extends HTMLElement>(id: string): T {
  const e = document.getElementById(id);
  if (!e) throw new Error(`lbsim report: #${id} missing from the page`);
  return e as T;
}

/** Binds a report view to the shared markup (`report.html`) in the current document. */
export function createReportView(options: ReportViewOptions = {}): ReportView {
  const labelOf = options.pickerLabel ?? fileLabel;
  let files: readonly ResultsFile[] = [];
  let colours = new Map<string, string>();
  const colour = (s: string): string => colours.get(s) ?? '#777777';
  const state: State = {
    file: 0,
    point: new Map(),
    hidden: new Set(),
    logCdf: true,
    // Decided on the first file shown: a log scale when one strategy's latencies dwarf the others'.
    logPercentiles: undefined,
    logSweep: false,
    sweepMean: true,
    utilStrategy: '',
    gridStrategy: '',
    gridMetric: 'p99',
    logGrid: false,
    // the terminal's order: lowest p99 first
    sort: { key: 'p99', dir: 'asc' },
  };
  const charts = new Map<string, Chart>();

  function pointOf(fileIndex: number): number {
    const f = files[fileIndex];
    const n = f?.sweep?.points.length ?? 0;
    if (n === 0) return 0;
    const chosen = state.point.get(fileIndex);
    if (chosen !== undefined && chosen < n) return chosen;
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
    select.replaceChildren(...files.map((f, i) => new Option(labelOf(f, i), String(i), false, i === state.file)));
    const file = files[state.file];
    const pp = el<HTMLLabelElement>('point-picker');
    const ps = el<HTMLSelectElement>('point-select');
    const points = file?.sweep?.points ?? [];
    pp.hidden = points.length === 0;
    const at = pointOf(state.file);
    ps.replaceChildren(
      ...points.map((p, i) => new Option(`load ${p.load.toFixed(2)} (${file?.sweep ? coordinateText(file.sweep, p) : ''})`, String(i), false, i === at)),
    );
    const bar = picker.parentElement;
    if (bar) bar.hidden = picker.hidden && pp.hidden;
  }

  function renderHeader(file: ResultsFile, shown: View['results'], comparison: ReturnType<typeof comparisonFor>): void {
    el('scenario-title').textContent = fileLabel(file, state.file);
    renderDecisionBox(el('decision'), file);
    el('scenario-description').textContent = scenarioDescription(file) ?? '';
    const dl = el('scenario-facts');
    dl.replaceChildren();
    const point = file.sweep && file.sweep.points.length > 0 ? file.sweep.points[pointOf(state.file)] : undefined;
    for (const [k, v] of describeScenario(file, point)) {
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
      if (p) sentences.unshift(`At offered load ${p.load.toFixed(2)} (${coordinateText(file.sweep, p)}):`);
      const across = sweepSentence(file.sweep.points, (s) => !state.hidden.has(s), sweepAxes(file.sweep).length > 1 ? 'point' : 'load');
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
    // by default the best strategy (lowest p99, as the table and the terminal rank them)
    if (!shown.some((r) => r.strategy === state.utilStrategy)) state.utilStrategy = bestByP99(shown)?.strategy ?? '';
    select.replaceChildren(...shown.map((r) => new Option(r.strategy, r.strategy, false, r.strategy === state.utilStrategy)));
    return shown.find((r) => r.strategy === state.utilStrategy);
  }

  function draw(id: string, config: ChartConfiguration<'bar'> | ChartConfiguration<'line'>): void {
    const canvas = el<HTMLCanvasElement>(id);
    charts.set(id, new Chart(canvas, config as ChartConfiguration));
  }

  /** Fills a table from header and row texts. */
  function fillTable(table: HTMLTableElement, headers: readonly string[], rows: readonly (readonly string[])[]): void {
    const head = document.createElement('tr');
    for (const h of headers) {
      const th = document.createElement('th');
      th.textContent = h;
      head.append(th);
    }
    table.replaceChildren(
      head,
      ...rows.map((r) => {
        const tr = document.createElement('tr');
        for (const c of r) {
          const td = document.createElement('td');
          td.textContent = c;
          tr.append(td);
        }
        return tr;
      }),
    );
  }

  /** The "checked against the access log" card (scenarios fitted by `lbsim import --log`). */
  function renderObserved(file: ResultsFile, shown: View['results']): void {
    const o = observedOf(file);
    el('card-observed').hidden = o === undefined;
    if (!o) return;
    el('observed-caption').textContent =
      `The scenario was fitted from ${o.source}; the log's ${o.what} percentiles beside each strategy's simulated ones (ms, difference from the log). ` +
      (o.verdict ? `At import, ${o.strategy ?? 'the config’s strategy'} ${o.verdict}.` : '');
    const t = observedTable(o, shown);
    fillTable(el<HTMLTableElement>('observed-table'), t.headers, t.rows);
    const shares = shareTable(o, shown);
    fillTable(el<HTMLTableElement>('observed-shares'), shares.length > 0 ? ['server', 'share in the log', `simulated (${o.strategy})`] : [], shares);
  }

  /** The "simulated versus measured" card (the two files of `lbsim compare-live`). */
  function renderLiveCheck(file: ResultsFile): void {
    const c = liveCheckOf(file);
    el('card-live-check').hidden = c === undefined;
    if (!c) return;
    el('live-check-caption').textContent =
      `lbsim compare-live ran every strategy simulated and on real sockets (emulated backends, the real proxy, a load generator); ` +
      `this is the ${c.side === 'sim' ? 'simulated' : 'measured'} side, the table shows both, Δ = (measured − simulated) ÷ simulated; ` +
      `highlighted rows are outside the tolerance. ${scaleText(c)}`;
    const t = liveCheckTable(c);
    const table = el<HTMLTableElement>('live-check-table');
    fillTable(table, t.headers, t.rows);
    table.querySelectorAll('tr').forEach((tr, i) => tr.classList.toggle('off-tolerance', i > 0 && t.bad[i - 1] === true));
    const items = (id: string, lines: readonly string[]) =>
      el(id).replaceChildren(
        ...lines.map((l) => {
          const li = document.createElement('li');
          li.textContent = l;
          return li;
        }),
      );
    items('live-check-summary', liveCheckSummary(c));
    items('live-check-notes', c.notes);
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
    // Files from `lbsim capacity` have no per-strategy results: only their search card is drawn.
    const searchOnly = all.length === 0 && (file.capacity !== undefined || file.tune !== undefined);
    el('toggles').hidden = searchOnly;
    for (const card of document.querySelectorAll<HTMLElement>('main > section.card'))
      if (!['card-capacity', 'card-tune'].includes(card.id)) card.hidden = searchOnly;
    renderSearchCards(file);
    if (searchOnly) {
      options.onRender?.(state.file);
      return;
    }
    // Columns from every strategy at this point, so hiding one never drops a column.
    const columns = tableColumns(all, comparison, decision);
    renderTable(
      el<HTMLTableElement>('summary-table'),
      shown,
      state.sort,
      colour,
      (key: ColumnKey) =>
        update((s) => {
          s.sort = s.sort?.key === key ? { key, dir: s.sort.dir === 'asc' ? 'desc' : 'asc' } : { key, dir: 'asc' };
        }),
      columns,
      // Rows in the comparison's order when the file carries one (older files keep their own order).
      { comparison, ...(decision ? { decision } : {}), byRank: !isSweep && file.comparison !== undefined },
    );
    renderObserved(file, shown);
    renderLiveCheck(file);
    const keys = new Set(columns.map((c) => c.key));
    el('table-extra-caption').textContent =
      (keys.has('availability')
        ? ' Availability is completed ÷ measured requests; retries are retries sent (hover for those a retry budget denied).'
        : '') +
      (keys.has('cacheHitRatio') ? ' Cache hit is the share of cache lookups that hit, over all backends.' : '') +
      (shown.some((r) => Object.keys(thinPercentiles(r)).length > 0)
        ? ` † fewer than ${MIN_TAIL} requests beyond that percentile in a replication: an imprecise estimate, close to the maximum (hover for the count); a longer run gives a precise one.`
        : '');
    const v: View = {
      file,
      results: shown,
      colour,
      logCdf: state.logCdf,
      logPercentiles: state.logPercentiles ?? false,
      logSweep: state.logSweep,
      sweepMean: state.sweepMean,
      pointLoad: file.sweep?.points[pointOf(state.file)]?.load,
      sweepPoints: file.sweep ? sweepSlice(file.sweep, pointOf(state.file)) : [],
      selected: renderUtilPicker(shown),
      toggle: toggleStrategy,
    };
    el('shares-box').style.height = `${Math.max(260, 110 + 34 * shown.length)}px`;
    draw('chart-percentiles', percentilesChart(v));
    draw('chart-cdf', cdfChart(v));
    draw('chart-throughput', outcomeChart(v, 'throughput'));
    // a panel with nothing to show (no strategy failed / rejected a request) is left out
    const outcome = (kind: 'failed' | 'rejected'): void => {
      const any = all.some((r) => r.requests[kind] > 0);
      el(`chart-${kind}`).parentElement!.hidden = !any;
      if (any) draw(`chart-${kind}`, outcomeChart(v, kind));
    };
    outcome('failed');
    outcome('rejected');
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
    el('p99-time-note').textContent =
      shown.length > P99_TIME_LINES
        ? `Drawn: the ${P99_TIME_LINES} of ${shown.length} shown strategies with the lowest p99; hide some with the toggles above to see others.`
        : '';
    const cache = hasCache(all);
    el('card-cache').hidden = !cache;
    if (cache) draw('chart-cache', cacheChart(v));
    draw('chart-utilization', utilizationChart(v));
    draw('chart-inflight', inflightChart(v));
    const traffic = hasTraffic(all);
    el('traffic-box').hidden = !traffic;
    if (traffic) {
      el('traffic-summary').textContent = trafficSentence(v.selected);
      draw('chart-traffic-time', trafficTimeChart(v));
    }
    const zones = hasCrossZone(all);
    el('card-zones').hidden = !zones;
    if (zones) {
      el('zones-verdict').textContent = crossZoneVerdict(shown) ?? '';
      draw('chart-cross-zone', crossZoneChart(v));
    }
    const health = hasHealth(v.selected);
    el('health-box').hidden = !health;
    if (health) draw('chart-health', healthChart(v));
    el('card-sweep').hidden = !isSweep;
    if (isSweep) {
      const fixed = sliceText(file.sweep!, pointOf(state.file));
      el('sweep-slice').textContent = fixed ? ` at ${fixed}` : '';
      draw('chart-sweep', sweepChart(v));
    }
    renderGrid(file);
    options.onRender?.(state.file);
  }

  /** The grid card (sweeps with two or more axes): small multiples of one strategy's latency. */
  function renderGrid(file: ResultsFile): void {
    const sweep = file.sweep;
    const axes = sweep ? sweepAxes(sweep) : [];
    el('card-grid').hidden = axes.length < 2;
    const box = el('grid-panels');
    box.replaceChildren();
    if (!sweep || axes.length < 2) return;
    const strategies = sweepStrategies(sweep);
    if (!strategies.includes(state.gridStrategy)) state.gridStrategy = strategies.find((s) => !state.hidden.has(s)) ?? strategies[0] ?? '';
    el<HTMLSelectElement>('grid-strategy').replaceChildren(
      ...strategies.map((s) => new Option(s, s, false, s === state.gridStrategy)),
    );
    const at = pointOf(state.file);
    const panels = gridPanels(sweep, state.gridStrategy, state.gridMetric, at);
    const sel = sweep.points[at];
    const held = sel ? axes.slice(3).map((a, i) => `${a.key} = ${(sel.at ?? [])[i + 3]}`) : [];
    const rest = held.length > 0 ? `; ${held.join(', ')} (the point picked above)` : '';
    el('grid-caption').textContent =
      `${state.gridMetric} latency of ${state.gridStrategy} against ${axes[0]!.key}: one line per value of ${axes[1]!.key}` +
      (axes.length >= 3 ? `, one panel per value of ${axes[2]!.key}` : '') +
      `${rest}. Every panel has the same latency scale.`;
    const range = gridRange(panels);
    panels.forEach((panel, k) => {
      const div = document.createElement('div');
      if (panel.value !== null) {
        const h = document.createElement('h3');
        h.textContent = `${axes[2]!.key} = ${panel.value}`;
        div.append(h);
      }
      const chart = document.createElement('div');
      chart.className = 'chart';
      const canvas = document.createElement('canvas');
      canvas.id = `chart-grid-${k}`;
      canvas.setAttribute('role', 'img');
      canvas.setAttribute('aria-label', `${state.gridStrategy} latency against ${axes[0]!.key}${panel.value !== null ? ` at ${axes[2]!.key} = ${panel.value}` : ''}`);
      chart.append(canvas);
      div.append(chart);
      box.append(div);
      draw(canvas.id, gridChart(panel, { axes, strategy: state.gridStrategy, metric: state.gridMetric, log: state.logGrid, range }));
    });
  }

  /** The capacity and tuning cards (files from `lbsim capacity` / `lbsim tune`). */
  function renderSearchCards(file: ResultsFile): void {
    const cap = file.capacity;
    el('card-capacity').hidden = !cap;
    if (cap) {
      el('capacity-title').textContent = capacityTitle(cap);
      el('capacity-caption').textContent = `${cap.method}. Whiskers: ${cap.vary === 'backends' ? 'the range over replications' : '95 % intervals over replications'}; dashed: the scenario's current setting.`;
      draw('chart-capacity', capacityChart(cap, colour));
    }
    const tune = file.tune;
    el('card-tune').hidden = !tune;
    if (tune) {
      const id = (path: string): string => `chart-tune-${path.replace(/[^A-Za-z0-9]+/g, '-')}`;
      el('tune-charts').replaceChildren(
        ...tune.parameters.map((p) => {
          const div = document.createElement('div');
          div.className = 'chart';
          const canvas = document.createElement('canvas');
          canvas.id = id(p.path);
          canvas.setAttribute('role', 'img');
          canvas.setAttribute('aria-label', `${tune.metric} versus ${p.path}`);
          div.append(canvas);
          return div;
        }),
      );
      el('tune-caption').textContent = `${tune.method}. ${tune.evaluations} settings.`;
      for (const p of tune.parameters) draw(id(p.path), tuneChart(tune, p.path, colour(tune.strategy)));
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
    el<HTMLSelectElement>('grid-strategy').addEventListener('change', (e) =>
      update((s) => (s.gridStrategy = (e.target as HTMLSelectElement).value)),
    );
    el<HTMLSelectElement>('grid-metric').addEventListener('change', (e) =>
      update((s) => (s.gridMetric = (e.target as HTMLSelectElement).value === 'mean' ? 'mean' : 'p99')),
    );
    const box = (id: string, get: (s: State) => boolean, set: (s: State, on: boolean) => void): void => {
      const input = el<HTMLInputElement>(id);
      input.checked = get(state);
      input.addEventListener('change', () => update((s) => set(s, input.checked)));
    };
    box('log-cdf', (s) => s.logCdf, (s, on) => (s.logCdf = on));
    box('log-percentiles', (s) => s.logPercentiles ?? false, (s, on) => (s.logPercentiles = on));
    box('log-sweep', (s) => s.logSweep, (s, on) => (s.logSweep = on));
    box('sweep-mean', (s) => s.sweepMean, (s, on) => (s.sweepMean = on));
    box('log-grid', (s) => s.logGrid, (s, on) => (s.logGrid = on));
  }
  wire();

  return {
    show(next, opts = {}) {
      const first = files.length === 0;
      files = next;
      colours = assignStrategyColours(next, opts.colourKeys);
      if (opts.file !== undefined) state.file = opts.file;
      if (state.file >= files.length) state.file = 0;
      // A decided run opens on the recommendation, the baseline and the tied group; the rest is one click away.
      const opening = files[state.file];
      const shownFirst = first && opening ? defaultShown(opening) : null;
      if (shownFirst) for (const r of opening!.results) if (!shownFirst.has(r.strategy)) state.hidden.add(r.strategy);
      if (state.logPercentiles === undefined && files[0]) {
        state.logPercentiles = wideSpread(resultsAt(files[0], 0).flatMap((r) => [r.latency.p50, r.latency.p999]));
        el<HTMLInputElement>('log-percentiles').checked = state.logPercentiles;
      }
      render();
    },
    charts: () =>
      [...charts.entries()].map(([id, c]) => ({
        id,
        datasets: c.data.datasets.filter((_d, i) => c.isDatasetVisible(i)).map((d) => String(d.label)),
        categories: (c.data.labels ?? []).map(String),
        scales: Object.fromEntries(
          Object.entries(c.scales).map(([k, sc]) => {
            // the axis title's drawn width (its font, as Chart.js draws it) against the axis's length
            const t = (sc.options as { title?: { display?: boolean; text?: unknown; font?: { size?: number; family?: string; weight?: unknown } } }).title;
            const text = t?.display ? String(t.text ?? '') : '';
            let fits = true;
            let width = 0;
            const length = sc.isHorizontal() ? sc.width : sc.height;
            if (text !== '') {
              const f = t?.font ?? {};
              c.ctx.save();
              c.ctx.font = `${String(f.weight ?? '')} ${f.size ?? 12}px ${f.family ?? 'sans-serif'}`.trim();
              width = c.ctx.measureText(text).width;
              fits = width <= length;
              c.ctx.restore();
            }
            return [k, { min: sc.min, max: sc.max, title: text, titleFits: fits, titleWidth: width, length }];
          }),
        ),
        sizes: c.data.datasets.filter((_d, i) => c.isDatasetVisible(i)).map((d) => d.data.length),
      })),
    selected: () => state.file,
  };
}
