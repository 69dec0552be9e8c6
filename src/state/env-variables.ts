import { createHash } from 'node:crypto';

import { DomainError, notFound } from './errors.js';
import type { EnvVariable, EnvVariableSource } from './model.js';
import type { Tenant } from './tenants.js';

/** The request body of both env-variable endpoints, already checked against the contract. */
export interface EnvVariablesInput {
  plainText?: Record<string, string>;
  parameterStore?: Record<string, string>;
  secretsManager?: Record<string, string>;
  fromParameterStore?: Record<string, string>;
  fromSecretsManager?: Record<string, string>;
  fromService?: Record<string, { id: string; value: string }>;
}

export type EnvVariablesResult =
  | { kind: 'completed'; savedCount: number }
  | { kind: 'processing'; runId: string; savedCount: number; processingCount: number };

export type EnvVariableScope = { kind: 'environment'; id: string } | { kind: 'service'; id: string };

// Groups that Flightcontrol writes to AWS itself, which makes the request asynchronous.
const MANAGED_SECRET_GROUPS = new Set<EnvVariableSource>(['parameterStore', 'secretsManager']);
const GROUPS: readonly EnvVariableSource[] = [
  'plainText',
  'parameterStore',
  'secretsManager',
  'fromParameterStore',
  'fromSecretsManager',
  'fromService',
];

/**
 * Saves variables for an environment or a service. Plain text and references take effect
 * at once; Flightcontrol-managed secrets take effect after the scenario's delay and make
 * the response asynchronous. A secret's value is never stored, only its SHA-256.
 */
export function writeEnvVariables(tenant: Tenant, scope: EnvVariableScope, input: EnvVariablesInput): EnvVariablesResult {
  checkScopeExists(tenant, scope);
  checkNames(input);

  const now = tenant.clock.now();
  const secretsReadyAt = now + tenant.rules.managedSecretMs;
  let store = tenant.world.envVariables.get(scope.id);
  if (store === undefined) {
    store = new Map();
    tenant.world.envVariables.set(scope.id, store);
  }

  let savedCount = 0;
  let processingCount = 0;
  for (const group of GROUPS) {
    const values = input[group] as Record<string, string | { id: string; value: string }> | undefined;
    const entries = Object.entries(values ?? {});
    const managed = MANAGED_SECRET_GROUPS.has(group);
    for (const [name, value] of entries) {
      store.set(name, toVariable(name, group, value, managed ? secretsReadyAt : now, now));
      if (managed) processingCount++;
      else savedCount++;
    }
  }

  if (processingCount === 0) return { kind: 'completed', savedCount };
  return { kind: 'processing', runId: tenant.ids.next(now), savedCount, processingCount };
}

function toVariable(
  name: string,
  source: EnvVariableSource,
  value: string | { id: string; value: string },
  effectiveAt: number,
  now: number,
): EnvVariable {
  if (typeof value === 'object') {
    return { name, source, value: null, serviceReference: { ...value }, secretSha256: null, effectiveAt, updatedAt: now };
  }
  if (MANAGED_SECRET_GROUPS.has(source)) {
    const secretSha256 = createHash('sha256').update(value).digest('hex');
    return { name, source, value: null, serviceReference: null, secretSha256, effectiveAt, updatedAt: now };
  }
  return { name, source, value, serviceReference: null, secretSha256: null, effectiveAt, updatedAt: now };
}

function checkScopeExists(tenant: Tenant, scope: EnvVariableScope): void {
  if (scope.kind === 'environment' && !tenant.world.environments.has(scope.id)) throw notFound('Environment', scope.id);
  if (scope.kind === 'service' && !tenant.world.services.has(scope.id)) throw notFound('Service', scope.id);
}

/**
 * Describes why a variable name cannot be used, or returns null for a valid name. A process
 * cannot hold an empty name or one with "=", because setenv(3) fails on both.
 */
export function variableNameProblem(name: string): string | null {
  if (name === '') return 'contains a variable with an empty name. Give every variable a non-empty name';
  if (name.includes('=')) return `contains the variable name ${JSON.stringify(name)}, which is invalid because a name cannot contain "="`;
  return null;
}

/** Rejects invalid names, and a name given in two groups, because which one should win is ambiguous. */
function checkNames(input: EnvVariablesInput): void {
  const seen = new Map<string, EnvVariableSource>();
  for (const group of GROUPS) {
    for (const name of Object.keys(input[group] ?? {})) {
      const problem = variableNameProblem(name);
      if (problem !== null) {
        throw new DomainError('INVALID_INPUT', `Invalid request: ${group} ${problem}.`, [{ path: group, in: 'body', message: problem }]);
      }
      const earlier = seen.get(name);
      if (earlier !== undefined) {
        throw new DomainError('INVALID_INPUT', `Invalid request: variable ${name} is given in both ${earlier} and ${group}.`, [
          { path: `${group}.${name}`, in: 'body', message: `is also given in ${earlier}; give each variable in one group only` },
        ]);
      }
      seen.set(name, group);
    }
  }
}
