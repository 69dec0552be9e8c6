/** The programmatic API: start a mock for a test, or build one in-process with every option. */
export { startMock, type Mock, type StartMockOptions } from './start-mock.js';
export { buildApp, type AppOptions } from './server/app.js';
export { createMockServer, DEFAULT_SEED, type MockServer, type MockServerOptions } from './server/mock-server.js';
export { loadContract, type Contract, type ContractKind } from './server/contract.js';
export { BUILTIN_SCENARIOS } from './scenarios/builtin.js';
export type { Scenario, Fault, DeploymentRule, KeyRules, Duration } from './scenarios/scenario.js';
export { createClock, type Clock, type ClockMode, type ClockOptions } from './state/clock.js';
export { DEFAULT_RULES, type SimulationRules } from './scenarios/rules.js';
export type { JournalEntry, JournalFilter, Violation } from './state/journal.js';
export type { WorldDefinition } from './state/world-definition.js';
