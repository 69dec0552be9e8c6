import {
  deploymentStatus,
  serviceDeploymentError,
  serviceDeploymentStatus,
  serviceDeploymentTimes,
} from '../../state/deployments.js';
import { invalidationStatus } from '../../state/invalidations.js';
import type { Deployment } from '../../state/model.js';
import type { Tenant } from '../../state/tenants.js';
import { formatIsoTime } from '../../state/timestamps.js';

// The dashboard shows the latest entries; a sandbox can hold thousands.
export const ACTIVITY_LIMIT = 50;

/**
 * Describes what a tenant's clients set in motion, newest first: deployments with the
 * stages they passed through so far, and invalidations with their paths and status.
 */
export function describeActivity(tenant: Tenant): Record<string, unknown> {
  const now = tenant.clock.now();
  const world = tenant.world;
  const deployments = [...world.deployments.values()].slice(-ACTIVITY_LIMIT).reverse();
  const invalidations = [...world.invalidations.values()].slice(-ACTIVITY_LIMIT).reverse();

  return {
    now: formatIsoTime(now),
    clockMode: tenant.clock.mode,
    scenario: tenant.scenario.name,
    deployments: deployments.map((deployment) => ({
      deploymentId: deployment.id,
      environmentId: deployment.environmentId,
      environmentName: world.environments.get(deployment.environmentId)?.name ?? deployment.environmentId,
      gitBranch: deployment.gitBranch,
      gitCommit: deployment.gitCommit,
      createdAt: formatIsoTime(deployment.createdAt),
      status: deploymentStatus(deployment, now),
      stages: stagesSoFar(deployment, now),
      services: deployment.serviceIds.map((serviceId, index) => ({
        serviceId,
        name: world.services.get(serviceId)?.name ?? serviceId,
        status: serviceDeploymentStatus(deployment, index, now),
        error: serviceDeploymentError(deployment, index, now),
      })),
    })),
    invalidations: invalidations.map((invalidation) => ({
      invalidationId: invalidation.id,
      serviceId: invalidation.serviceId,
      serviceName: world.services.get(invalidation.serviceId)?.name ?? invalidation.serviceId,
      paths: invalidation.paths,
      status: invalidationStatus(invalidation, now),
      createdAt: formatIsoTime(invalidation.createdAt),
      completesAt: formatIsoTime(invalidation.completesAt),
    })),
  };
}

/** Lists the deployment's aggregate status changes up to now, each with the time it began. */
function stagesSoFar(deployment: Deployment, now: number): { status: string; at: string }[] {
  const times = new Set<number>([deployment.createdAt]);
  for (let index = 0; index < deployment.serviceIds.length; index++) {
    for (const time of serviceDeploymentTimes(deployment, index)) if (time <= now) times.add(time);
  }

  const stages: { status: string; at: string }[] = [];
  for (const time of [...times].sort((a, b) => a - b)) {
    const status = deploymentStatus(deployment, time);
    if (stages.at(-1)?.status !== status) stages.push({ status, at: formatIsoTime(time) });
  }
  return stages;
}
