import type { FastifyInstance } from 'fastify';

import { DEFAULT_RULES, type SimulationRules } from '../scenarios/rules.js';
import { createClock, type ClockOptions } from '../state/clock.js';
import { generateWorld, topUpServices } from '../state/generate-world.js';
import { TenantRegistry, type Tenant } from '../state/tenants.js';
import type { WorldDefinition } from '../state/world-definition.js';
import { loadWorldFixture } from '../state/world-fixture.js';
import { buildApp } from './app.js';
import { loadContract } from './contract.js';
import type { LogLevel } from './logging.js';

export interface MockServerOptions {
  /** Seed of the generated world and of every random draw. */
  seed?: number;
  /** A world fixture file with exact ids, used instead of the generated world. */
  worldFile?: string;
  /** An already parsed world, used instead of the generated one. */
  world?: WorldDefinition;
  /** Top the world up with generated services until it has this many. */
  minServices?: number;
  clock?: ClockOptions;
  rules?: SimulationRules;
  logLevel?: LogLevel;
  /** Destination of log lines; standard output unless set. */
  logStream?: NodeJS.WritableStream;
  validateResponses?: boolean;
}

export interface MockServer {
  app: FastifyInstance;
  registry: TenantRegistry;
  /** The tenant of the world the server started with. */
  tenant: Tenant;
}

export const DEFAULT_SEED = 1;

/** Loads the contract and the world, and builds the app that serves them. Does not listen. */
export async function createMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  const seed = options.seed ?? DEFAULT_SEED;
  let definition = options.world ?? (options.worldFile === undefined ? generateWorld({ seed }) : await loadWorldFixture(options.worldFile, seed));
  if (options.minServices !== undefined) definition = topUpServices(definition, options.minServices);

  const contract = await loadContract('documented');
  const registry = new TenantRegistry();
  const tenant = registry.createTenant(definition, options.rules ?? DEFAULT_RULES, createClock(options.clock ?? { mode: 'real' }));

  const app = await buildApp({
    contract,
    registry,
    logLevel: options.logLevel ?? 'silent',
    logStream: options.logStream,
    validateResponses: options.validateResponses ?? false,
  });
  return { app, registry, tenant };
}
