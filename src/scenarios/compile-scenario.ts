import { resolve } from 'node:path';

import { OPERATION_IDS } from '../server/operation-ids.js';
import { generateWorld, topUpServices } from '../state/generate-world.js';
import type { WorldDefinition } from '../state/world-definition.js';
import { loadWorldFixture, parseWorldFixture } from '../state/world-fixture.js';
import { toMilliseconds } from './duration.js';
import { ScenarioError, type LocatedScenario } from './load-scenario.js';
import { DEFAULT_RULES, type SimulationRules, type StageDurations } from './rules.js';
import type { Duration, Fault, FaultStatus, Scenario, StageSettings } from './scenario.js';

/** A fault with its durations in milliseconds and its operations checked. */
export interface CompiledFault {
  index: number;
  operations: ReadonlySet<string> | null;
  latency: { minMs: number; maxMs: number } | null;
  status: FaultStatus | null;
  retryAfterSeconds: number;
  drop: boolean;
  probability: number;
  times: number | null;
  rateLimit: { requests: number; windowMs: number } | null;
}

export interface KeyPolicy {
  acceptAny: boolean;
  revoked: ReadonlySet<string>;
  limited: ReadonlyMap<string, ReadonlySet<string>>;
}

/** A scenario ready to run: its world definition, rules, faults and key policy. */
export interface CompiledScenario {
  name: string;
  scenario: Scenario;
  seed: number;
  world: WorldDefinition;
  rules: SimulationRules;
  faults: CompiledFault[];
  keys: KeyPolicy;
}

export const DEFAULT_SEED = 1;

/**
 * Turns a checked scenario into what the simulation runs. Reads the world fixture when
 * the scenario names one, and rejects values the schema cannot express, such as an
 * unknown operationId or a fault without an effect.
 */
export async function compileScenario(located: LocatedScenario, overrides: { seed?: number } = {}): Promise<CompiledScenario> {
  const seed = overrides.seed ?? located.scenario.seed ?? DEFAULT_SEED;
  const world = await buildWorld(located, seed);
  return { ...compileSettings(located.scenario, seed, located.source), world };
}

/**
 * Compiles everything of a scenario but its world: rules, faults and key policy. A saved
 * tenant is restored with this, because its world comes from the data file.
 */
export function compileSettings(scenario: Scenario, seed: number, source: string): Omit<CompiledScenario, 'world'> {
  return {
    name: scenario.name,
    scenario,
    seed,
    rules: compileRules(scenario, source),
    faults: (scenario.faults ?? []).map((fault, index) => compileFault(fault, index, source)),
    keys: {
      // A fixture world names its keys, so only those work unless the scenario sets key rules.
      acceptAny: (scenario.keys?.accept ?? (scenario.world?.fixture === undefined && scenario.world?.explicit === undefined ? 'any' : 'listed')) === 'any',
      revoked: new Set(scenario.keys?.revoked ?? []),
      limited: new Map((scenario.keys?.limited ?? []).map((rule) => [rule.key, new Set(rule.projects)])),
    },
  };
}

async function buildWorld(located: LocatedScenario, seed: number): Promise<WorldDefinition> {
  const settings = located.scenario.world ?? {};
  let definition: WorldDefinition;

  if (settings.fixture !== undefined) {
    definition = await loadWorldFixture(resolve(located.baseDirectory, settings.fixture), seed);
  } else if (settings.explicit !== undefined) {
    definition = parseWorldFixture({ apiKeys: settings.apiKeys ?? ['scenario-key'], ...settings.explicit }, `${located.source} (world.explicit)`, seed);
  } else {
    definition = generateWorld({ seed, projects: settings.projects });
  }

  if (settings.apiKeys !== undefined) definition = { ...definition, apiKeys: settings.apiKeys };
  if (settings.minServices !== undefined) definition = topUpServices(definition, settings.minServices);
  return definition;
}

function compileRules(scenario: Scenario, source: string): SimulationRules {
  const defaults = DEFAULT_RULES;
  const deployments = scenario.deployments ?? {};

  return {
    deployment: {
      stages: mergeStages(defaults.deployment.stages, deployments.stages),
      outcome: deployments.outcome ?? defaults.deployment.outcome,
      serviceJitterMs: milliseconds(deployments.serviceJitter, defaults.deployment.serviceJitterMs, source, 'deployments.serviceJitter'),
      rules: (deployments.rules ?? []).map((rule) => ({
        match: rule.match,
        stages: rule.stages === undefined ? undefined : partialStages(rule.stages),
        outcome: rule.outcome,
        services: Object.fromEntries(
          Object.entries(rule.services ?? {}).map(([service, override]) => [
            service,
            { stages: override.stages === undefined ? undefined : partialStages(override.stages), outcome: override.outcome },
          ]),
        ),
      })),
    },
    invalidationMs: milliseconds(scenario.invalidations?.duration, defaults.invalidationMs, source, 'invalidations.duration'),
    scalingTransitionMs: milliseconds(scenario.scaling?.transition, defaults.scalingTransitionMs, source, 'scaling.transition'),
    managedSecretMs: milliseconds(scenario.envVariables?.managedSecretDelay, defaults.managedSecretMs, source, 'envVariables.managedSecretDelay'),
    job: {
      initializingMs: milliseconds(scenario.jobs?.initializing, defaults.job.initializingMs, source, 'jobs.initializing'),
      runningMs: milliseconds(scenario.jobs?.running, defaults.job.runningMs, source, 'jobs.running'),
    },
  };
}

function compileFault(fault: Fault, index: number, source: string): CompiledFault {
  const where = `faults[${index}]`;
  for (const [position, operationId] of (fault.operations ?? []).entries()) {
    if (!(OPERATION_IDS as readonly string[]).includes(operationId)) {
      throw new ScenarioError(`Invalid scenario ${source}:\n  ${where}.operations[${position}]: unknown operationId '${operationId}'; expected one of ${OPERATION_IDS.join(', ')}`);
    }
  }
  if (fault.status === undefined && fault.drop !== true && fault.latency === undefined && fault.rateLimit === undefined) {
    throw new ScenarioError(`Invalid scenario ${source}:\n  ${where}: has no effect; set latency, status, drop or rateLimit`);
  }
  if (fault.rateLimit !== undefined && (fault.status !== undefined || fault.drop === true || fault.latency !== undefined || fault.probability !== undefined || fault.times !== undefined || fault.retryAfterSeconds !== undefined)) {
    throw new ScenarioError(`Invalid scenario ${source}:\n  ${where}: a rateLimit fault responds 429 with the seconds until a slot frees, so it takes no status, drop, latency, probability, times or retryAfterSeconds; put those in a fault of their own`);
  }
  if (fault.status !== undefined && fault.drop === true) {
    throw new ScenarioError(`Invalid scenario ${source}:\n  ${where}: cannot both answer with status ${fault.status} and drop the connection; split it into two faults`);
  }

  let latency: { min: Duration; max: Duration } | null = null;
  if (typeof fault.latency === 'object') latency = fault.latency;
  else if (fault.latency !== undefined) latency = { min: fault.latency, max: fault.latency };
  const minMs = latency === null ? 0 : toMilliseconds(latency.min);
  const maxMs = latency === null ? 0 : toMilliseconds(latency.max);
  if (maxMs < minMs) throw new ScenarioError(`Invalid scenario ${source}:\n  ${where}.latency: max (${maxMs} ms) is below min (${minMs} ms)`);

  return {
    index,
    operations: fault.operations === undefined ? null : new Set(fault.operations),
    latency: latency === null ? null : { minMs, maxMs },
    status: fault.rateLimit !== undefined ? 429 : (fault.status ?? null),
    retryAfterSeconds: fault.retryAfterSeconds ?? 1,
    drop: fault.drop === true,
    probability: fault.probability ?? 1,
    times: fault.times ?? null,
    rateLimit: fault.rateLimit === undefined ? null : { requests: fault.rateLimit.requests, windowMs: toMilliseconds(fault.rateLimit.window) },
  };
}

function milliseconds(duration: Duration | undefined, fallback: number, source: string, field: string): number {
  if (duration === undefined) return fallback;
  try {
    return toMilliseconds(duration);
  } catch (error) {
    throw new ScenarioError(`Invalid scenario ${source}:\n  ${field}: ${(error as Error).message}`);
  }
}

function mergeStages(base: StageDurations, settings: StageSettings | undefined): StageDurations {
  return { ...base, ...partialStages(settings ?? {}) };
}

function partialStages(settings: StageSettings): Partial<StageDurations> {
  const stages: Partial<StageDurations> = {};
  if (settings.pending !== undefined) stages.pendingMs = toMilliseconds(settings.pending);
  if (settings.inProgress !== undefined) stages.inProgressMs = toMilliseconds(settings.inProgress);
  if (settings.building !== undefined) stages.buildingMs = toMilliseconds(settings.building);
  if (settings.deploying !== undefined) stages.deployingMs = toMilliseconds(settings.deploying);
  return stages;
}

