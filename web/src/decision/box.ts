/**
 * The decision box at the top of the report: the recommendation paragraph, the SLO verdict per
 * strategy, the headroom line and the pathological strategies collapsed with their reason — or, for
 * files written by `lbsim capacity` and `lbsim tune`, what the search found. Text only (the
 * paragraph is written by `src/decide/recommend.ts`, the same one the terminal prints).
 */
import { fmtMs } from '../format.js';
import type { CapacityReport, Decision, ResultsFile, TuneReport } from '../types.js';

function li(text: string): HTMLLIElement {
  const e = document.createElement('li');
  e.textContent = text;
  return e;
}

function para(text: string, cls?: string): HTMLParagraphElement {
  const p = document.createElement('p');
  p.textContent = text;
  if (cls) p.className = cls;
  return p;
}

/** The headroom sentence of a decision, or null. */
export function headroomText(d: Decision): string | null {
  if (!d.headroom) return null;
  const cells = [...d.headroom.rows]
    .sort((a, b) => (b.load ?? -1) - (a.load ?? -1))
    .map((r) => (r.load === null ? `${r.strategy}: fails even at 5 %` : `${r.strategy}: ${r.breaksAt === null ? '≥ ' : ''}${(100 * r.load).toFixed(0)} %`));
  return `Headroom — the load up to which each strategy keeps the SLO (${d.headroom.method}): ${cells.join(', ')}.`;
}

function sloText(slo: { p99?: number; p999?: number; availability?: number }): string {
  const parts: string[] = [];
  if (slo.p99 !== undefined) parts.push(`p99 ≤ ${fmtMs(slo.p99)} ms`);
  if (slo.p999 !== undefined) parts.push(`p99.9 ≤ ${fmtMs(slo.p999)} ms`);
  if (slo.availability !== undefined) parts.push(`availability ≥ ${slo.availability} %`);
  return parts.join(', ');
}

/** What `lbsim capacity` found, as sentences. */
export function capacityText(c: CapacityReport): string {
  const what = c.vary === 'backends' ? 'Backends needed' : c.vary === 'rate' ? 'Largest arrival rate held' : 'Smallest speed (× the scenario’s)';
  const fmt = (x: number): string => (c.vary === 'backends' ? String(x) : c.vary === 'rate' ? `${Math.round(x)} req/s` : `${x.toFixed(2)}×`);
  const better = (a: number, b: number): number => (c.vary === 'rate' ? b - a : a - b);
  const rows = [...c.rows].sort((a, b) => (a.value === null ? 1 : b.value === null ? -1 : better(a.value, b.value)));
  const cells = rows.map((r) => `${r.strategy} ${r.value === null ? 'none in range' : fmt(r.value)}`);
  return `${what} to meet the SLO (${sloText(c.slo)}): ${cells.join(', ')}. Now: ${fmt(c.current)}.`;
}

/** What `lbsim tune` found, as a sentence. */
export function tuneText(t: TuneReport): string {
  const set = (s: Record<string, number>): string =>
    Object.entries(s)
      .map(([k, v]) => `${k} ${+v.toPrecision(4)}`)
      .join(', ') || 'the scenario as given';
  const m = t.metric === 'p999' ? 'p99.9' : t.metric;
  if (t.best === t.initial || JSON.stringify(t.best.settings) === JSON.stringify(t.initial.settings))
    return `Best ${t.strategy} setting: the scenario's own (${set(t.initial.settings)}), ${m} ${fmtMs(t.initial.value)} ms; no setting tried was lower (${t.evaluations} settings).`;
  const d = t.improvement;
  const ci = d.ci95 ? ` (95 % CI ${fmtMs(d.ci95[0])} to ${fmtMs(d.ci95[1])} ms)` : ' (no interval: one replication)';
  return `Best ${t.strategy} setting: ${set(t.best.settings)}, ${m} ${fmtMs(t.best.value)} ms, against ${fmtMs(t.initial.value)} ms for ${set(t.initial.settings)}: a difference of ${fmtMs(d.diff)} ms${ci}, from ${t.evaluations} settings.`;
}

/** Fills the decision box `el` for `file`; hides it when there is nothing to say. */
export function renderDecisionBox(el: HTMLElement, file: ResultsFile): void {
  el.replaceChildren();
  const d = file.decision;
  const head = document.createElement('h2');
  head.id = 'decision-heading';
  el.append(head);
  if (file.capacity) {
    head.textContent = 'Capacity';
    el.append(para(capacityText(file.capacity), 'recommendation'), para(`Method: ${file.capacity.method}.`, 'caption'));
  } else if (file.tune) {
    head.textContent = 'Tuning';
    el.append(para(tuneText(file.tune), 'recommendation'), para(`Method: ${file.tune.method}.`, 'caption'));
  } else if (d) {
    head.textContent = 'Recommendation';
    el.append(para(d.paragraph, 'recommendation'));
    const h = headroomText(d);
    if (h) el.append(para(h, 'caption'));
    if (d.pathological.length > 0) {
      const details = document.createElement('details');
      details.className = 'collapsed';
      const summary = document.createElement('summary');
      summary.textContent = `Collapsed (pathological here, hidden from the charts): ${d.pathological.map((p) => p.strategy).join(', ')}`;
      const ul = document.createElement('ul');
      ul.append(...d.pathological.map((p) => li(`${p.strategy}: ${p.reason}`)));
      details.append(summary, ul);
      el.append(details);
    }
  }
  el.hidden = el.childElementCount <= 1;
}
