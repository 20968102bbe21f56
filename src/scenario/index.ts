/**
 * The scenario: its file format (`schema.ts`), normalization (`normalize.ts`), the normalized
 * types (`types.ts`), parsing text (`parse-document.ts`), reading documents (`document.ts`) and
 * backend ids (`backend-ids.ts`); its JSON Schema (`json-schema.ts`) and the way back from a
 * normalized scenario to a document (`denormalize.ts`). Used by
 * the simulator, `lbsim live`, the interop importers and exporters, the CLI and the report.
 */
export { backendId, backendIds } from './backend-ids.js';
export { filesIn, loadScenario, parseDocument, parseScenario } from './document.js';
export { NO_FILES, normalizeScenario, type ScenarioFiles } from './normalize.js';
export { ADDRESS_RE, scenarioSchema, type RawScenario } from './schema.js';
export { placeholderWorkloadUntouched, workloadFingerprint, type ImportedInfo } from './imported.js';
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
  ObservedLog,
  RequestClass,
  RetryBudgetSettings,
  RetryCondition,
  Scenario,
  StrategyChoice,
  TraceArrival,
  TraceAttribute,
} from './types.js';
