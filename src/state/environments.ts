import { variableNameProblem } from './env-variables.js';
import { DomainError, notFound } from './errors.js';
import type { Environment, EnvironmentSource, PreviewSettings, Project, Service } from './model.js';
import { SCALABLE_SERVICE_TYPES } from './model.js';
import type { Tenant } from './tenants.js';

/** Service types that a created environment may declare, as flightcontrol.json names them. */
export const KNOWN_SERVICE_TYPES: readonly string[] = [
  'web',
  'web-private',
  'worker',
  'network-server',
  'static',
  'scheduler',
  'rds',
  'elasticache',
  'lambda-function',
  's3',
];

// AWS region names such as us-east-1, eu-central-2 or us-gov-west-1.
const REGION_PATTERN = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/;

export interface EnvironmentInput {
  name: string;
  region: string;
  source?: { branch?: string; trigger?: 'push' | 'manual' };
  services?: Record<string, unknown>[];
  vpc?: { id?: string; cidr?: string; private?: boolean };
  envVariables?: Record<string, string>;
}

export interface EnvironmentEdit {
  name?: string;
  source?: { branch?: string; trigger?: 'push' | 'manual' };
}

/** The request body of the preview-environment endpoint, which nests trigger and filter under `source`. */
export interface PreviewEnvironmentInput {
  name?: string;
  source?: { trigger?: 'push' | 'manual'; filter?: PreviewSettings['filter'] };
}

/** Creates a standard environment with its services and a deploy hook, so it can be deployed at once. */
export function createEnvironment(tenant: Tenant, projectId: string, input: EnvironmentInput): Environment {
  const project = findProject(tenant, projectId);
  checkName(input.name);
  checkRegion(input.region);
  checkVariableNames(input.envVariables ?? {});
  const serviceInputs = checkServices(input.services ?? []);

  const now = tenant.clock.now();
  const environment: Environment = {
    id: tenant.ids.next(now),
    projectId: project.id,
    givenId: uniqueGivenId(tenant, project.id, slugify(input.name)),
    name: input.name,
    type: 'standard',
    region: input.region,
    source: mergeSource({ branch: 'main', trigger: 'push' }, input.source),
    vpc: input.vpc ? { ...input.vpc } : null,
    deployHook: null,
    busyUntil: 0,
    createdAt: now,
    updatedAt: now,
  };
  tenant.world.environments.set(environment.id, environment);
  environment.deployHook = tenant.hooks.allocate(tenant, environment);

  for (const item of serviceInputs) addService(tenant, environment, item, now);
  storePlainVariables(tenant, environment.id, input.envVariables ?? {}, now);
  return environment;
}

/**
 * Edits an environment through the seed contract's PATCH form, whose path has no
 * environment id: the environment is the one in the project with the given name.
 */
export function editEnvironmentByName(tenant: Tenant, projectId: string, input: EnvironmentInput): Environment {
  const project = findProject(tenant, projectId);
  const candidates = [...tenant.world.environments.values()].filter(
    (environment) => environment.projectId === project.id && environment.name === input.name,
  );
  const environment = candidates[0];
  if (environment === undefined) {
    throw new DomainError('NOT_FOUND', `Environment not found: project ${projectId} has no environment named '${input.name}'.`);
  }
  if (candidates.length > 1) {
    throw invalid('name', `matches ${candidates.length} environments; edit one by id with POST /v1/projects/${projectId}/environments/{environmentId}`);
  }
  if (input.region !== environment.region) {
    throw invalid('region', `is ${environment.region} for environment '${environment.name}' and cannot be changed`);
  }

  const now = tenant.clock.now();
  checkVariableNames(input.envVariables ?? {});
  const serviceInputs = checkServices(input.services ?? []);
  environment.source = mergeSource(environment.source, input.source);
  if (input.vpc) environment.vpc = { ...environment.vpc, ...input.vpc };
  for (const item of serviceInputs) {
    const existing = tenant.world.servicesOfEnvironment(environment.id).services.find((service) => service.givenId === item.id);
    if (existing === undefined) addService(tenant, environment, item, now);
    else {
      existing.name = item.name;
      existing.updatedAt = now;
    }
  }
  storePlainVariables(tenant, environment.id, input.envVariables ?? {}, now);
  environment.updatedAt = now;
  return environment;
}

/** Edits an environment's name and source, the documented POST form of edit environment. */
export function editEnvironment(tenant: Tenant, projectId: string, environmentId: string, edit: EnvironmentEdit): Environment {
  const project = findProject(tenant, projectId);
  const environment = tenant.world.environments.get(environmentId);
  if (environment === undefined || environment.projectId !== project.id) throw notFound('Environment', environmentId);

  if (edit.name !== undefined) {
    checkName(edit.name);
    environment.name = edit.name;
  }
  environment.source = mergeSource(environment.source, edit.source);
  environment.updatedAt = tenant.clock.now();
  return environment;
}

/** Updates a project's preview-environment settings. Fields the request leaves out keep their value. */
export function updatePreviewSettings(tenant: Tenant, projectId: string, input: PreviewEnvironmentInput): Project {
  const project = findProject(tenant, projectId);
  if (input.name !== undefined) checkName(input.name);

  const settings: PreviewSettings = { ...project.previewSettings };
  if (input.name !== undefined) settings.name = input.name;
  if (input.source?.trigger !== undefined) settings.trigger = input.source.trigger;
  if (input.source?.filter !== undefined) settings.filter = { ...input.source.filter };
  project.previewSettings = settings;
  return project;
}

function findProject(tenant: Tenant, projectId: string): Project {
  const project = tenant.world.projects.get(projectId);
  if (project === undefined) throw notFound('Project', projectId);
  return project;
}

interface ServiceInput {
  id: string;
  name: string;
  type: string;
}

/** Checks that each declared service has the id, name and type that Flightcontrol requires. */
function checkServices(items: Record<string, unknown>[]): ServiceInput[] {
  const givenIds = new Set<string>();
  return items.map((item, index) => {
    for (const field of ['id', 'name', 'type'] as const) {
      const value = item[field];
      if (typeof value !== 'string' || value.trim() === '') {
        throw invalid(`services[${index}].${field}`, 'is required and must be a non-empty string');
      }
    }
    const service = item as unknown as ServiceInput;
    if (!KNOWN_SERVICE_TYPES.includes(service.type)) {
      throw invalid(`services[${index}].type`, `must be one of ${KNOWN_SERVICE_TYPES.join(', ')}, got '${service.type}'`);
    }
    if (givenIds.has(service.id)) throw invalid(`services[${index}].id`, `repeats the service id '${service.id}'`);
    givenIds.add(service.id);
    return service;
  });
}

function addService(tenant: Tenant, environment: Environment, item: ServiceInput, now: number): Service {
  const cloudfront = item.type === 'static' || item.type === 'web';
  const service: Service = {
    id: tenant.ids.next(now),
    environmentId: environment.id,
    projectId: environment.projectId,
    givenId: item.id,
    name: item.name,
    type: item.type,
    cloudfront,
    domain: cloudfront ? `https://${item.id}-${environment.givenId}.example.com` : null,
    scaling: SCALABLE_SERVICE_TYPES.has(item.type)
      ? { desiredCount: 1, autoscalingEnabled: false, minInstances: 1, maxInstances: 10, lastChange: null }
      : null,
    jobs: [],
    createdAt: now,
    updatedAt: now,
  };
  tenant.world.addService(service);
  return service;
}

function storePlainVariables(tenant: Tenant, scopeId: string, variables: Record<string, string>, now: number): void {
  const entries = Object.entries(variables);
  if (entries.length === 0) return;

  let store = tenant.world.envVariables.get(scopeId);
  if (store === undefined) {
    store = new Map();
    tenant.world.envVariables.set(scopeId, store);
  }
  for (const [name, value] of entries) {
    store.set(name, { name, source: 'plainText', value, serviceReference: null, secretSha256: null, effectiveAt: now, updatedAt: now });
  }
}

function mergeSource(current: EnvironmentSource, change: EnvironmentEdit['source']): EnvironmentSource {
  return { branch: change?.branch ?? current.branch, trigger: change?.trigger ?? current.trigger };
}

function checkName(name: string): void {
  if (name.trim() === '') throw invalid('name', 'must not be empty');
}

function checkVariableNames(variables: Record<string, string>): void {
  for (const name of Object.keys(variables)) {
    const problem = variableNameProblem(name);
    if (problem !== null) throw invalid('envVariables', problem);
  }
}

function checkRegion(region: string): void {
  if (!REGION_PATTERN.test(region)) throw invalid('region', `must be an AWS region such as us-east-1, got '${region}'`);
}

function uniqueGivenId(tenant: Tenant, projectId: string, base: string): string {
  const taken = new Set(
    [...tenant.world.environments.values()].filter((env) => env.projectId === projectId).map((env) => env.givenId),
  );
  if (!taken.has(base)) return base;
  let suffix = 2;
  while (taken.has(`${base}-${suffix}`)) suffix++;
  return `${base}-${suffix}`;
}

function slugify(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return slug === '' ? 'environment' : slug;
}

function invalid(path: string, message: string): DomainError {
  return new DomainError('INVALID_INPUT', `Invalid request: ${path} ${message}.`, [{ path, in: 'body', message }]);
}
