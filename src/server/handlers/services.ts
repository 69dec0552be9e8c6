import type { EnvironmentType } from '../../state/model.js';
import { listServices, previewEnvironmentIdOf } from '../../state/services.js';
import { formatIsoTime } from '../../state/timestamps.js';
import { ok, tenantOf, type OperationHandler } from './types.js';

/**
 * GET /v1/services. nextPage and previousPage are skip offsets, as the documented example
 * shows (47 services with take 25 give nextPage 25), and null when there is no such page.
 */
export const getServicesHandler: OperationHandler = (request) => {
  const tenant = tenantOf(request);
  const query = request.query;
  const skip = query.skip as number;
  const take = query.take as number;

  const page = listServices(
    tenant,
    {
      projectId: query.projectId as string | undefined,
      environmentId: query.environmentId as string | undefined,
      previewEnvironmentId: query.previewEnvironmentId as string | undefined,
      type: query.type as string | undefined,
      environmentType: query.environmentType as EnvironmentType | undefined,
      projectIds: request.allowedProjects ?? undefined,
    },
    skip,
    take,
  );

  const hasMore = skip + take < page.count;
  const hasPrevious = skip > 0;
  return ok({
    count: page.count,
    hasMore,
    hasPrevious,
    nextPage: hasMore ? skip + take : null,
    previousPage: hasPrevious ? Math.max(0, skip - take) : null,
    pageCount: Math.ceil(page.count / take),
    pageSize: take,
    services: page.services.map((service) => ({
      id: service.id,
      name: service.name,
      givenId: service.givenId,
      type: service.type,
      environmentId: service.environmentId,
      projectId: service.projectId,
      previewEnvironmentId: previewEnvironmentIdOf(tenant, service),
      createdAt: formatIsoTime(service.createdAt),
      updatedAt: formatIsoTime(service.updatedAt),
    })),
  });
};
