/**
 * The sortable summary table (the CLI table's columns, with availability, retries and cache hit
 * ratio when the run has them, and the tied group and SLO verdict of a decided run). Rows come in the
 * comparison's order, the winner (★) or the tied group (=) and the recommendation marked (see
 * `decision/`). Clicking a header sorts by it, clicking again reverses; the best
 * value of each numeric column is bold (lowest latency and losses, highest throughput, fairness,
 * availability and cache hit ratio; retries are not ranked).
 */
import { fmtUsd } from '../../src/results/traffic.js';
import { MIN_TAIL } from '../../src/results/compare.js';
import { fmtAvailability, fmtCount, fmtExact, fmtFairness, fmtMs, fmtPct, fmtRate } from './format.js';
import { sortRows, TABLE_COLUMNS, tableRows, type ColumnKey, type TableColumn, type TableRow } from './transforms.js';
import type { Comparison, Decision, StrategyResult } from './types.js';

/** Sort state of the table; null = the results file's order. */
export type SortState = { key: ColumnKey; dir: 'asc' | 'desc' } | null;

const HIGHER_IS_BETTER: ReadonlySet<ColumnKey> = new Set<ColumnKey>(['throughput', 'fairness', 'availability', 'cacheHitRatio']);
/** Columns without a best value: more retries is neither better nor worse by itself. */
const UNRANKED: ReadonlySet<ColumnKey> = new Set<ColumnKey>(['strategy', 'retries', 'tieGroup', 'slo', 'lowerTiers', 'degraded']);

function cellText(row: TableRow, key: ColumnKey): string {
  const v = row[key];
  if (v === undefined) return '–';
  switch (key) {
    case 'strategy':
      return row.strategy;
    case 'availability':
      return fmtAvailability(v as number);
    case 'cacheHitRatio':
    case 'lowerTiers':
    case 'degraded':
    case 'crossZone':
      return fmtPct(v as number);
    case 'crossZoneCost':
      return fmtUsd(v as number);
    case 'retries':
      return fmtCount(v as number);
    case 'throughput':
      return fmtRate(row.throughput);
    case 'failed':
    case 'rejected':
      return fmtCount(row[key]);
    case 'fairness':
      return fmtFairness(row.fairness);
    case 'tieGroup':
      return String(v);
    case 'slo':
      return v === 'uncertain' ? '?' : String(v);
    default:
      return fmtMs(v as number);
  }
}

/** Exact value for a cell's tooltip, in the unit the column shows. */
function cellTitle(row: TableRow, c: TableColumn): string {
  const v = row[c.key];
  if (v === undefined) return 'not measured in this run';
  if (c.key === 'tieGroup') return v === 1 ? 'statistically tied with the best (paired 95 % intervals)' : `tied group ${String(v)}`;
  if (c.key === 'slo') return v === 'uncertain' ? 'the 95 % interval straddles the target' : `${String(v)} the SLO at 95 %`;
  const n = v as number;
  if (c.key === 'availability' || c.key === 'cacheHitRatio' || c.key === 'lowerTiers' || c.key === 'degraded' || c.key === 'crossZone') return `${fmtExact(n * 100)} %`;
  let title = `${fmtExact(n)}${c.unit ? ` ${c.unit}` : ''}`;
  if (c.key === 'p99' && row.p99ci) title += ` (95 % CI ${fmtExact(row.p99ci[0])}–${fmtExact(row.p99ci[1])} ms)`;
  const thin = c.key === 'p99' || c.key === 'p999' ? row.thin[c.key] : undefined;
  if (thin !== undefined)
    title += ` — only ${thin} request${thin === 1 ? '' : 's'} beyond it in a replication (fewer than ${MIN_TAIL}): an imprecise estimate, close to the maximum; run longer for a precise one`;
  if (c.key === 'retries' && row.retriesDenied) title += ` (${fmtExact(row.retriesDenied)} more denied by the retry budget)`;
  return title;
}

/**
 * Fills `table` with `results` (the shown strategies) sorted by `sort`; `onSort` gets header
 * clicks; `columns` defaults to the CLI columns (see `tableColumns` for the optional ones).
 */
export function renderTable(
  table: HTMLTableElement,
  results: readonly StrategyResult[],
  sort: SortState,
  colour: (strategy: string) => string,
  onSort: (key: ColumnKey) => void,
  columns: readonly TableColumn[] = TABLE_COLUMNS,
  decision?: { comparison: Comparison | null; decision?: Decision; byRank: boolean },
): void {
  const base = tableRows(results, decision?.comparison, decision?.decision, decision?.byRank ?? true);
  const c = decision?.comparison;
  const mark = (s: string): string | null =>
    c?.winner === s ? 'winner' : c && c.winner === null && c.tied.length > 1 && c.tied.includes(s) ? 'tied' : null;
  const rows = sort && columns.some((c) => c.key === sort.key) ? sortRows(base, sort.key, sort.dir) : base;
  const best = new Map<ColumnKey, number>();
  for (const c of columns) {
    if (UNRANKED.has(c.key) || base.length < 2) continue;
    const vals = base.map((r) => r[c.key]).filter((x): x is number => typeof x === 'number');
    if (vals.length < 2) continue;
    const lo = Math.min(...vals);
    const hi = Math.max(...vals);
    if (lo !== hi) best.set(c.key, HIGHER_IS_BETTER.has(c.key) ? hi : lo);
  }
  table.replaceChildren();
  const thead = table.createTHead();
  const hr = thead.insertRow();
  for (const c of columns) {
    const th = document.createElement('th');
    th.scope = 'col';
    th.dataset['key'] = c.key;
    th.setAttribute('aria-sort', sort?.key === c.key ? (sort.dir === 'asc' ? 'ascending' : 'descending') : 'none');
    const b = document.createElement('button');
    b.type = 'button';
    b.textContent = c.label;
    b.title = `Sort by ${c.label}`;
    b.addEventListener('click', () => onSort(c.key));
    th.append(b);
    if (c.unit) {
      const u = document.createElement('span');
      u.className = 'unit';
      u.textContent = c.unit;
      th.append(u);
    }
    hr.append(th);
  }
  const tbody = table.createTBody();
  for (const row of rows) {
    const tr = tbody.insertRow();
    tr.dataset['strategy'] = row.strategy;
    const m = mark(row.strategy);
    if (m) tr.classList.add(m);
    if (decision?.decision?.recommended === row.strategy) tr.classList.add('recommended');
    for (const c of columns) {
      const td = tr.insertCell();
      if (c.key === 'strategy') {
        td.className = 'name';
        const sw = document.createElement('span');
        sw.className = 'swatch';
        sw.style.background = colour(row.strategy);
        td.append(sw, document.createTextNode(row.strategy));
        const badges: [string, string, string][] = [];
        if (m === 'winner') badges.push(['★', 'badge winner', 'lowest, statistically below every other strategy']);
        if (m === 'tied') badges.push(['=', 'badge tied', 'statistically tied for the lowest']);
        if (decision?.decision?.recommended === row.strategy) badges.push(['recommended', 'badge rec', 'the recommendation']);
        for (const [text, cls, title] of badges) {
          const b = document.createElement('span');
          b.className = cls;
          b.textContent = text;
          b.title = title;
          td.append(b);
        }
        continue;
      }
      td.textContent = cellText(row, c.key);
      td.title = cellTitle(row, c);
      if ((c.key === 'p99' || c.key === 'p999') && row.thin[c.key] !== undefined) {
        td.classList.add('thin');
        td.textContent += '†';
      }
      const v = row[c.key];
      if (v !== undefined && best.get(c.key) === v) td.classList.add('best');
    }
  }
}
