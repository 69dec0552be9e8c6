import { STARTED_MESSAGE, createInvalidation, getInvalidation, invalidationStatus } from '../../state/invalidations.js';
import { formatIsoTime } from '../../state/timestamps.js';
import { checkProjectAccess, ok, stringParam, tenantOf, type OperationHandler } from './types.js';

export const createCloudFrontInvalidationHandler: OperationHandler = (request) => {
  const body = request.body as { paths: string[] };
  checkProjectAccess(request, tenantOf(request).world.services.get(stringParam(request.path, 'serviceId'))?.projectId);
  const invalidation = createInvalidation(tenantOf(request), stringParam(request.path, 'serviceId'), body.paths);
  return ok({ message: STARTED_MESSAGE, invalidationId: invalidation.id });
};

export const getCloudFrontInvalidationStatusHandler: OperationHandler = (request) => {
  const tenant = tenantOf(request);
  const invalidation = getInvalidation(tenant, stringParam(request.path, 'invalidationId'));
  checkProjectAccess(request, tenant.world.services.get(invalidation.serviceId)?.projectId);
  const status = invalidationStatus(invalidation, tenant.clock.now());
  return ok({
    invalidationId: invalidation.id,
    serviceId: invalidation.serviceId,
    status,
    paths: invalidation.paths,
    createdAt: formatIsoTime(invalidation.createdAt),
    completedAt: status === 'Completed' ? formatIsoTime(invalidation.completesAt) : null,
  });
};
