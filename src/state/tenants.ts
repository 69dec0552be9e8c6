import { createHash, timingSafeEqual } from 'node:crypto';

import type { SimulationRules } from '../scenarios/rules.js';
import type { Clock } from './clock.js';
import { IdGenerator } from './ids.js';
import type { DeployHook, Environment } from './model.js';
import { SeededRandom, seedFromText } from './random.js';
import { World } from './world.js';
import type { WorldDefinition } from './world-definition.js';

/**
 * One isolated simulation: a world, its clock, its rules and its random streams. API keys
 * map to tenants, and deploy hooks reach a tenant through the environment they belong to.
 */
export interface Tenant {
  /** A label for logs and the control API, derived from the key's hash, never the key. */
  readonly id: string;
  readonly definition: WorldDefinition;
  world: World;
  readonly clock: Clock;
  rules: SimulationRules;
  readonly ids: IdGenerator;
  readonly random: SeededRandom;
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

/**
 * Owns every tenant and the two indexes that requests resolve through: the SHA-256 of
 * each API key, and each deploy hook's envId.
 */
export class TenantRegistry implements DeployHookAllocator {
  private readonly byKeyHash = new Map<string, Tenant>();
  private readonly hooksByEnvId = new Map<number, { tenant: Tenant; environmentId: string }>();
  private readonly tenants: Tenant[] = [];
  private nextHookEnvId = 1;

  createTenant(definition: WorldDefinition, rules: SimulationRules, clock: Clock): Tenant {
    const label = definition.apiKeys[0] ?? `tenant-${this.tenants.length}`;
    const tenant: Tenant = {
      id: `t_${hashKey(label).slice(0, 10)}`,
      definition,
      world: World.fromDefinition(definition),
      clock,
      rules,
      ids: new IdGenerator(seedFromText(`${definition.seed}:ids:${label}`)),
      random: new SeededRandom(seedFromText(`${definition.seed}:random:${label}`)),
      hooks: this,
    };

    for (const key of definition.apiKeys) {
      const keyHash = hashKey(key);
      if (this.byKeyHash.has(keyHash)) throw new Error(`API key ${maskKey(key)} is already in use by another tenant.`);
      this.byKeyHash.set(keyHash, tenant);
    }
    this.indexHooks(tenant);
    this.tenants.push(tenant);
    return tenant;
  }

  /**
   * Finds the tenant of an API key. The lookup goes through the key's SHA-256, so its time
   * does not depend on how much of a wrong key matches a real one.
   */
  findByApiKey(key: string): Tenant | undefined {
    return this.byKeyHash.get(hashKey(key));
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

    const given = createHash('sha256').update(secret).digest();
    const expected = createHash('sha256').update(hook.secret).digest();
    return timingSafeEqual(given, expected) ? { tenant: entry.tenant, environment } : undefined;
  }

  allocate(tenant: Tenant, environment: Environment): DeployHook {
    while (this.hooksByEnvId.has(this.nextHookEnvId)) this.nextHookEnvId++;
    const hook = { envId: this.nextHookEnvId, secret: tenant.random.base36(24) };
    this.hooksByEnvId.set(hook.envId, { tenant, environmentId: environment.id });
    return hook;
  }

  /** Rebuilds a tenant's world from its definition. Ids keep counting, so none is reused. */
  reset(tenant: Tenant): void {
    for (const [envId, entry] of this.hooksByEnvId) {
      if (entry.tenant === tenant) this.hooksByEnvId.delete(envId);
    }
    tenant.world = World.fromDefinition(tenant.definition);
    this.indexHooks(tenant);
  }

  all(): readonly Tenant[] {
    return this.tenants;
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
}

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

/** Shows enough of a key to recognise it in a message, and never all of it. */
export function maskKey(key: string): string {
  return key.length <= 6 ? '***' : `${key.slice(0, 3)}***${key.slice(-2)}`;
}
