import {
  aggregateStatus,
  getDeployment,
  serviceDeploymentError,
  serviceDeploymentIds,
  serviceDeploymentStatuses,
} from '../../state/deployments.js';
import type { Deployment } from '../../state/model.js';
import type { Tenant } from '../../state/tenants.js';
import { formatDeploymentTime } from '../../state/timestamps.js';
import { checkProjectAccess, ok, stringParam, tenantOf, type OperationHandler } from './types.js';

export const getDeploymentHandler: OperationHandler = (request) => {
  const tenant = tenantOf(request);
  const deployment = getDeployment(tenant, stringParam(request.path, 'deploymentId'));
  checkProjectAccess(request, deployment.projectId);
  return ok(deploymentBody(tenant, deployment));
};

/** Builds the documented deployment body, with statuses computed for the tenant's current time. */
export function deploymentBody(tenant: Tenant, deployment: Deployment): Record<string, unknown> {
  const now = tenant.clock.now();
  const environment = tenant.world.environments.get(deployment.environmentId);
  // Each service's status is computed once, for its entry and for the aggregate.
  const statuses = serviceDeploymentStatuses(deployment, now);
  const ids = serviceDeploymentIds(deployment);

  return {
    deploymentId: deployment.id,
    projectId: deployment.projectId,
    environmentId: deployment.environmentId,
    environmentGivenId: environment?.givenId ?? '',
    isPreviewEnvironment: deployment.isPreview,
    createdAt: formatDeploymentTime(deployment.createdAt),
    repoUrl: deployment.repoUrl,
    gitCommit: deployment.gitCommit,
    gitBranch: deployment.gitBranch,
    status: aggregateStatus(statuses),
    serviceDeployments: deployment.serviceIds.map((serviceId, index) => {
      const service = tenant.world.services.get(serviceId);
      return {
        service: {
          serviceId,
          serviceGivenId: service?.givenId ?? '',
          serviceName: service?.name ?? '',
          serviceDomain: service?.domain ?? null,
          type: service?.type ?? '',
        },
        serviceDeploymentId: ids[index] ?? '',
        status: statuses[index] ?? 'PENDING',
        error: serviceDeploymentError(deployment, index, now),
      };
    }),
  };
}
