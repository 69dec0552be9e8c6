import Fastify, { type FastifyReply } from 'fastify';

/**
 * The one thing a variant of the server gets wrong. Each fault breaks one rule that the
 * contract harness checks: a response schema, the declared statuses, a read after a
 * write, or a 4xx for bad input.
 */
export type WrongServerFault =
  /** getServices sends `count` as a string. */
  | 'services-count-as-string'
  /** getServices points nextPage one service back, so consecutive pages overlap. */
  | 'services-repeated-across-pages'
  /** getDeployment leaves out the required `deploymentId`. */
  | 'deployment-without-id'
  /** getDeployment reports the id of another deployment. */
  | 'deployment-read-with-other-id'
  /** getCloudFrontInvalidationStatus reports the id of another invalidation. */
  | 'invalidation-status-with-other-id'
  /** updateScaling responds with 201, which the contract does not declare. */
  | 'scaling-answers-201'
  /** getScaling reports the starting desired count, whatever updateScaling stored. */
  | 'scaling-change-forgotten'
  /** A malformed JSON body gets 500 instead of 400. */
  | 'malformed-json-answers-500';

export interface WrongServer {
  /** Base URL, such as http://127.0.0.1:41234. */
  url: string;
  apiKey: string;
  /** URL of the server's only deploy hook. */
  deployHookUrl: string;
  close(): Promise<void>;
}

const API_KEY = 'wrong-server-key';
const HOOK_ENV_ID = 7;
const HOOK_SECRET = 'hook-secret';
const PROJECT_ID = 'prj_1';
const ENVIRONMENT_ID = 'env_1';
const CREATED_AT = '2026-01-01T00:00:00.000Z';
const STARTING_DESIRED_COUNT = 2;
const SCALABLE_TYPES = new Set(['web', 'web-private', 'worker', 'network-server']);
const CLOUDFRONT_TYPES = new Set(['web', 'static']);

// Ten services, so that the harness's paging flow with take=7 reads two pages.
const SERVICE_TYPES = ['web', 'static', 'worker', 'web-private', 'rds', 'scheduler', 'web', 'static', 'worker', 'rds'];
const SERVICES = SERVICE_TYPES.map((type, index) => {
  const number = String(index + 1).padStart(2, '0');
  return {
    id: `svc_${number}`,
    name: `Service ${number}`,
    givenId: `service-${number}`,
    type,
    environmentId: ENVIRONMENT_ID,
    projectId: PROJECT_ID,
    previewEnvironmentId: null,
    createdAt: CREATED_AT,
    updatedAt: CREATED_AT,
  };
});

/** The value a malformed JSON body parses to, so that a hook can reject it before any handler runs. */
const MALFORMED_BODY = Symbol('malformed JSON body');

interface FieldError {
  path: string;
  in: 'path' | 'query' | 'body';
  message: string;
}

/**
 * Starts a small hand-written Flightcontrol server on a free port of 127.0.0.1: the
 * services list, the deploy hook, deployments, CloudFront invalidations and scaling.
 * Without a fault it follows the documented contract for those operations. With a fault,
 * it breaks exactly that rule. It has no control API, so the harness polls it in real time.
 */
export async function startWrongServer(fault?: WrongServerFault): Promise<WrongServer> {
  const app = Fastify({ logger: false });
  const deployments = new Map<string, { reads: number; createdAt: Date }>();
  const invalidations = new Map<string, { serviceId: string; paths: string[]; reads: number; createdAt: Date }>();
  const desiredCounts = new Map<string, number>();
  let nextId = 1;

  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, text, done) => {
    try {
      done(null, JSON.parse(String(text)));
    } catch {
      done(null, MALFORMED_BODY);
    }
  });

  app.addHook('preHandler', async (request, reply) => {
    if (request.url.startsWith('/v1/') && request.headers.authorization !== `Bearer ${API_KEY}`) {
      return reply.code(401).send({ error: 'Unauthorized: the API key is missing or unknown' });
    }
    if (request.body === MALFORMED_BODY) {
      if (fault === 'malformed-json-answers-500') return reply.code(500).send({ message: 'Internal server error' });
      return sendValidationErrors(reply, [{ path: 'body', in: 'body', message: 'is not valid JSON' }]);
    }
  });

  app.get('/v1/services', async (request, reply) => {
    const query = request.query as Record<string, unknown>;
    const errors: FieldError[] = [];
    const skip = readIntegerQuery(query, 'skip', 0, 0, Number.MAX_SAFE_INTEGER, errors);
    const take = readIntegerQuery(query, 'take', 25, 1, 100, errors);
    if (query.environmentType !== undefined && query.environmentType !== 'standard' && query.environmentType !== 'preview') {
      errors.push({ path: 'environmentType', in: 'query', message: 'must be standard or preview' });
    }
    if (errors.length > 0) return sendValidationErrors(reply, errors);

    const end = skip + take;
    const hasMore = end < SERVICES.length;
    const nextPage = fault === 'services-repeated-across-pages' ? end - 1 : end;
    return {
      count: fault === 'services-count-as-string' ? String(SERVICES.length) : SERVICES.length,
      hasMore,
      hasPrevious: skip > 0,
      nextPage: hasMore ? nextPage : null,
      previousPage: skip > 0 ? Math.max(0, skip - take) : null,
      pageCount: Math.ceil(SERVICES.length / take),
      pageSize: take,
      services: SERVICES.slice(skip, end),
    };
  });

  app.get('/api/deploy-hook/:envId/:secret', async (request, reply) => {
    const params = request.params as { envId: string; secret: string };
    const query = request.query as Record<string, unknown>;
    const errors: FieldError[] = [];
    if (!/^\d+$/.test(params.envId)) errors.push({ path: 'envId', in: 'path', message: 'must be an integer' });
    if (query.force !== undefined && query.force !== 'true' && query.force !== 'false') {
      errors.push({ path: 'force', in: 'query', message: 'must be true or false' });
    }
    if (errors.length > 0) return sendValidationErrors(reply, errors);
    if (Number(params.envId) !== HOOK_ENV_ID || params.secret !== HOOK_SECRET) {
      return reply.code(404).send({ success: false, message: 'No deploy hook matches this environment id and secret.' });
    }

    const deploymentId = `dep_${nextId++}`;
    deployments.set(deploymentId, { reads: 0, createdAt: new Date() });
    return { success: true, deploymentId };
  });

  app.get('/v1/deployments/:deploymentId', async (request, reply) => {
    const { deploymentId } = request.params as { deploymentId: string };
    const deployment = deployments.get(deploymentId);
    if (deployment === undefined) return sendNotFound(reply, `deployment ${deploymentId}`);

    // The first read finds the deployment pending, every later one finished, so the harness polls once.
    const status = deployment.reads === 0 ? 'PENDING' : 'SUCCESS';
    deployment.reads++;
    const body: Record<string, unknown> = {
      deploymentId: fault === 'deployment-read-with-other-id' ? 'dep_other' : deploymentId,
      projectId: PROJECT_ID,
      environmentId: ENVIRONMENT_ID,
      environmentGivenId: 'production',
      isPreviewEnvironment: false,
      createdAt: deployment.createdAt.toISOString().replace('T', ' ').replace('Z', ''),
      repoUrl: 'https://github.com/example/app',
      gitCommit: '0000000000000000000000000000000000000001',
      gitBranch: 'main',
      status,
      serviceDeployments: [
        {
          service: { serviceId: 'svc_01', serviceGivenId: 'service-01', serviceName: 'Service 01', serviceDomain: null, type: 'web' },
          serviceDeploymentId: `${deploymentId}_svc_01`,
          status,
          error: null,
        },
      ],
    };
    if (fault === 'deployment-without-id') delete body.deploymentId;
    return body;
  });

  app.post('/v1/services/:serviceId/cloudfront/invalidation', async (request, reply) => {
    const { serviceId } = request.params as { serviceId: string };
    const body = request.body as { paths?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendValidationErrors(reply, [{ path: 'body', in: 'body', message: 'must be a JSON object' }]);
    }
    const paths = body.paths;
    if (!Array.isArray(paths) || paths.length === 0 || !paths.every((path) => typeof path === 'string' && path.startsWith('/'))) {
      return sendValidationErrors(reply, [{ path: 'paths', in: 'body', message: 'must be a non-empty array of paths that start with /' }]);
    }
    const service = SERVICES.find((candidate) => candidate.id === serviceId);
    if (service === undefined || !CLOUDFRONT_TYPES.has(service.type)) return reply.code(400).send({ error: `There are no services with ID: ${serviceId}` });

    const invalidationId = `inv_${nextId++}`;
    invalidations.set(invalidationId, { serviceId, paths: paths as string[], reads: 0, createdAt: new Date() });
    return { message: 'Invalidation created', invalidationId };
  });

  app.get('/v1/cloudfront/invalidation/:invalidationId', async (request, reply) => {
    const { invalidationId } = request.params as { invalidationId: string };
    const invalidation = invalidations.get(invalidationId);
    if (invalidation === undefined) return sendNotFound(reply, `invalidation ${invalidationId}`);

    const completed = invalidation.reads > 0;
    invalidation.reads++;
    return {
      invalidationId: fault === 'invalidation-status-with-other-id' ? 'inv_other' : invalidationId,
      serviceId: invalidation.serviceId,
      status: completed ? 'Completed' : 'InProgress',
      paths: invalidation.paths,
      createdAt: invalidation.createdAt.toISOString(),
      completedAt: completed ? new Date().toISOString() : null,
    };
  });

  app.post('/v1/services/:serviceId/scaling', async (request, reply) => {
    const { serviceId } = request.params as { serviceId: string };
    const body = request.body as { operation?: unknown; count?: unknown } | undefined;
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      return sendValidationErrors(reply, [{ path: 'body', in: 'body', message: 'must be a JSON object' }]);
    }
    const errors: FieldError[] = [];
    if (body.operation !== 'set' && body.operation !== 'add' && body.operation !== 'remove') {
      errors.push({ path: 'operation', in: 'body', message: 'must be set, add or remove' });
    }
    if (typeof body.count !== 'number' || !Number.isInteger(body.count)) errors.push({ path: 'count', in: 'body', message: 'must be an integer' });
    if (errors.length > 0) return sendValidationErrors(reply, errors);

    const service = SERVICES.find((candidate) => candidate.id === serviceId);
    if (service === undefined || !SCALABLE_TYPES.has(service.type)) return sendNotFound(reply, `scalable service ${serviceId}`);

    const previous = desiredCounts.get(serviceId) ?? STARTING_DESIRED_COUNT;
    const count = body.count as number;
    let next = count;
    if (body.operation === 'add') next = previous + count;
    if (body.operation === 'remove') next = previous - count;
    if (next < 0 || next > 100) return sendValidationErrors(reply, [{ path: 'count', in: 'body', message: 'must keep the desired count within 0 to 100' }]);

    desiredCounts.set(serviceId, next);
    return reply
      .code(fault === 'scaling-answers-201' ? 201 : 200)
      .send({ serviceId, previousDesiredCount: previous, newDesiredCount: next, autoscalingEnabled: false });
  });

  app.get('/v1/services/:serviceId/scaling', async (request, reply) => {
    const { serviceId } = request.params as { serviceId: string };
    const service = SERVICES.find((candidate) => candidate.id === serviceId);
    if (service === undefined || !SCALABLE_TYPES.has(service.type)) return sendNotFound(reply, `scalable service ${serviceId}`);

    const desired = fault === 'scaling-change-forgotten' ? STARTING_DESIRED_COUNT : (desiredCounts.get(serviceId) ?? STARTING_DESIRED_COUNT);
    return {
      serviceId,
      currentInstances: desired,
      desiredInstances: desired,
      runningInstances: desired,
      pendingInstances: 0,
      autoscalingEnabled: false,
      minInstances: 1,
      maxInstances: 10,
    };
  });

  const url = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    url,
    apiKey: API_KEY,
    deployHookUrl: `${url}/api/deploy-hook/${HOOK_ENV_ID}/${HOOK_SECRET}`,
    close: () => app.close(),
  };
}

function readIntegerQuery(query: Record<string, unknown>, name: string, fallback: number, min: number, max: number, errors: FieldError[]): number {
  const text = query[name];
  if (text === undefined) return fallback;
  if (typeof text !== 'string' || !/^\d+$/.test(text) || Number(text) < min || Number(text) > max) {
    errors.push({ path: name, in: 'query', message: `must be an integer from ${min} to ${max}` });
    return fallback;
  }
  return Number(text);
}

function sendValidationErrors(reply: FastifyReply, errors: FieldError[]): FastifyReply {
  const message = `Invalid request: ${errors.map((error) => `${error.path} ${error.message}`).join('; ')}.`;
  return reply.code(400).send({ message, errorCode: 'FC:Request:Error:VALIDATION_ERROR', errors });
}

function sendNotFound(reply: FastifyReply, resource: string): FastifyReply {
  return reply.code(404).send({ message: `Not found: ${resource}.`, errorCode: 'FC:Request:Error:NOT_FOUND' });
}
