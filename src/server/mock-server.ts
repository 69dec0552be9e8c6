import { resolve } from 'node:path';

import type { FastifyInstance } from 'fastify';

import { compileScenario, DEFAULT_SEED, type CompiledScenario } from '../scenarios/compile-scenario.js';
import { checkScenario, loadScenario, type LocatedScenario } from '../scenarios/load-scenario.js';
import type { SimulationRules } from '../scenarios/rules.js';
import type { Scenario } from '../scenarios/scenario.js';
import type { ClockOptions } from '../state/clock.js';
import { topUpServices } from '../state/generate-world.js';
import { Store } from '../state/store.js';
import { TenantRegistry, type Tenant } from '../state/tenants.js';
import type { WorldDefinition } from '../state/world-definition.js';
import { buildApp } from './app.js';
import { loadContract } from './contract.js';
import type { LogFormat, LogLevel } from './logging.js';
import { holdTickShape } from './tick-shape.js';

export interface MockServerOptions {
  /** A built-in scenario name, a path to a YAML or JSON scenario file, or a scenario object. */
  scenario?: string | Scenario;
  /** Seed of the generated world and of every random draw; overrides the scenario's. */
  seed?: number;
  /** A world fixture file with exact ids, used instead of the scenario's world. */
  worldFile?: string;
  /** An already parsed world, used instead of the scenario's world. */
  world?: WorldDefinition;
  /** Top the world up with generated services until it has this many. */
  minServices?: number;
  clock?: ClockOptions;
  /** Lifecycle rules that replace the scenario's, for tests of one rule. */
  rules?: SimulationRules;
  logLevel?: LogLevel;
  /** Destination of log lines; standard output unless set. */
  logStream?: NodeJS.WritableStream;
  logFormat?: LogFormat;
  validateResponses?: boolean;
  /** A JSON file that keeps every tenant across restarts. */
  dataFile?: string;
  /** Milliseconds between writes of the data file. */
  flushIntervalMs?: number;
}

export interface MockServer {
  app: FastifyInstance;
  registry: TenantRegistry;
  /** The tenant of the scenario's own world and keys. */
  tenant: Tenant;
  scenario: CompiledScenario;
  /** The data file, when the server keeps one. */
  store: Store | null;
}

export { DEFAULT_SEED };

/** Loads the contracts, the scenario and its world, and builds the app that serves them. Does not listen. */
export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  // Called before the world loads, because restoring a large data file can run full
  // garbage collections.
  holdTickShape();

  const scenario = await resolveScenario(options);
  const registry = new TenantRegistry(scenario, options.clock ?? { mode: 'real' });
  // The data file is read before the contracts load, so a bad file stops start-up at once.
  const store = options.dataFile === undefined ? null : new Store(options.dataFile, registry, options.flushIntervalMs);
  await store?.open();
  const [contract, controlContract] = await Promise.all([loadContract('documented'), loadContract('control')]);

  const app = await buildApp({
    contract,
    controlContract,
    registry,
    logLevel: options.logLevel ?? 'silent',
    logStream: options.logStream,
    logFormat: options.logFormat,
    validateResponses: options.validateResponses ?? false,
    store,
  });
  if (store !== null) {
    store.onWriteError = (error) => app.log.error({ err: error, file: store.file }, 'writing the data file failed; retrying at the next interval');
  }
  return { app, registry, tenant: registry.primary, scenario, store };
}

/** Combines the scenario with the options that override parts of it. */
export async function resolveScenario(options: MockServerOptions): Promise<CompiledScenario> {
  let located: LocatedScenario;
  if (typeof options.scenario === 'object') {
    located = { scenario: checkScenario(options.scenario, `scenario '${options.scenario.name}'`), baseDirectory: process.cwd(), source: `scenario '${options.scenario.name}'` };
  } else {
    located = await loadScenario(options.scenario ?? 'default');
  }

  if (options.worldFile !== undefined) {
    const world = { ...located.scenario.world, fixture: resolve(options.worldFile) };
    delete world.projects;
    delete world.explicit;
    located = { ...located, scenario: { ...located.scenario, world } };
  }

  const compiled = await compileScenario(located, { seed: options.seed });
  let world = options.world ?? compiled.world;
  if (options.minServices !== undefined) world = topUpServices(world, options.minServices);
  const keys =
    options.world !== undefined && located.scenario.keys?.accept === undefined ? { ...compiled.keys, acceptAny: false } : compiled.keys;
  return { ...compiled, world, keys, rules: options.rules ?? compiled.rules };
}
