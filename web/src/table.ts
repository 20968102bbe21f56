/**
 * The sortable summary table (the CLI table's columns). Clicking a header sorts by it, clicking
 * again reverses; the best value of each numeric column is bold (lowest latency and losses,
 * highest throughput and fairness).
 */
import { fmtCount, fmtExact, fmtFairness, fmtMs, fmtRate } from './format.js';
import { sortRows, TABLE_COLUMNS, tableRows, type ColumnKey, type TableRow } from './transforms.js';
import type { StrategyResult } from './types.js';

/** Sort state of the table; null = the results file's order. */
export type SortState = { key: ColumnKey; dir: 'asc' | 'desc' } | null;

const HIGHER_IS_BETTER: ReadonlySet<ColumnKey> = new Set<ColumnKey>(['throughput', 'fairness']);

function cellText(row: TableRow, key: ColumnKey): string {
  switch (key) {
    case 'strategy':
      return row.strategy;
    case 'throughput':
      return fmtRate(row.throughput);
    case 'failed':
    case 'rejected':
      return fmtCount(row[key]);
    case 'fairness':
      return fmtFairness(row.fairness);
    default:
      return fmtMs(row[key]);
  }
}

/** Fills `table` with `results` (the shown strategies) sorted by `sort`; `onSort` gets header clicks. */
export function renderTable(
  table: HTMLTableElement,
  results: readonly StrategyResult[],
  sort: SortState,
  colour: (strategy: string) => string,
  onSort: (key: ColumnKey) => void,
): void {
  const base = tableRows(results);
  const rows = sort ? sortRows(base, sort.key, sort.dir) : base;
  const best = new Map<ColumnKey, number>();
  for (const c of TABLE_COLUMNS) {
    if (c.key === 'strategy' || base.length < 2) continue;
    const vals = base.map((r) => r[c.key] as number);
    const lo = Math.min(...vals);
    const hi = Math.max(...vals);
    if (lo !== hi) best.set(c.key, HIGHER_IS_BETTER.has(c.key) ? hi : lo);
  }
  table.replaceChildren();
  const thead = table.createTHead();
  const hr = thead.insertRow();
  for (const c of TABLE_COLUMNS) {
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
    for (const c of TABLE_COLUMNS) {
      const td = tr.insertCell();
      if (c.key === 'strategy') {
        td.className = 'name';
        const sw = document.createElement('span');
        sw.className = 'swatch';
        sw.style.background = colour(row.strategy);
        td.append(sw, document.createTextNode(row.strategy));
        continue;
      }
      td.textContent = cellText(row, c.key);
      const v = row[c.key] as number;
      td.title = `${fmtExact(v)}${c.unit ? ` ${c.unit}` : ''}`;
      if (c.key === 'p99' && row.p99ci) td.title += ` (95 % CI ${fmtExact(row.p99ci[0])}–${fmtExact(row.p99ci[1])} ms)`;
      if (best.get(c.key) === v) td.classList.add('best');
    }
  }
}
