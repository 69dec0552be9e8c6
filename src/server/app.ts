import Fastify, { LogController, type FastifyError, type FastifyInstance } from 'fastify';

import type { Store } from '../state/store.js';
import type { TenantRegistry } from '../state/tenants.js';
import { registerJsonBodyParser } from './body-parser.js';
import type { Contract } from './contract.js';
import { CONTROL_OPERATION_IDS } from './control/control-ids.js';
import { createControlHandlers } from './control/handlers.js';
import {
  apiError,
  badUrl,
  internalError,
  malformedJson,
  methodNotAllowed,
  payloadTooLarge,
  routeNotFound,
  unsupportedMediaType,
  validationError,
} from './errors.js';
import { registerCors } from './cors.js';
import { registerDashboard } from './dashboard/dashboard.js';
import { registerDocs } from './docs.js';
import { OPERATION_HANDLERS } from './handlers/index.js';
import { loggerOptions, redactUrl, type LogFormat, type LogLevel } from './logging.js';
import { OPERATION_IDS } from './operation-ids.js';
import { authHook, operationRoute, sendError, type PipelineDependencies } from './pipeline.js';
import { methodsByUrl, planOperations, type OperationPlan } from './routes.js';
import type { OperationHandler } from './handlers/types.js';

export interface AppOptions {
  contract: Contract;
  /** The control API's contract, served under /__mock/. */
  controlContract: Contract;
  registry: TenantRegistry;
  /** Pino level; 'silent' turns logging off. */
  logLevel?: LogLevel;
  /** Destination of log lines; standard output unless set. */
  logStream?: NodeJS.WritableStream;
  logFormat?: LogFormat;
  /** Check every response against the contract (tests and --strict). */
  validateResponses?: boolean;
  /** The data file to mark dirty after each change, when the server keeps one. */
  store?: Store | null;
  /** Maximum request body in bytes; Fastify's default of 1 MiB unless set. */
  bodyLimit?: number;
}

// Methods that get a 405 on a known path that lacks them. OPTIONS is left to CORS.
const ROUTED_METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * Builds the Fastify app without listening: one route per contract operation, each
 * handing its request to openapi-backend's validators for that operation and then to the
 * operation's handler. Callers such as the CLI decide where it listens.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const bodyLimit = options.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const logEveryRequest = isInfoEnabled(options.logLevel ?? 'silent');
  const app = Fastify({
    logger: loggerOptions(options.logLevel ?? 'silent', options.logStream, options.logFormat),
    // One line per request comes from the onResponse hook below, with the hook secret redacted.
    logController: new LogController({ disableRequestLogging: true }),
    // Below info, no request line is logged, so a request shares the server's logger
    // instead of paying for a child logger that binds its id.
    childLoggerFactory: (logger, bindings, childOptions) => (logEveryRequest ? logger.child(bindings, childOptions) : logger),
    bodyLimit,
    frameworkErrors: (error, request, reply) => {
      if (error.code === 'FST_ERR_BAD_URL') {
        sendError(reply, badUrl());
        return;
      }
      request.log.info({ err: error }, 'request rejected by the framework');
      sendError(reply, apiError(error.statusCode ?? 400, 'BAD_REQUEST', error.message));
    },
  });
  app.decorateRequest('tenant', null);
  app.decorateRequest('allowedProjects', null);
  app.decorateRequest('operationId', null);
  app.decorateRequest('journaled', false);
  app.decorateRequest('faultLabel', null);

  // Set before any route, because a route keeps the handlers in force when it is added.
  app.setNotFoundHandler((request, reply) => sendError(reply, routeNotFound(request.method, redactUrl(request.url.split('?')[0] ?? ''))));
  app.setErrorHandler((error: FastifyError, request, reply) =>
    sendError(reply, replyForError(error, request.log, bodyLimit, request.headers['content-type'])),
  );

  registerJsonBodyParser(app);
  registerCors(app);

  const plans = planOperations(options.contract, OPERATION_IDS);
  const base = { contract: options.contract, registry: options.registry, validateResponses: options.validateResponses ?? false };
  registerOperations(app, plans, OPERATION_HANDLERS, { ...base, journaled: true });

  const controlPlans = planOperations(options.controlContract, CONTROL_OPERATION_IDS);
  const controlHandlers = createControlHandlers({ contract: options.contract, controlDocument: options.controlContract.document });
  registerOperations(app, controlPlans, controlHandlers, { ...base, contract: options.controlContract, journaled: false });

  for (const [url, allowed] of methodsByUrl([...plans, ...controlPlans])) {
    const missing = ROUTED_METHODS.filter((method) => !allowed.includes(method));
    if (missing.length === 0) continue;
    app.route({
      method: [...missing],
      url,
      handler: (request, reply) => sendError(reply, methodNotAllowed(request.method, redactUrl(request.url.split('?')[0] ?? url), allowed)),
    });
  }

  await registerDocs(app, options.contract.document);
  registerDashboard(app);
  app.get('/health', (_request, reply) => reply.send({ status: 'ok' }));


  const store = options.store ?? null;
  let tenantCount = options.registry.all().length;
  if (store !== null) app.addHook('onClose', () => store.close());

  app.addHook('onResponse', (request, reply, done) => {
    const tenant = request.tenant;
    // Changes come from writes, from deploy hooks (GETs that create a deployment) and from
    // a new key's first call, which creates its tenant.
    if (store !== null && (isWrite(request.method, request.operationId) || options.registry.all().length !== tenantCount)) {
      tenantCount = options.registry.all().length;
      store.markDirty();
    }

    const journaled = tenant !== null && request.journaled;
    const failedRequest = reply.statusCode >= 500;
    if (!journaled && !failedRequest && !logEveryRequest) {
      done();
      return;
    }

    const url = redactUrl(request.url);
    const durationMs = Math.round(reply.elapsedTime * 100) / 100;
    if (journaled) {
      tenant.journal.record(
        {
          method: request.method,
          url,
          operationId: request.operationId,
          status: reply.statusCode,
          durationMs,
          fault: request.faultLabel,
          body: redactBody(request.body),
        },
        tenant.clock.now(),
      );
    }

    // The entry is built only when it is logged: at warn and above, a request costs no log work.
    if (failedRequest || logEveryRequest) {
      const entry = {
        method: request.method,
        url,
        statusCode: reply.statusCode,
        operationId: request.operationId ?? undefined,
        tenant: tenant?.id,
        fault: request.faultLabel ?? undefined,
        responseTimeMs: durationMs,
      };
      if (failedRequest) request.log.error(entry, 'request failed');
      else request.log.info(entry, 'request completed');
    }
    done();
  });

  return app;
}

function registerOperations(app: FastifyInstance, plans: OperationPlan[], handlers: Record<string, OperationHandler>, deps: PipelineDependencies): void {
  for (const plan of plans) {
    const handler = handlers[plan.operationId];
    if (handler === undefined) throw new Error(`Operation ${plan.operationId} has no handler.`);
    app.route({
      method: plan.method,
      url: plan.url,
      exposeHeadRoute: plan.exposeHead,
      onRequest: plan.secured ? authHook(deps.registry) : undefined,
      schema: deps.journaled ? { response: successSchemas(plan) } : undefined,
      handler: operationRoute(plan, handler, deps),
    });
  }
}

/**
 * Returns the JSON schemas of an operation's success responses, from which Fastify
 * compiles a serializer (fast-json-stringify) that is faster than JSON.stringify and
 * writes only the fields the contract declares. Error bodies keep the default serializer.
 */
function successSchemas(plan: OperationPlan): Record<string, unknown> {
  const schemas: Record<string, unknown> = {};
  const responses = (plan.operation.responses ?? {}) as Record<string, { content?: Record<string, { schema?: unknown }> }>;
  for (const [status, response] of Object.entries(responses)) {
    const schema = response.content?.['application/json']?.schema;
    if (status.startsWith('2') && schema !== undefined) schemas[status] = schema;
  }
  return schemas;
}

function isWrite(method: string, operationId: string | null): boolean {
  if (method !== 'GET' && method !== 'HEAD') return true;
  return operationId === 'triggerDeployHook' || operationId === 'triggerPreviewDeployHook';
}

// Groups of env-variable bodies whose values are secrets, kept out of the journal.
const SECRET_GROUPS = ['parameterStore', 'secretsManager'];

/** Copies a JSON body for the journal with secret values replaced. */
function redactBody(body: unknown): unknown {
  if (body === undefined) return null;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  // Most bodies have no secret group, and the journal can keep them as they are.
  if (!SECRET_GROUPS.some((group) => group in body)) return body;

  const copy: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const group of SECRET_GROUPS) {
    const values = copy[group];
    if (typeof values === 'object' && values !== null) {
      copy[group] = Object.fromEntries(Object.keys(values).map((name) => [name, '[redacted]']));
    }
  }
  return copy;
}

/** Maps Fastify's parsing errors to the API's error bodies; anything unexpected is a logged 500. */
function replyForError(error: FastifyError, log: FastifyInstance['log'], bodyLimit: number, contentType: string | undefined) {
  switch (error.code) {
    case 'FC_MALFORMED_JSON':
      return malformedJson(error.message);
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return malformedJson('the body is empty');
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return malformedJson('the body is not valid JSON');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return unsupportedMediaType(contentType);
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return validationError([{ path: 'body', in: 'body', message: 'does not match the length in its Content-Length header' }]);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return payloadTooLarge(bodyLimit);
    default:
      break;
  }
  if (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500) {
    log.info({ err: error }, 'request rejected');
    return apiError(error.statusCode, 'BAD_REQUEST', error.message);
  }
  log.error({ err: error }, 'unexpected error while handling a request');
  return internalError(error.message);
}

const QUIET_LEVELS = new Set(['warn', 'error', 'fatal', 'silent']);

function isInfoEnabled(level: string): boolean {
  return !QUIET_LEVELS.has(level);
}
