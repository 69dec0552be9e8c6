import { createHash } from 'node:crypto';

import { compileSettings, type CompiledScenario } from '../scenarios/compile-scenario.js';
import type { Scenario } from '../scenarios/scenario.js';
import type { SimulationRules } from '../scenarios/rules.js';
import { createClock, type Clock, type ClockOptions, type ClockSnapshot } from './clock.js';
import { FaultState } from './fault-state.js';
import { IdGenerator } from './ids.js';
import { Journal } from './journal.js';
import type { DeployHook, Environment } from './model.js';
import { SeededRandom, seedFromText } from './random.js';
import { World } from './world.js';
import type { WorldDefinition } from './world-definition.js';
import { loadWorld, saveWorld, type SavedWorld } from './world-snapshot.js';

/** A tenant as plain JSON, as the data file keeps it. */
export interface SavedTenant {
  keys: string[];
  primary: boolean;
  scenario: { scenario: Scenario; seed: number };
  definition: WorldDefinition;
  world: SavedWorld;
  clock: ClockSnapshot;
  ids: { counter: number; random: number };
  random: number;
  faultRandom: number;
}

/**
 * One isolated simulation: a world, its clock, its scenario, its random streams and its
 * request journal. API keys map to tenants, and deploy hooks reach a tenant through the
 * environment they belong to.
 */
export interface Tenant {
  /** A label for logs and the control API, derived from the key's hash, never the key. */
  readonly id: string;
  keys: readonly string[];
  scenario: CompiledScenario;
  /** The world this tenant starts from and returns to on reset, with its own deploy hooks. */
  definition: WorldDefinition;
  world: World;
  readonly clock: Clock;
  rules: SimulationRules;
  readonly ids: IdGenerator;
  random: SeededRandom;
  faultRandom: SeededRandom;
  faultState: FaultState;
  readonly journal: Journal;
  readonly hooks: DeployHookAllocator;
}

export interface DeployHookAllocator {
  /** Gives an environment a new deploy hook with an envId that no tenant uses yet. */
  allocate(tenant: Tenant, environment: Environment): DeployHook;
}

export interface HookMatch {
  tenant: Tenant;
  environment: Environment;
}

interface HookEntry {
  tenant: Tenant;
  environmentId: string;
}

export type KeyResolution = { tenant: Tenant; projects: ReadonlySet<string> | null } | { error: 'invalid' };

// The documented form of an API key that a scenario accepting any key turns into a tenant:
// 8 to 128 letters, digits, "_", "-" or ".".
export const API_KEY_FORM = /^[A-Za-z0-9_.-]{8,128}$/;

// Deploy hooks of tenants created for a new key get envIds from this range, derived from
// the key, so that the same key gets the same hooks on every run.
const KEY_HOOK_BASE = 1_000_000;
const KEY_HOOK_BLOCKS = 8_999_000;
const KEY_HOOK_BLOCK_SIZE = 100;

/**
 * Owns every tenant and the two indexes that requests resolve through: each API key, and
 * each deploy hook's envId. The primary tenant has the scenario's own
 * world and keys, and a scenario that accepts any key creates a tenant for each new key.
 */
export class TenantRegistry implements DeployHookAllocator {
  readonly primary: Tenant;
  private readonly byKey = new Map<string, Tenant>();
  private readonly hooksByEnvId = new Map<number, HookEntry>();
  private readonly tenants: Tenant[] = [];
  private nextHookEnvId = 1;

  constructor(
    readonly defaultScenario: CompiledScenario,
    private readonly clockOptions: ClockOptions,
  ) {
    this.primary = this.createTenant(defaultScenario, defaultScenario.world, defaultScenario.world.apiKeys);
  }

  /**
   * Resolves an API key to its tenant. A Map hashes the whole key before it compares
   * strings, so the lookup time does not reveal how much of a wrong key matches a real
   * one, and a request pays for no cryptographic hash. Revoked keys fail
   * like unknown ones; a new key of the documented form gets a tenant when the default
   * scenario accepts any key.
   */
  authenticate(key: string): KeyResolution {
    if (this.defaultScenario.keys.revoked.has(key)) return { error: 'invalid' };

    let tenant = this.byKey.get(key);
    if (tenant === undefined) {
      if (!this.defaultScenario.keys.acceptAny || !API_KEY_FORM.test(key)) return { error: 'invalid' };
      tenant = this.createTenantForKey(key);
    }
    if (tenant.scenario.keys.revoked.has(key)) return { error: 'invalid' };
    return { tenant, projects: this.allowedProjects(tenant, key) };
  }

  /**
   * Returns the projects a key may reach, or null for all of them. The server's scenario
   * and the tenant's loaded scenario both apply, like revocations do, so that a client
   * cannot lift its own limit by loading a scenario through the control API.
   */
  private allowedProjects(tenant: Tenant, key: string): ReadonlySet<string> | null {
    const serverLimit = this.defaultScenario.keys.limited.get(key);
    const tenantLimit = tenant.scenario === this.defaultScenario ? undefined : tenant.scenario.keys.limited.get(key);
    if (serverLimit === undefined) return tenantLimit ?? null;
    if (tenantLimit === undefined) return serverLimit;
    return new Set([...serverLimit].filter((projectId) => tenantLimit.has(projectId)));
  }

  /** Finds a tenant by key without creating one. */
  findByApiKey(key: string): Tenant | undefined {
    return this.byKey.get(key);
  }

  /**
   * Finds the environment of a deploy hook and checks its secret in constant time.
   * Returns undefined for an unknown envId and for a wrong secret alike.
   */
  findDeployHook(envId: number, secret: string): HookMatch | undefined {
    const entry = this.hooksByEnvId.get(envId);
    if (entry === undefined) return undefined;

    const environment = entry.tenant.world.environments.get(entry.environmentId);
    const hook = environment?.deployHook;
    if (environment === undefined || hook == null) return undefined;

    return sameSecret(secret, hook.secret) ? { tenant: entry.tenant, environment } : undefined;
  }

  allocate(tenant: Tenant, environment: Environment): DeployHook {
    const hook = { envId: this.freeEnvId(this.nextHookEnvId), secret: tenant.random.base36(24) };
    this.nextHookEnvId = hook.envId + 1;
    this.hooksByEnvId.set(hook.envId, { tenant, environmentId: environment.id });
    return hook;
  }

  /**
   * Rebuilds a tenant's world from its definition, clears its journal and restarts its
   * random streams. Ids keep counting, so no id from before the reset comes back.
   */
  reset(tenant: Tenant): void {
    this.unindexHooks(tenant);
    tenant.world = World.fromDefinition(tenant.definition);
    this.indexHooks(tenant);
    tenant.journal.clear();
    this.restartRandomStreams(tenant);
  }

  /** Replaces a tenant's scenario and resets it to the new scenario's world, keeping its keys. */
  loadScenario(tenant: Tenant, scenario: CompiledScenario): void {
    this.unindexHooks(tenant);
    tenant.scenario = scenario;
    tenant.rules = scenario.rules;
    tenant.definition = this.definitionFor(tenant === this.primary ? null : (tenant.keys[0] ?? null), scenario.world, tenant.keys);
    tenant.world = World.fromDefinition(tenant.definition);
    this.indexHooks(tenant);
    tenant.journal.clear();
    this.restartRandomStreams(tenant);
  }

  all(): readonly Tenant[] {
    return this.tenants;
  }

  /** Saves every tenant as plain JSON. The journals are not kept. */
  save(): SavedTenant[] {
    return this.tenants.map((tenant) => ({
      keys: [...tenant.keys],
      primary: tenant === this.primary,
      scenario: { scenario: tenant.scenario.scenario, seed: tenant.scenario.seed },
      definition: tenant.definition,
      world: saveWorld(tenant.world),
      clock: tenant.clock.snapshot(),
      ids: tenant.ids.position,
      random: tenant.random.position,
      faultRandom: tenant.faultRandom.position,
    }));
  }

  /**
   * Restores saved tenants: the saved primary replaces the primary tenant's state, and
   * every other saved tenant comes back with its keys, so its clients carry on.
   */
  restore(saved: readonly SavedTenant[]): void {
    for (const entry of saved) {
      const settings = compileSettings(entry.scenario.scenario, entry.scenario.seed, 'the data file');
      const scenario: CompiledScenario = { ...settings, world: entry.definition };
      let tenant: Tenant;
      if (entry.primary) {
        tenant = this.primary;
        this.unindexHooks(tenant);
        // The data file wins over the start options, so the saved keys reach the saved world.
        for (const key of tenant.keys) this.byKey.delete(key);
        tenant.keys = [...entry.keys];
        for (const key of tenant.keys) this.byKey.set(key, tenant);
        tenant.scenario = scenario;
        tenant.rules = scenario.rules;
        tenant.definition = entry.definition;
      } else {
        tenant = this.findByApiKey(entry.keys[0] ?? '') ?? this.createTenant(scenario, entry.definition, entry.keys);
        this.unindexHooks(tenant);
      }
      tenant.world = loadWorld(entry.world);
      this.indexHooks(tenant);
      tenant.clock.restore(entry.clock);
      tenant.ids.position = entry.ids;
      tenant.random.position = entry.random;
      tenant.faultRandom.position = entry.faultRandom;
    }
  }

  private createTenantForKey(key: string): Tenant {
    return this.createTenant(this.defaultScenario, this.definitionFor(key, this.defaultScenario.world, [key]), [key]);
  }

  private createTenant(scenario: CompiledScenario, definition: WorldDefinition, keys: readonly string[]): Tenant {
    const label = keys[0] ?? `tenant-${this.tenants.length}`;
    const tenant: Tenant = {
      id: `t_${hashKey(label).slice(0, 10)}`,
      keys,
      scenario,
      definition,
      world: World.fromDefinition(definition),
      clock: createClock(this.clockOptions),
      rules: scenario.rules,
      ids: new IdGenerator(seedFromText(`${scenario.seed}:ids:${label}`)),
      random: new SeededRandom(0),
      faultRandom: new SeededRandom(0),
      faultState: new FaultState(),
      journal: new Journal(),
      hooks: this,
    };
    this.restartRandomStreams(tenant);

    for (const key of keys) {
      if (this.byKey.has(key)) throw new Error(`API key ${maskKey(key)} is already in use by another tenant.`);
      this.byKey.set(key, tenant);
    }
    this.indexHooks(tenant);
    this.tenants.push(tenant);
    return tenant;
  }

  /**
   * Returns the world definition of a tenant. The primary tenant (key null) keeps the
   * scenario's deploy hooks. A tenant created for a key gets hooks of its own, with envIds
   * and secrets derived from the key, because a hook URL carries no key to pick a tenant by.
   */
  private definitionFor(key: string | null, world: WorldDefinition, keys: readonly string[]): WorldDefinition {
    if (key === null) {
      // The scenario's own envIds, unless another tenant took one since.
      const environments = world.environments.map((environment) => {
        const hook = environment.deployHook;
        if (hook === undefined || !this.hooksByEnvId.has(hook.envId)) return environment;
        return { ...environment, deployHook: { ...hook, envId: this.freeEnvId(hook.envId) } };
      });
      return { ...world, apiKeys: [...keys], environments };
    }

    const secrets = new SeededRandom(seedFromText(`${world.seed}:hook-secrets:${key}`));
    const base = KEY_HOOK_BASE + (seedFromText(`hooks:${key}`) % KEY_HOOK_BLOCKS) * KEY_HOOK_BLOCK_SIZE;
    const taken = new Set<number>();
    const environments = world.environments.map((environment, index) => {
      if (environment.deployHook === undefined) return environment;
      let envId = this.freeEnvId(base + index);
      while (taken.has(envId)) envId = this.freeEnvId(envId + 1);
      taken.add(envId);
      return { ...environment, deployHook: { envId, secret: secrets.base36(24) } };
    });
    return { ...world, apiKeys: [...keys], environments };
  }

  private restartRandomStreams(tenant: Tenant): void {
    const label = tenant.keys[0] ?? tenant.id;
    tenant.random = new SeededRandom(seedFromText(`${tenant.scenario.seed}:random:${label}`));
    tenant.faultRandom = new SeededRandom(seedFromText(`${tenant.scenario.seed}:faults:${label}`));
    tenant.faultState = new FaultState();
  }

  private freeEnvId(preferred: number): number {
    let envId = preferred;
    while (this.hooksByEnvId.has(envId)) envId++;
    return envId;
  }

  private indexHooks(tenant: Tenant): void {
    for (const environment of tenant.world.environments.values()) {
      const hook = environment.deployHook;
      if (hook == null) continue;

      const taken = this.hooksByEnvId.get(hook.envId);
      if (taken !== undefined && taken.tenant !== tenant) {
        throw new Error(`Deploy hook envId ${hook.envId} of environment ${environment.id} is already used by another tenant.`);
      }
      this.hooksByEnvId.set(hook.envId, { tenant, environmentId: environment.id });
    }
  }

  private unindexHooks(tenant: Tenant): void {
    for (const [envId, entry] of this.hooksByEnvId) {
      if (entry.tenant === tenant) this.hooksByEnvId.delete(envId);
    }
  }
}

/**
 * Compares a secret from a request with the real one in time that depends only on their
 * lengths, because every character is compared whatever the first difference. Only the
 * length can show in the time, and generated secrets all have 24 characters.
 */
function sameSecret(received: string, expected: string): boolean {
  if (received.length !== expected.length) return false;
  let difference = 0;
  for (let index = 0; index < received.length; index++) difference |= received.charCodeAt(index) ^ expected.charCodeAt(index);
  return difference === 0;
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Shows enough of a key to recognise it in a message, and never all of it. */
export function maskKey(key: string): string {
  return key.length <= 6 ? '***' : `${key.slice(0, 3)}***${key.slice(-2)}`;
}
