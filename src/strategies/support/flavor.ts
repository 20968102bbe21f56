/**
 * Flavors: where nginx, HAProxy, Envoy, AWS or the textbook (`paper`) implement a strategy
 * differently, the strategy takes a `flavor` option and follows that source exactly (the rules and
 * the upstream functions are in docs/strategies.md). This module holds the option's schema and
 * the check that an option belongs to the chosen flavor; the per-proxy table built from the
 * registry is `../proxies.ts`.
 *
 * The option is optional and has no schema default: a scenario that does not name a flavor gets
 * the strategy's default flavor inside `create`, and its parsed options (written into results
 * files) stay exactly what they were before flavors existed.
 */
import { z } from 'zod';
import type { StrategyFlavors } from '../../core/strategy.js';

/** Every flavor name: the proxy (or the paper) whose source a strategy variant follows. */
export const FLAVORS = ['nginx', 'haproxy', 'envoy', 'aws', 'paper'] as const;

/** A flavor name. */
export type Flavor = (typeof FLAVORS)[number];

/** A strategy's flavor table (the registry's `flavors` field) with typed names. */
export interface FlavorTable<F extends Flavor> extends StrategyFlavors {
  readonly list: readonly F[];
  readonly default: F;
  readonly differs: Readonly<Record<F, string>>;
}

/**
 * The `flavor` option of `strategy`: one of `flavors`, optional. An unknown flavor, or one the
 * strategy does not have, fails with a message naming the flavors it has.
 */
export function flavorOption<F extends Flavor>(strategy: string, flavors: readonly F[]): z.ZodOptional<z.ZodType<F, string>> {
  const known = flavors as readonly string[];
  const list = flavors.join(', ');
  return z
    .string()
    .refine((v): v is F => known.includes(v), {
      error: (iss) =>
        (FLAVORS as readonly string[]).includes(String(iss.input))
          ? `${strategy} has no flavor ${JSON.stringify(iss.input)}; its flavors are ${list}`
          : `unknown flavor ${JSON.stringify(iss.input)}; ${strategy}'s flavors are ${list}`,
    })
    // The JSON Schema of scenario files lists the flavors, for editors' completion.
    .meta({ enum: [...flavors] })
    .optional() as unknown as z.ZodOptional<z.ZodType<F, string>>;
}

/** A refinement context's issue sink (zod's `superRefine` context, reduced to what is used here). */
interface IssueSink {
  addIssue(issue: { code: 'custom'; path: PropertyKey[]; message: string }): void;
}

/**
 * Reports `key` when it is set but the chosen flavor (`flavor ?? fallback`) is not one of `allowed`:
 * "applies to flavor envoy only".
 */
export function onlyWithFlavor(
  ctx: IssueSink,
  key: string,
  value: unknown,
  flavor: string,
  allowed: readonly Flavor[],
): void {
  if (value === undefined || (allowed as readonly string[]).includes(flavor)) return;
  ctx.addIssue({
    code: 'custom',
    path: [key],
    message: `applies to flavor${allowed.length > 1 ? 's' : ''} ${allowed.join(', ')} only (the flavor here is ${flavor})`,
  });
}
