/** The programmatic API: build a mock server in-process, or load the contract it serves. */
export { buildApp, type AppOptions } from './server/app.js';
export { createMockServer, DEFAULT_SEED, type MockServer, type MockServerOptions } from './server/mock-server.js';
export { loadContract, type Contract, type ContractKind } from './server/contract.js';
export { createClock, type Clock, type ClockMode, type ClockOptions } from './state/clock.js';
export { DEFAULT_RULES, type SimulationRules } from './scenarios/rules.js';
export type { WorldDefinition } from './state/world-definition.js';
