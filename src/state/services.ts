import type { EnvironmentType, Service } from './model.js';
import type { Tenant } from './tenants.js';

export interface ServiceFilter {
  projectId?: string;
  environmentId?: string;
  previewEnvironmentId?: string;
  type?: string;
  environmentType?: EnvironmentType;
  /** Only services of these projects, for a key that a scenario limits to some projects. */
  projectIds?: ReadonlySet<string>;
}

export interface ServicePage {
  services: Service[];
  count: number;
  skip: number;
  take: number;
}

/**
 * Returns one page of services in list order. Without filters the page is a slice of the
 * ordered list, so its cost follows the page size rather than the number of services.
 */
export function listServices(tenant: Tenant, filter: ServiceFilter, skip: number, take: number): ServicePage {
  const world = tenant.world;
  const hasFilter = Object.values(filter).some((value) => value !== undefined);
  if (!hasFilter) {
    return { services: world.serviceOrder.slice(skip, skip + take), count: world.serviceOrder.length, skip, take };
  }

  const matching = world.serviceOrder.filter((service) => matches(tenant, service, filter));
  return { services: matching.slice(skip, skip + take), count: matching.length, skip, take };
}

/** Returns the preview environment id of a service, or null for a standard environment. */
export function previewEnvironmentIdOf(tenant: Tenant, service: Service): string | null {
  const environment = tenant.world.environments.get(service.environmentId);
  return environment?.type === 'preview' ? environment.id : null;
}

function matches(tenant: Tenant, service: Service, filter: ServiceFilter): boolean {
  if (filter.projectId !== undefined && service.projectId !== filter.projectId) return false;
  if (filter.projectIds !== undefined && !filter.projectIds.has(service.projectId)) return false;
  if (filter.environmentId !== undefined && service.environmentId !== filter.environmentId) return false;
  if (filter.type !== undefined && service.type !== filter.type) return false;

  if (filter.previewEnvironmentId !== undefined || filter.environmentType !== undefined) {
    const environmentType = tenant.world.environments.get(service.environmentId)?.type;
    if (filter.environmentType !== undefined && environmentType !== filter.environmentType) return false;
    if (filter.previewEnvironmentId !== undefined) {
      if (environmentType !== 'preview' || service.environmentId !== filter.previewEnvironmentId) return false;
    }
  }
  return true;
}
