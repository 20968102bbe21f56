/**
 * The decision in the terminal: the recommendation paragraph and the headroom line (printed before
 * the table), the table's order, marks and SLO/group columns, and the line under the table with the
 * comparison's verdict. Everything comes from the results file's `comparison` and `decision`, the
 * same fields the report and `--json` carry.
 */
import type { Comparison, Decision, StrategyResult } from '../results/schema.js';
import type { Column, TableDecoration } from './table.js';

/** Wraps `text` at `width` columns (words never split). */
export function wrap(text: string, width = 100, indent = ''): string {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + 1 + word.length > width) {
      out.push(line);
      line = indent + word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') out.push(line);
  return out.join('\n');
}

/** The headroom line: the load at which each strategy breaks the SLO, or why it is not shown. */
export function headroomLine(d: Decision, why: string | null): string {
  if (!d.headroom) return `Headroom: ${why ?? 'not computed (--no-headroom)'}.`;
  const cells = d.headroom.rows
    .slice()
    .sort((a, b) => (b.load ?? -1) - (a.load ?? -1))
    .map((r) =>
      r.load === null
        ? `${r.strategy} fails even at 5 %`
        : r.breaksAt === null
          ? `${r.strategy} ≥ ${(100 * r.load).toFixed(0)} %`
          : `${r.strategy} ${(100 * r.load).toFixed(0)} % (${Math.round(r.rate ?? 0).toLocaleString('en-US')} req/s)`,
    );
  return `Headroom (load at which the SLO still holds; short runs, estimate): ${cells.join(', ')}.`;
}

/** The table decoration of a decided run: comparison order, marks, group and SLO columns. */
export function decorate(c: Comparison, d: Decision | undefined): TableDecoration {
  const marks = new Map<string, string>();
  const highlight = new Set<string>();
  if (c.winner) {
    marks.set(c.winner, '*');
    highlight.add(c.winner);
  } else for (const s of c.tied) marks.set(s, '=');
  const group = new Map(c.strategies.map((s) => [s.strategy, s.group]));
  const columns: Column[] = [];
  if (c.replications >= 2) columns.push({ head: 'tie group', cell: (r: StrategyResult) => String(group.get(r.strategy) ?? '') });
  if (d && d.sloResults.length > 0) {
    const slo = new Map(d.sloResults.map((s) => [s.strategy, s.verdict]));
    const sym = { meets: 'meets', fails: 'fails', uncertain: '?' } as const;
    columns.push({ head: 'SLO', cell: (r: StrategyResult) => (slo.has(r.strategy) ? sym[slo.get(r.strategy)!] : '') });
  }
  return { order: c.strategies.map((s) => s.strategy), marks, highlight, columns };
}

/** The lines under the table: what the marks mean and the comparison's verdict. */
export function legend(c: Comparison): string {
  const lines: string[] = [];
  if (c.winner) lines.push(`* ${c.winner}: the lowest ${c.metric === 'p999' ? 'p99.9' : c.metric}, statistically below every other strategy.`);
  else if (c.tied.length > 1) lines.push(`= statistically tied for the lowest ${c.metric === 'p999' ? 'p99.9' : c.metric}: ${c.tied.join(', ')}.`);
  lines.push(c.verdict);
  if (c.replications >= 2) lines.push(`Method: ${c.method}.`);
  return lines.map((l) => wrap(l)).join('\n');
}
