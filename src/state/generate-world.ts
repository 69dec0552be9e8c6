// The English-only entry loads in a tenth of the time of the package's main entry, which
// brings every locale. Its one instance is re-seeded at the start of each synchronous use.
import { faker as englishFaker } from '@faker-js/faker/locale/en';

import { SeededRandom, seedFromText } from './random.js';
import type { EnvironmentDefinition, ProjectDefinition, ServiceDefinition, WorldDefinition } from './world-definition.js';

export interface GenerateOptions {
  seed: number;
  projects?: number;
  /** API keys of the world; by default one key derived from the seed. */
  apiKeys?: string[];
  /** First envId given to the generated deploy hooks. */
  firstHookEnvId?: number;
}

// Each project gets these environments, and each environment these services, so that a
// default world has more than one page of services (the default page size is 25) and
// every service kind the API treats differently: scalable, CloudFront-fronted, scheduler.
const ENVIRONMENT_PLAN = [
  { givenId: 'production', name: 'Production', type: 'standard' },
  { givenId: 'staging', name: 'Staging', type: 'standard' },
  { givenId: 'preview', name: 'Preview', type: 'preview' },
] as const;

const SERVICE_PLAN = [
  { givenId: 'web', name: 'Web', type: 'web', cloudfront: true },
  { givenId: 'site', name: 'Marketing Site', type: 'static', cloudfront: true },
  { givenId: 'api', name: 'Internal API', type: 'web-private', cloudfront: false },
  { givenId: 'worker', name: 'Worker', type: 'worker', cloudfront: false },
  { givenId: 'db', name: 'Database', type: 'rds', cloudfront: false },
  { givenId: 'cron', name: 'Scheduler', type: 'scheduler', cloudfront: false },
] as const;

// Services of generated worlds were created during 2025, so lists are ordered the same way
// on every run.
const CREATED_FROM = Date.parse('2025-01-01T00:00:00.000Z');
const CREATED_TO = Date.parse('2025-12-31T00:00:00.000Z');

/**
 * Generates a world from a seed with faker: the same seed gives the same ids, names,
 * domains, deploy-hook secrets and API key on every run.
 */
export function generateWorld(options: GenerateOptions): WorldDefinition {
  const faker = englishFaker;
  faker.seed(options.seed);
  const random = new SeededRandom(seedFromText(`world:${options.seed}`));
  const projectCount = options.projects ?? 2;
  let nextHookEnvId = options.firstHookEnvId ?? 101;

  const projects: ProjectDefinition[] = [];
  const environments: EnvironmentDefinition[] = [];
  const services: ServiceDefinition[] = [];

  for (let p = 0; p < projectCount; p++) {
    const company = faker.company.name();
    const slug = company.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
    const domain = faker.internet.domainName();
    const project: ProjectDefinition = { id: cuidLike(random), name: company, repoUrl: `https://github.com/${slug}/app` };
    projects.push(project);

    for (const plan of ENVIRONMENT_PLAN) {
      const environment: EnvironmentDefinition = {
        id: cuidLike(random),
        projectId: project.id,
        givenId: plan.givenId,
        name: plan.name,
        type: plan.type,
        region: faker.helpers.arrayElement(['us-east-1', 'us-west-2', 'eu-west-1']),
        branch: plan.givenId === 'staging' ? 'develop' : 'main',
        deployHook: { envId: nextHookEnvId++, secret: random.base36(24) },
      };
      environments.push(environment);

      for (const service of SERVICE_PLAN) {
        if (service.type === 'scheduler' && plan.type === 'preview') continue;
        const host = plan.givenId === 'production' ? `${service.givenId}.${domain}` : `${service.givenId}-${plan.givenId}.${domain}`;
        const scalable = service.type === 'web' || service.type === 'web-private' || service.type === 'worker';
        services.push({
          id: cuidLike(random),
          environmentId: environment.id,
          projectId: project.id,
          givenId: service.givenId,
          name: `${service.name}`,
          type: service.type,
          cloudfront: service.cloudfront,
          domain: service.cloudfront || service.type === 'web-private' ? `https://${host}` : undefined,
          desiredCount: scalable ? faker.number.int({ min: 1, max: 4 }) : undefined,
          autoscalingEnabled: scalable ? faker.datatype.boolean({ probability: 0.25 }) : undefined,
          jobs: service.type === 'scheduler' ? [{ givenId: 'nightly-report' }, { givenId: 'cleanup-sessions' }] : undefined,
          createdAt: new Date(faker.number.int({ min: CREATED_FROM, max: CREATED_TO })).toISOString(),
        });
      }
    }
  }

  return {
    seed: options.seed,
    apiKeys: options.apiKeys ?? [`fc_mock_${random.base36(24)}`],
    projects,
    environments,
    services,
  };
}

/** Draws a cuid-style id for generated entities, which exist before the clock starts, so it has no time part. */
function cuidLike(random: SeededRandom): string {
  return `cl${random.base36(23)}`;
}

/**
 * Adds generated services, spread over the world's environments in turn, until the world
 * has at least `minimum` services. Fixture worlds use this to exercise paging while their
 * named entities keep their exact ids.
 */
export function topUpServices(definition: WorldDefinition, minimum: number): WorldDefinition {
  const missing = minimum - definition.services.length;
  if (missing <= 0 || definition.environments.length === 0) return definition;

  const faker = englishFaker;
  faker.seed(definition.seed);
  const random = new SeededRandom(seedFromText(`top-up:${definition.seed}`));
  const takenGivenIds = new Set(definition.services.map((service) => `${service.environmentId}/${service.givenId}`));
  const added: ServiceDefinition[] = [];

  for (let i = 0; added.length < missing; i++) {
    const environment = definition.environments[i % definition.environments.length] as EnvironmentDefinition;
    const plan = SERVICE_PLAN[i % SERVICE_PLAN.length] as (typeof SERVICE_PLAN)[number];
    let givenId = `${plan.givenId}-${faker.word.noun().toLowerCase().replace(/[^a-z0-9]+/g, '')}`;
    while (takenGivenIds.has(`${environment.id}/${givenId}`)) givenId += `-${i}`;
    takenGivenIds.add(`${environment.id}/${givenId}`);

    const scalable = plan.type === 'web' || plan.type === 'web-private' || plan.type === 'worker';
    added.push({
      id: cuidLike(random),
      environmentId: environment.id,
      projectId: environment.projectId,
      givenId,
      name: `${plan.name} ${givenId.slice(plan.givenId.length + 1)}`,
      type: plan.type,
      cloudfront: plan.cloudfront,
      desiredCount: scalable ? 1 : undefined,
      jobs: plan.type === 'scheduler' ? [{ givenId: 'nightly-report' }] : undefined,
      createdAt: new Date(CREATED_FROM + i * 60_000).toISOString(),
    });
  }
  return { ...definition, services: [...definition.services, ...added] };
}
