import { FINAL_DEPLOYMENT_STATUSES } from '../../scenarios/rules.js';
import { deploymentStatus } from '../../state/deployments.js';
import { invalidationStatus } from '../../state/invalidations.js';
import type { DeployHook, Environment } from '../../state/model.js';
import type { Tenant } from '../../state/tenants.js';
import { formatIsoTime } from '../../state/timestamps.js';

/**
 * Describes a tenant's world for the control API and the dashboard: what it contains,
 * the deploy-hook URLs a client needs, and counts of what the API created. Secret
 * env-variable values are not part of it.
 */
export function describeWorld(tenant: Tenant, origin: string): Record<string, unknown> {
  const world = tenant.world;
  const now = tenant.clock.now();
  let deploymentsInProgress = 0;
  for (const deployment of world.deployments.values()) {
    if (!FINAL_DEPLOYMENT_STATUSES.has(deploymentStatus(deployment, now))) deploymentsInProgress++;
  }
  let invalidationsInProgress = 0;
  for (const invalidation of world.invalidations.values()) {
    if (invalidationStatus(invalidation, now) === 'InProgress') invalidationsInProgress++;
  }

  return {
    tenant: tenant.id,
    now: formatIsoTime(now),
    projects: [...world.projects.values()].map((project) => ({ id: project.id, name: project.name, repoUrl: project.repoUrl })),
    environments: [...world.environments.values()].map((environment) => ({
      id: environment.id,
      projectId: environment.projectId,
      givenId: environment.givenId,
      name: environment.name,
      type: environment.type,
      region: environment.region,
      branch: environment.source.branch,
      envVariables: [...(world.envVariables.get(environment.id)?.keys() ?? [])],
      deployHook:
        environment.deployHook === null
          ? null
          : { envId: environment.deployHook.envId, url: deployHookUrl(origin, environment, environment.deployHook) },
    })),
    services: world.serviceOrder.map((service) => ({
      id: service.id,
      environmentId: service.environmentId,
      projectId: service.projectId,
      givenId: service.givenId,
      name: service.name,
      type: service.type,
      cloudfront: service.cloudfront,
      desiredCount: service.scaling?.desiredCount ?? null,
      jobs: service.jobs.map((job) => job.givenId),
    })),
    counts: {
      projects: world.projects.size,
      environments: world.environments.size,
      services: world.services.size,
      deployments: world.deployments.size,
      deploymentsInProgress,
      invalidations: world.invalidations.size,
      invalidationsInProgress,
      jobExecutions: world.jobExecutions.size,
    },
  };
}

/**
 * Builds the URL of an environment's deploy hook. A preview environment's URL ends in the
 * placeholders {prNumber}/{commitSHA}, which the caller replaces with a pull request
 * number and a commit SHA.
 */
export function deployHookUrl(origin: string, environment: Environment, hook: DeployHook): string {
  const base = `${origin}/api/deploy-hook/${hook.envId}/${hook.secret}`;
  return environment.type === 'preview' ? `${base}/{prNumber}/{commitSHA}` : base;
}
