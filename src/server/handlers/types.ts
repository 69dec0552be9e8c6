import { DomainError } from '../../state/errors.js';
import type { HookMatch, Tenant, TenantRegistry } from '../../state/tenants.js';

/** The input of a handler: the caller's tenant and the request, already validated. */
export interface OperationRequest {
  /** The caller's tenant; null only for the deploy hooks, which carry no API key. */
  tenant: Tenant | null;
  registry: TenantRegistry;
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  body: unknown;
  /** Scheme, host and port the client used, for URLs in response bodies. */
  origin: string;
  /** Projects the caller's key may reach, or null for all of them. */
  allowedProjects: ReadonlySet<string> | null;
  /** For a deploy hook, the environment its envId and secret matched, found once by the pipeline. */
  hookMatch: HookMatch | null;
}

export interface OperationResponse {
  status: number;
  body: unknown;
}

export type OperationHandler = (request: OperationRequest) => OperationResponse | Promise<OperationResponse>;

export function ok(body: unknown): OperationResponse {
  return { status: 200, body };
}

/** Returns the tenant of a secured operation; the auth hook has already rejected a request without one. */
export function tenantOf(request: OperationRequest): Tenant {
  if (request.tenant === null) throw new Error('A secured operation ran without a tenant.');
  return request.tenant;
}

/**
 * Rejects a request for a project that the caller's key may not reach. Keys are limited
 * to projects only by a scenario's key rules; an unknown id passes, so that the state
 * layer returns 404 for it.
 */
export function checkProjectAccess(request: OperationRequest, projectId: string | undefined): void {
  if (request.allowedProjects === null || projectId === undefined || request.allowedProjects.has(projectId)) return;
  throw new DomainError('FORBIDDEN', `User doesn't have permission to access this resource: the API key is limited to other projects than ${projectId}.`);
}

export function stringParam(values: Record<string, unknown>, name: string): string {
  return String(values[name]);
}
