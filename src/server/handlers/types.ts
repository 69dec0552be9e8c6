import type { Tenant, TenantRegistry } from '../../state/tenants.js';

/** What a handler receives: the caller's tenant and the request, already validated. */
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

export function stringParam(values: Record<string, unknown>, name: string): string {
  return String(values[name]);
}
