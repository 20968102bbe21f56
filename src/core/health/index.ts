/**
 * Health mechanisms of the balancing core: nginx passive health, Envoy outlier detection,
 * HAProxy-style active-check hysteresis, Envoy slow start and panic threshold. Each is a pure state
 * machine over per-backend typed arrays; time is always an argument.
 */

export { PASSIVE_DEFAULTS, PassiveHealth, type PassiveOptions } from './passive.js';
export { OUTLIER_DEFAULTS, OutlierDetector, type OutlierOptions } from './outlier.js';
export { ACTIVE_DEFAULTS, ActiveHealth, type ActiveOptions } from './active.js';
export { SLOW_START_DEFAULTS, SlowStart, type SlowStartOptions } from './slow-start.js';
export { PANIC_DEFAULT_PERCENT, inPanic } from './panic.js';
