import type { Exchange } from './http-exchange.js';

/** A service the harness found on the server. */
export interface KnownService {
  id: string;
  type: string;
  environmentId: string;
  projectId: string;
}

/**
 * The server's data as far as the harness has learned it: found by listing services and, on
 * flightcontrol-mock, by reading its control API, then filled in as the checks create
 * deployments, invalidations, environments and job executions.
 */
export interface Fixtures {
  /** A label unique to this run, for the names of what the run creates. */
  runId: string;
  services: KnownService[];
  hook?: { envId: number; secret: string };
  previewHook?: { envId: number; secret: string };
  job?: { serviceId: string; jobGivenId: string };
  /** Whether the server offers flightcontrol-mock's control API, which lets flows skip waiting. */
  controlApi: boolean;
  deploymentId?: string;
  invalidationId?: string;
  executionId?: string;
  createdEnvironment?: { id?: string; name: string; region: string; projectId: string };
}

const SCALABLE = new Set(['web', 'web-private', 'worker', 'network-server']);
// Types that Flightcontrol fronts with CloudFront, in the order the harness tries them.
const CLOUDFRONT_TYPES = ['static', 'web'];

/** Parses a deploy-hook URL into its envId and secret. */
export function parseHookUrl(url: string): { envId: number; secret: string } | undefined {
  const match = /\/api\/deploy-hook\/(\d+)\/([^/?#]+)/.exec(url);
  if (match === null) return undefined;
  return { envId: Number(match[1]), secret: decodeURIComponent(match[2] ?? '') };
}

/** Picks a service fit for an operation: scalable for scaling, CloudFront-fronted for invalidations. */
export function serviceFor(operationId: string, fixtures: Fixtures): string | undefined {
  if (operationId === 'updateScaling' || operationId === 'getScaling') {
    return fixtures.services.find((service) => SCALABLE.has(service.type))?.id;
  }
  if (operationId === 'createCloudFrontInvalidation') {
    for (const type of CLOUDFRONT_TYPES) {
      const service = fixtures.services.find((candidate) => candidate.type === type);
      if (service !== undefined) return service.id;
    }
  }
  if (operationId === 'createJobExecution') return fixtures.job?.serviceId;
  return fixtures.services[0]?.id;
}

/**
 * Returns the value of a path parameter for an operation's valid request, or undefined
 * when the harness has none, which skips the operation's checks with that reason.
 */
export function pathValue(operationId: string, name: string, fixtures: Fixtures): string | undefined {
  switch (name) {
    case 'deploymentId':
      return fixtures.deploymentId;
    case 'invalidationId':
      return fixtures.invalidationId;
    case 'executionId':
      return fixtures.executionId;
    case 'projectId':
      return fixtures.createdEnvironment?.projectId ?? fixtures.services[0]?.projectId;
    case 'environmentId':
      if (operationId === 'editEnvironmentById') return fixtures.createdEnvironment?.id;
      return fixtures.services[0]?.environmentId;
    case 'serviceId':
      return serviceFor(operationId, fixtures);
    case 'jobGivenId':
      return fixtures.job?.jobGivenId;
    case 'envId':
      return fixtures.hook === undefined ? undefined : String(fixtures.hook.envId);
    case 'previewEnvId':
      return fixtures.previewHook === undefined ? undefined : String(fixtures.previewHook.envId);
    case 'secret':
      return operationId === 'triggerPreviewDeployHook' ? fixtures.previewHook?.secret : fixtures.hook?.secret;
    case 'prNumber':
      return '1';
    case 'commitSHA':
      return '0000000000000000000000000000000000000001';
    default:
      return undefined;
  }
}

/** Records the ids that a valid request created, for the operations that read them. */
export function captureCreated(operationId: string, exchange: Exchange, fixtures: Fixtures): void {
  const body = (exchange.json ?? {}) as Record<string, unknown>;
  if (exchange.status < 200 || exchange.status > 299) return;

  if ((operationId === 'triggerDeployHook' || operationId === 'triggerPreviewDeployHook') && typeof body.deploymentId === 'string') {
    fixtures.deploymentId ??= body.deploymentId;
  }
  if (operationId === 'createCloudFrontInvalidation' && typeof body.invalidationId === 'string') fixtures.invalidationId = body.invalidationId;
  if (operationId === 'createJobExecution' && typeof body.jobExecutionId === 'string') fixtures.executionId = body.jobExecutionId;
  if (operationId === 'createEnvironment' && fixtures.createdEnvironment !== undefined && typeof body.environmentId === 'string') {
    fixtures.createdEnvironment.id = body.environmentId;
  }
}
