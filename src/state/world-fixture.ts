import { readFile } from 'node:fs/promises';

import { Ajv, type ErrorObject } from 'ajv';

import { describePointer } from './field-path.js';
import type { WorldDefinition } from './world-definition.js';

/** A fixture file that cannot be used; the message names the file, the field and the fix. */
export class WorldFixtureError extends Error {}

const idSchema = { type: 'string', minLength: 1 };

// JSON Schema of a world fixture file. Unknown top-level keys such as "description" are
// allowed, so a fixture can carry notes for people.
export const WORLD_FIXTURE_SCHEMA = {
  type: 'object',
  required: ['apiKeys', 'projects', 'environments', 'services'],
  properties: {
    seed: { type: 'integer', minimum: 0, maximum: 4294967295 },
    apiKeys: { type: 'array', minItems: 1, items: { type: 'string', minLength: 1, pattern: '^\\S+$' } },
    projects: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'name'],
        properties: { id: idSchema, name: { type: 'string' }, repoUrl: { type: 'string' } },
      },
    },
    environments: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'projectId', 'givenId', 'name', 'type', 'region'],
        properties: {
          id: idSchema,
          projectId: idSchema,
          givenId: idSchema,
          name: { type: 'string' },
          type: { enum: ['standard', 'preview'] },
          region: { type: 'string' },
          branch: { type: 'string' },
          deployHook: {
            type: 'object',
            additionalProperties: false,
            required: ['envId', 'secret'],
            properties: {
              envId: { type: 'integer', minimum: 1, maximum: Number.MAX_SAFE_INTEGER },
              secret: { type: 'string', minLength: 1, pattern: '^[^/]+$' },
            },
          },
        },
      },
    },
    services: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'environmentId', 'projectId', 'givenId', 'name', 'type'],
        properties: {
          id: idSchema,
          environmentId: idSchema,
          projectId: idSchema,
          givenId: idSchema,
          name: { type: 'string' },
          type: { type: 'string', minLength: 1 },
          cloudfront: { type: 'boolean' },
          domain: { type: 'string' },
          desiredCount: { type: 'integer', minimum: 0, maximum: 100 },
          autoscalingEnabled: { type: 'boolean' },
          minInstances: { type: 'integer', minimum: 0, maximum: 100 },
          maxInstances: { type: 'integer', minimum: 0, maximum: 100 },
          createdAt: { type: 'string', format: 'date-time' },
          jobs: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['givenId'],
              properties: { id: idSchema, givenId: idSchema },
            },
          },
        },
      },
    },
  },
} as const;

const validateFixture = new Ajv({ allErrors: true, validateFormats: false }).compile(WORLD_FIXTURE_SCHEMA);

/** Reads and checks a world fixture file, or throws WorldFixtureError saying what to fix. */
export async function loadWorldFixture(file: string, defaultSeed: number): Promise<WorldDefinition> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new WorldFixtureError(`Cannot read world fixture ${file}: ${(error as Error).message}`);
  }

  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new WorldFixtureError(`Invalid JSON in world fixture ${file}: ${(error as Error).message}`);
  }
  return parseWorldFixture(data, file, defaultSeed);
}

export function parseWorldFixture(data: unknown, source: string, defaultSeed: number): WorldDefinition {
  if (!validateFixture(data)) {
    const problems = (validateFixture.errors ?? []).map(describeSchemaError).join('\n  ');
    throw new WorldFixtureError(`Invalid world fixture ${source}:\n  ${problems}`);
  }

  const fixture = data as unknown as Omit<WorldDefinition, 'seed'> & { seed?: number };
  const definition: WorldDefinition = {
    seed: fixture.seed ?? defaultSeed,
    apiKeys: fixture.apiKeys,
    projects: fixture.projects,
    environments: fixture.environments,
    services: fixture.services,
  };
  const problems = findReferenceProblems(definition);
  if (problems.length > 0) throw new WorldFixtureError(`Invalid world fixture ${source}:\n  ${problems.join('\n  ')}`);
  return definition;
}

/** Finds duplicate ids and references to projects or environments that the fixture lacks. */
function findReferenceProblems(definition: WorldDefinition): string[] {
  const problems: string[] = [];
  const projectIds = checkUnique(definition.projects, 'projects', problems);
  const environmentIds = checkUnique(definition.environments, 'environments', problems);
  checkUnique(definition.services, 'services', problems);

  const hookEnvIds = new Set<number>();
  definition.environments.forEach((environment, index) => {
    if (!projectIds.has(environment.projectId)) {
      problems.push(`environments[${index}].projectId: no project has the id '${environment.projectId}'; add it to projects or fix the id`);
    }
    const envId = environment.deployHook?.envId;
    if (envId !== undefined) {
      if (hookEnvIds.has(envId)) problems.push(`environments[${index}].deployHook.envId: ${envId} is used by another environment; give each hook its own envId`);
      hookEnvIds.add(envId);
    }
  });

  const environmentsById = new Map(definition.environments.map((environment) => [environment.id, environment]));
  definition.services.forEach((service, index) => {
    const environment = environmentsById.get(service.environmentId);
    if (!environmentIds.has(service.environmentId)) {
      problems.push(`services[${index}].environmentId: no environment has the id '${service.environmentId}'; add it to environments or fix the id`);
    } else if (environment !== undefined && environment.projectId !== service.projectId) {
      problems.push(`services[${index}].projectId: is '${service.projectId}' but its environment belongs to project '${environment.projectId}'`);
    }
  });
  return problems;
}

function checkUnique(items: { id: string }[], list: string, problems: string[]): Set<string> {
  const ids = new Set<string>();
  items.forEach((item, index) => {
    if (ids.has(item.id)) problems.push(`${list}[${index}].id: '${item.id}' appears twice; ids must be unique`);
    ids.add(item.id);
  });
  return ids;
}

function describeSchemaError(error: ErrorObject): string {
  const where = describePointer(error.instancePath);
  if (error.keyword === 'required') return `${where}: missing required field '${String(error.params.missingProperty)}'`;
  if (error.keyword === 'additionalProperties') {
    return `${where}: unknown field '${String(error.params.additionalProperty)}'; check its spelling`;
  }
  if (error.keyword === 'enum') return `${where}: must be one of ${(error.params.allowedValues as unknown[]).join(', ')}`;
  return `${where}: ${error.message ?? 'is invalid'}`;
}
