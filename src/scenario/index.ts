/**
 * The scenario: its file format (`schema.ts`), normalization (`normalize.ts`), the normalized
 * types (`types.ts`), reading documents (`document.ts`) and backend ids (`backend-ids.ts`). Used by
 * the simulator, `lbsim live`, the interop importers and exporters, the CLI and the report.
 */
export { backendId, backendIds } from './backend-ids.js';
export { loadScenario, parseDocument } from './document.js';
export { parseScenario } from './normalize.js';
export { scenarioSchema, type RawScenario } from './schema.js';
export type {
  Arrival,
  AutoscaleSettings,
  BackendGroup,
  BalancerSettings,
  BalancersSettings,
  CacheSettings,
  Clients,
  Distribution,
  Fault,
  FaultBase,
  FaultKind,
  HealthCheckSettings,
  KeyPopulation,
  RequestClass,
  RetryBudgetSettings,
  Scenario,
  StrategyChoice,
} from './types.js';
