/**
 * The recommendation: from a run's comparison (`src/results/compare.ts`), the scenario's SLO,
 * baseline and proxy, one strategy and one paragraph that says why — first in the terminal and in
 * the report, and what `lbsim export --strategy best` writes.
 *
 * Rules, in order:
 * 1. Candidates are the strategies the proxy can run (`proxies.ts`; every strategy without a proxy)
 *    that are not pathological (`pathology.ts`) and, with an SLO, meet it at 95 % (`slo.ts`).
 * 2. No recommendation when the comparison cannot decide (one replication, too few requests beyond
 *    the percentile): the paragraph says what the run shows and how to get an answer.
 * 3. The best candidate by the ranked metric leads; among the candidates statistically tied with it
 *    (same tied group), the baseline is kept if it is one of them (switching buys nothing
 *    measurable), else the one that needs least (fewest costs, `strategyCosts`), then the lowest.
 * 4. The paragraph gives the difference against the baseline with its paired interval, what the
 *    choice needs, its settings and the export command.
 */
import { fmtDifference, fmtMs, listOf, metricName } from '../results/compare.js';
import type { Comparison, Decision, SloResult, StrategyResult } from '../results/schema.js';
import type { Scenario, StrategyChoice } from '../scenario/types.js';
import { findStrategy } from '../strategies/registry.js';
import { pathologyOf } from './pathology.js';
import { proxyName, proxySupport, strategyCosts } from './proxies.js';
import { checkSlo, describeSlo, sloTargets } from './slo.js';

/** Options of {@link recommend}. */
export interface RecommendOptions {
  /** True when the baseline was not given by the scenario but defaulted (round robin). */
  defaultBaseline?: boolean;
}

/** The proxies whose own methods the paragraph lists when no proxy is set. */
const LISTED = ['nginx', 'haproxy', 'envoy'] as const;

/** Options that differ from the strategy's defaults, as "draws 3, replacement true". */
export function nonDefaultSettings(choice: StrategyChoice): string {
  const def = findStrategy(choice.name);
  const defaults = def ? (def.options.parse({}) as Record<string, unknown>) : {};
  const diff = Object.entries(choice.options).filter(([k, v]) => JSON.stringify(defaults[k]) !== JSON.stringify(v));
  return diff.map(([k, v]) => `${k} ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join(', ');
}

/** The export format for a proxy target (nginx Plus exports as nginx). */
function exportFormat(scenario: Scenario): string {
  const p = scenario.proxy;
  return p === 'haproxy' || p === 'envoy' ? p : 'nginx';
}

function sloPhrase(r: SloResult | undefined): string {
  if (!r) return '';
  return r.verdict === 'meets' ? 'meets the SLO' : r.verdict === 'fails' ? 'fails the SLO' : 'may or may not meet the SLO';
}

/**
 * The decision for a run (see the module header). `results` and `comparison` are the run's; the
 * scenario supplies the SLO, baseline and proxy.
 */
export function recommend(results: readonly StrategyResult[], comparison: Comparison, scenario: Scenario, opts: RecommendOptions = {}): Decision {
  const metric = comparison.metric;
  const name = metricName(metric);
  const byLabel = new Map(results.map((r) => [r.strategy, r]));
  const choiceOf = (label: string): StrategyChoice =>
    scenario.strategies.find((s) => s.label === label) ?? { name: byLabel.get(label)?.name ?? label, label, options: byLabel.get(label)?.options ?? {} };
  const maxConnSet = scenario.backends.every((g) => g.maxConn > 0);
  const pathological = comparison.strategies
    .map((s) => ({ strategy: s.strategy, reason: pathologyOf(byLabel.get(s.strategy)!, choiceOf(s.strategy), maxConnSet) }))
    .filter((p): p is { strategy: string; reason: string } => p.reason !== null);
  const sick = new Set(pathological.map((p) => p.strategy));
  const excluded: { strategy: string; reason: string }[] = [];
  if (scenario.proxy) {
    for (const s of comparison.strategies) {
      const sup = proxySupport(choiceOf(s.strategy), scenario.proxy);
      if (!sup.runs) excluded.push({ strategy: s.strategy, reason: `${proxyName(scenario.proxy)} cannot run it (nearest: ${sup.as})` });
    }
  }
  for (const p of pathological) if (!excluded.some((e) => e.strategy === p.strategy)) excluded.push(p);
  const out = new Set(excluded.map((e) => e.strategy));
  const slo = scenario.slo;
  const sloResults = slo ? comparison.strategies.map((s) => checkSlo(byLabel.get(s.strategy)!, slo)) : [];
  const sloOf = new Map(sloResults.map((r) => [r.strategy, r]));
  const open = comparison.strategies.filter((s) => !out.has(s.strategy));
  const pool = slo ? open.filter((s) => sloOf.get(s.strategy)?.verdict === 'meets') : open;
  const base = comparison.baseline;
  const decision: Decision = {
    slo: slo ? sloTargets(slo) : null,
    sloResults,
    proxy: scenario.proxy ?? null,
    excluded,
    pathological,
    recommended: null,
    settings: null,
    costs: [],
    paragraph: '',
  };
  const tail: string[] = [];
  if (excluded.length > 0) {
    const forProxy = excluded.filter((e) => !sick.has(e.strategy)).map((e) => e.strategy);
    if (forProxy.length > 0 && scenario.proxy) tail.push(`Left out as ${proxyName(scenario.proxy)} cannot run them: ${listOf(forProxy)}.`);
    if (pathological.length > 0) tail.push(`Left out as pathological here: ${pathological.map((p) => `${p.strategy} ${p.reason}`).join('; ')}.`);
  }
  const sloText = slo ? describeSlo(slo) : '';
  const finish = (text: string): Decision => {
    decision.paragraph = [text, ...tail].join(' ');
    return decision;
  };

  if (comparison.strategies.length === 0) return finish('Nothing to recommend: no strategy was run.');
  if (pool.length === 0) {
    if (slo) {
      const maybe = open.filter((s) => sloOf.get(s.strategy)?.verdict === 'uncertain').map((s) => s.strategy);
      if (maybe.length > 0)
        return finish(
          `No recommendation: no strategy meets the SLO (${sloText}) with 95 % confidence; ${listOf(maybe)} may (their intervals straddle the target, or the run is too short for the percentile). ` +
            `Run more or longer replications (--replications 10, --duration), or lbsim capacity to find the fleet that meets it.`,
        );
      const closest = open[0] ?? comparison.strategies[0]!;
      const r = byLabel.get(closest.strategy)!;
      return finish(
        `No recommendation: no strategy meets the SLO (${sloText}). Closest: ${closest.strategy} with ${name} ${fmtMs(r.latency[metric])} ms. ` +
          `More or faster backends are needed: lbsim capacity <scenario> finds how many.`,
      );
    }
    return finish('No recommendation: every strategy was left out.');
  }
  const top = pool[0]!;
  const undecided = comparison.strategies.length > 1 && (comparison.replications < 2 || comparison.tied.length === 0);
  if (undecided) {
    const why =
      comparison.replications < 2
        ? 'one replication gives no interval on the differences; rerun with --replications 5 (or replications: 5 in the scenario)'
        : `the ${name} rests on too few requests (${comparison.strategies.find((s) => s.sampleWarning)?.sampleWarning ?? 'short run'})`;
    return finish(
      `No recommendation yet: ${why}. In this run the lowest ${name}${slo ? ` among the ${pool.length} ${pool.length === 1 ? 'strategy' : 'strategies'} meeting the SLO (${sloText})` : ''} is ${top.strategy}'s, ${fmtMs(byLabel.get(top.strategy)!.latency[metric])} ms.`,
    );
  }
  const tied = pool.filter((s) => s.group !== null && s.group === top.group);
  const costsOf = (label: string): string[] => strategyCosts(choiceOf(label), scenario);
  let pick = top;
  let why = '';
  if (base && tied.some((s) => s.strategy === base)) {
    pick = tied.find((s) => s.strategy === base)!;
    if (pick !== top) why = `it is your baseline and statistically tied with the lowest, ${top.strategy}, so switching buys nothing measurable`;
  } else if (tied.length > 1) {
    const fewest = [...tied].sort((a, b) => costsOf(a.strategy).length - costsOf(b.strategy).length || a.rank - b.rank)[0]!;
    if (fewest !== top) {
      pick = fewest;
      why = `it is statistically tied with the lowest, ${top.strategy} (which needs: ${costsOf(top.strategy).join('; ')}), and needs less`;
    }
  }
  const choice = choiceOf(pick.strategy);
  const r = byLabel.get(pick.strategy)!;
  decision.recommended = pick.strategy;
  decision.settings = { name: choice.name, options: choice.options };
  decision.costs = costsOf(pick.strategy);

  const s: string[] = [`Recommendation: ${pick.strategy}.`];
  const ci = metric === 'p99' ? r.ci95.p99 : metric === 'mean' ? r.ci95.mean : null;
  const value = `${fmtMs(r.latency[metric])} ms${ci ? ` (95 % CI ${fmtMs(ci[0])}–${fmtMs(ci[1])})` : ''}`;
  const among =
    comparison.strategies.length === 1
      ? `Only ${pick.strategy} was run${slo ? `; it meets the SLO (${sloText})` : ''}, so there is nothing to compare it with`
      : slo
        ? `${pool.length} of ${comparison.strategies.length} strategies ${pool.length === 1 ? 'meets' : 'meet'} the SLO (${sloText}) with 95 % confidence`
        : `No SLO is set, so the ranking is by ${name}`;
  const others = tied.filter((t) => t !== pick).map((t) => t.strategy);
  if (comparison.strategies.length === 1) s.push(`${among}: ${name} ${value}.`);
  else if (why) s.push(`${among}; ${pick.strategy} is chosen at ${name} ${value} because ${why}.`);
  else
    s.push(
      `${among}; ${pick.strategy} has the lowest ${name}${slo ? ' among them' : ''}, ${value}, ` +
        (others.length > 0
          ? `statistically tied with ${listOf(others)}${others.every((o) => costsOf(o).length > costsOf(pick.strategy).length) ? `, but needs less (${others.map((o) => `${o}: ${costsOf(o)[0]}`).join('; ')})` : ''}.`
          : 'and no other is statistically tied with it.'),
    );
  // What the run could not settle: strategies whose SLO check is neither meets nor fails.
  const unsure = slo ? open.filter((x) => sloOf.get(x.strategy)?.verdict === 'uncertain') : [];
  if (unsure.length > 0) {
    const thin = unsure.filter((x) => sloOf.get(x.strategy)!.checks.some((c) => c.verdict === 'uncertain' && c.note?.includes('requests beyond')));
    const wide = unsure.filter((x) => !thin.includes(x));
    const parts = [
      wide.length > 0 ? `${listOf(wide.map((x) => x.strategy))} (95 % interval straddles the target; more replications would tell)` : '',
      thin.length > 0 ? `${listOf(thin.map((x) => x.strategy))} (too few requests beyond the percentile; a longer --duration would tell)` : '',
    ].filter((x) => x !== '');
    s.push(`Undecided: whether ${parts.join(' and ')} ${unsure.length === 1 ? 'meets' : 'meet'} the SLO.`);
  }
  if (base && base !== pick.strategy) {
    const row = comparison.strategies.find((x) => x.strategy === pick.strategy)!;
    const dp = row.vsBaseline?.[metric];
    const dm = row.vsBaseline?.mean;
    const b = byLabel.get(base)!;
    const verdict = slo ? `, ${sloPhrase(sloOf.get(base))}` : '';
    const change = (d: typeof dp, what: string): string => {
      if (!d) return '';
      const lower = d.diff <= 0;
      const flip = { diff: -d.diff, ci95: d.ci95 ? ([-d.ci95[1], -d.ci95[0]] as [number, number]) : null, n: d.n };
      const same = d.ci95 !== null && d.ci95[0] <= 0 && d.ci95[1] >= 0;
      if (same) return `${what} is statistically unchanged (${fmtDifference(d)})`;
      return `${lower ? 'lowers' : 'raises'} ${what} by ${fmtDifference(lower ? flip : d)}`;
    };
    const parts = [change(dp, name), metric !== 'mean' ? change(dm, 'the mean') : ''].filter((x) => x !== '');
    s.push(
      `Against ${opts.defaultBaseline ? 'the default baseline' : 'your baseline'} ${base} (${name} ${fmtMs(b.latency[metric])} ms${verdict}) it ${parts.join(' and ')}, paired over ${comparison.replications} replications.`,
    );
    if (opts.defaultBaseline) s.push('(Set baseline: in the scenario to the strategy you run today.)');
  } else if (base === pick.strategy) {
    s.push('That is your baseline: keep it.');
  }
  const costs = decision.costs;
  if (scenario.proxy) {
    const sup = proxySupport(choice, scenario.proxy);
    s.push(`On ${proxyName(scenario.proxy)}: ${sup.as}${costs.length > 0 ? `; needs: ${costs.join('; ')}` : ''}.`);
  } else {
    const where = LISTED.map((p) => ({ p, sup: proxySupport(choice, p) }));
    const runs = where.filter((w) => w.sup.runs).map((w) => `on ${proxyName(w.p)} as ${w.sup.as}`);
    const plus = choice.name === 'least-time' || choice.name === 'sticky' ? [`on nginx Plus as ${proxySupport(choice, 'nginx-plus').as}`] : [];
    s.push(`Runs ${listOf([...runs, ...plus, 'in lbsim proxy'])}${costs.length > 0 ? `; needs: ${costs.join('; ')}` : '; needs nothing beyond that'}.`);
  }
  const set = nonDefaultSettings(choice);
  s.push(`Settings: ${set ? `${set} (other options at their defaults)` : 'the strategy\'s defaults'}, with the scenario's balancer settings.`);
  // No file name here: the results must not depend on where they are written (nor differ from the playground's).
  s.push(`Export: lbsim export <results.json or scenario> --strategy best --format ${exportFormat(scenario)}.`);
  return finish(s.join(' '));
}
