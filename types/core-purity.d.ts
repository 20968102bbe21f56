/**
 * Compile-time guard for `tsconfig.core.json`: `src/core` and `src/strategies` receive time and
 * randomness (a `Clock`, an `Rng`), they never read them. That config loads no Node types and no
 * DOM, so `node:*` imports, `process`, `performance`, `setTimeout`/`setInterval` and `console` do
 * not exist there. `Date.now()`, `new Date()` and `Math.random()` are part of the language, so this
 * file (loaded only by that config) adds a first overload to each that returns an unusable brand
 * instead of a number: using the result anywhere a number is expected is a type error naming the
 * rule. It lives outside `src/` so that `tsconfig.json` never loads it; everything else sees the standard
 * signatures.
 */

declare const readsTheClockOrRandomness: unique symbol;

/** What `Date.now()` and `new Date()` give in the pure core: nothing usable. Use the `Clock` you were handed. */
interface CoreReceivesTimeFromItsClock {
  readonly [readsTheClockOrRandomness]: 'src/core and src/strategies receive time from a Clock';
}

/** What `Math.random()` gives in the pure core: nothing usable. Use the `Rng` you were handed. */
interface CoreReceivesRandomnessFromItsRng {
  readonly [readsTheClockOrRandomness]: 'src/core and src/strategies receive randomness from an Rng';
}

interface DateConstructor {
  now(): CoreReceivesTimeFromItsClock;
  new (): CoreReceivesTimeFromItsClock;
}

interface Math {
  random(): CoreReceivesRandomnessFromItsRng;
}
