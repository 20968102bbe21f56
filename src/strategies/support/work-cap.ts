/**
 * Work caps on strategy options: a stated ceiling on each option whose value multiplies the work of
 * every pick (draws, probes) or sizes what a strategy allocates up front (prequal's probe pool), so
 * a typo such as `draws: 2e9` is a one-line error when the scenario is read instead of a run that
 * never ends (README, "Security and limits"). Checked in a refinement rather than as a schema
 * maximum, so that `lbsim tune`'s default search ranges (read from schema bounds in
 * src/decide/tune-params.ts) stay those of the option's meaning, not of the cap.
 */

/** Candidates drawn per pick (p2c `draws`, peak-ewma `draws`), and prequal probes per pick. */
export const MAX_DRAWS = 1024;
/** Probes prequal keeps (its pool is allocated up front and scanned on every pick). */
export const MAX_PROBE_POOL = 65_536;

/** A refinement context's issue sink (zod's `superRefine` context, reduced to what is used here). */
interface IssueSink {
  addIssue(issue: { code: 'custom'; path: PropertyKey[]; message: string }): void;
}

/** Reports `key` when `value` exceeds `max`: "at most 1,024 (each pick …)". */
export function capOption(ctx: IssueSink, key: string, value: number | undefined, max: number, why: string): void {
  if (value === undefined || value <= max) return;
  ctx.addIssue({ code: 'custom', path: [key], message: `at most ${max.toLocaleString('en-US')} (${why})` });
}
