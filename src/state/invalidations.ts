import { DomainError, notFound } from './errors.js';
import type { Invalidation, InvalidationStatus } from './model.js';
import type { Tenant } from './tenants.js';

// AWS CloudFront's limits: a path has at most 4,000 characters, and one distribution
// accepts at most 3,000 file paths and 15 wildcard paths in invalidations in progress.
export const MAX_PATH_LENGTH = 4_000;
export const MAX_FILE_PATHS_IN_PROGRESS = 3_000;
export const MAX_WILDCARD_PATHS_IN_PROGRESS = 15;

export const STARTED_MESSAGE =
  'Invalidation Started. Be sure to save your invalidation ID if you would like to check on its status.';

/**
 * Starts an invalidation of a service's CloudFront distribution. Unknown services, services
 * without a distribution, paths that break CloudFront's rules and requests over its
 * in-progress limits are rejected, and nothing is stored for them.
 */
export function createInvalidation(tenant: Tenant, serviceId: string, paths: string[]): Invalidation {
  const service = tenant.world.services.get(serviceId);
  if (service === undefined) {
    throw new DomainError('INVALIDATION_SERVICE_NOT_FOUND', `There are no services with ID: ${serviceId}`);
  }
  if (!service.cloudfront) {
    throw new DomainError(
      'INVALIDATION_NOT_SUPPORTED',
      `Service ${serviceId} has no CloudFront distribution to invalidate. Only services fronted by CloudFront, such as static sites, accept invalidations.`,
    );
  }

  checkPaths(paths);
  const now = tenant.clock.now();
  checkInProgressLimits(tenant, serviceId, paths, now);

  const invalidation: Invalidation = {
    id: tenant.ids.next(now),
    serviceId,
    paths: [...paths],
    createdAt: now,
    completesAt: now + tenant.rules.invalidationMs,
  };
  tenant.world.invalidations.set(invalidation.id, invalidation);
  const open = tenant.world.openInvalidations.get(serviceId);
  if (open === undefined) tenant.world.openInvalidations.set(serviceId, [invalidation.id]);
  else open.push(invalidation.id);
  return invalidation;
}

export function getInvalidation(tenant: Tenant, invalidationId: string): Invalidation {
  const invalidation = tenant.world.invalidations.get(invalidationId);
  if (invalidation === undefined) throw notFound('Invalidation', invalidationId);
  return invalidation;
}

export function invalidationStatus(invalidation: Invalidation, nowMs: number): InvalidationStatus {
  return nowMs >= invalidation.completesAt ? 'Completed' : 'InProgress';
}

/** Describes why a path breaks CloudFront's rules, or returns null for a valid path. */
export function pathProblem(path: string): string | null {
  if (!path.startsWith('/')) return 'A path must start with a slash (/).';
  if (path.length > MAX_PATH_LENGTH) return `A path can have at most ${MAX_PATH_LENGTH} characters; this one has ${path.length}.`;
  const wildcard = path.indexOf('*');
  if (wildcard !== -1 && wildcard !== path.length - 1) {
    return 'If using a wildcard (*), it must be placed at the end of the file path.';
  }
  return null;
}

function checkPaths(paths: string[]): void {
  if (paths.length === 0) {
    throw new DomainError('INVALID_INPUT', 'Invalid request: paths must contain at least one path, for example "/*".', [
      { path: 'paths', in: 'body', message: 'must contain at least one path, for example "/*"' },
    ]);
  }

  for (const [index, path] of paths.entries()) {
    const problem = pathProblem(path);
    if (problem !== null) {
      throw new DomainError('INVALID_INVALIDATION_PATH', problem, [{ path: `paths[${index}]`, in: 'body', message: problem }], path);
    }
  }
}

function checkInProgressLimits(tenant: Tenant, serviceId: string, paths: string[], now: number): void {
  const open = pruneFinished(tenant, serviceId, now);
  let files = 0;
  let wildcards = 0;
  for (const id of open) {
    const invalidation = tenant.world.invalidations.get(id);
    if (invalidation === undefined) continue;
    for (const path of invalidation.paths) {
      if (path.endsWith('*')) wildcards++;
      else files++;
    }
  }

  const newWildcards = paths.filter((path) => path.endsWith('*')).length;
  const newFiles = paths.length - newWildcards;
  if (files + newFiles > MAX_FILE_PATHS_IN_PROGRESS || wildcards + newWildcards > MAX_WILDCARD_PATHS_IN_PROGRESS) {
    throw new DomainError(
      'TOO_MANY_INVALIDATIONS',
      `This distribution already has ${files} file paths and ${wildcards} wildcard paths in invalidations in progress, and CloudFront allows at most ${MAX_FILE_PATHS_IN_PROGRESS} and ${MAX_WILDCARD_PATHS_IN_PROGRESS}. Wait for the running invalidations to complete, or use fewer paths.`,
    );
  }
}

/** Drops completed invalidations from the service's in-progress list and returns what is left. */
function pruneFinished(tenant: Tenant, serviceId: string, now: number): string[] {
  const open = tenant.world.openInvalidations.get(serviceId) ?? [];
  const stillOpen = open.filter((id) => {
    const invalidation = tenant.world.invalidations.get(id);
    return invalidation !== undefined && invalidation.completesAt > now;
  });
  tenant.world.openInvalidations.set(serviceId, stillOpen);
  return stillOpen;
}
