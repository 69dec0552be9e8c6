import { setTimeout as sleep } from 'node:timers/promises';

import type { FastifyReply, FastifyRequest } from 'fastify';

import { DomainError, type FieldProblem } from '../state/errors.js';
import type { HookMatch, Tenant, TenantRegistry } from '../state/tenants.js';
import { apiKeyFromHeader } from './auth.js';
import type { Contract } from './contract.js';
import { domainErrorReply, faultReply, internalError, invalidApiKey, missingApiKey, routeNotFound, validationError, type ErrorReply } from './errors.js';
import { decideFaults, type FaultDecision } from './faults.js';
import type { OperationHandler, OperationResponse } from './handlers/types.js';
import { redactUrl } from './logging.js';
import { decodeParameters } from './parameters.js';
import type { OperationPlan } from './routes.js';
import { describeAjvErrors } from './validation-errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's tenant: set by the auth hook, or by the deploy hook's environment. */
    tenant: Tenant | null;
    /** Projects the caller's key may reach, or null for all of them. */
    allowedProjects: ReadonlySet<string> | null;
    operationId: string | null;
    /** Whether the request belongs in the tenant's journal: Flightcontrol operations do, the control API does not. */
    journaled: boolean;
    faultLabel: string | null;
  }
}

// The path parameter that names a deploy hook's environment, per hook operation.
const HOOK_ID_PARAMETERS: Record<string, string> = { triggerDeployHook: 'envId', triggerPreviewDeployHook: 'previewEnvId' };

export interface PipelineDependencies {
  contract: Contract;
  registry: TenantRegistry;
  /** Validate every response against the contract and respond 500 on a mismatch. */
  validateResponses: boolean;
  /** Whether these operations go into the journal and take the scenario's faults. */
  journaled: boolean;
}

export function sendError(reply: FastifyReply, error: ErrorReply): FastifyReply {
  if (error.headers !== undefined) reply.headers(error.headers);
  return reply.code(error.status).send(error.body);
}

/**
 * The onRequest hook of a secured operation: resolves the tenant before the body is read,
 * so an unauthenticated request costs no parsing and reaches no handler.
 */
export function authHook(registry: TenantRegistry) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const key = apiKeyFromHeader(request.headers.authorization);
    if (key === null) {
      sendError(reply, missingApiKey());
      return;
    }

    const resolution = registry.authenticate(key);
    if ('error' in resolution) {
      sendError(reply, invalidApiKey());
      return;
    }
    request.tenant = resolution.tenant;
    request.allowedProjects = resolution.projects;
    done();
  };
}

/**
 * Builds the Fastify handler of one operation: decode and validate the request with
 * openapi-backend's validators for this operation, apply the scenario's faults, run the
 * operation's handler, and check the response against the contract when asked to.
 */
export function operationRoute(plan: OperationPlan, handler: OperationHandler, deps: PipelineDependencies) {
  const pathNames = plan.parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);
  const hookIdName = HOOK_ID_PARAMETERS[plan.operationId] ?? null;

  return (request: FastifyRequest, reply: FastifyReply): FastifyReply | Promise<FastifyReply> => {
    request.operationId = plan.operationId;
    request.journaled = deps.journaled;
    const rawPath = request.params as Record<string, string>;

    // Fastify matches an empty segment, as in /v1/services//scaling; no operation has one.
    if (pathNames.some((name) => rawPath[name] === '')) {
      return sendError(reply, routeNotFound(request.method, redactUrl(request.url.split('?')[0] ?? request.url)));
    }

    const decoded = decodeParameters(plan.parameters, rawPath, request.query as Record<string, string | string[] | undefined>);
    // A deploy hook carries no key, so its environment decides which tenant it belongs to.
    let hookMatch: HookMatch | null = null;
    if (hookIdName !== null && typeof decoded.path[hookIdName] === 'number') {
      hookMatch = deps.registry.findDeployHook(decoded.path[hookIdName], String(decoded.path.secret)) ?? null;
      request.tenant = hookMatch?.tenant ?? null;
    }

    const problems = validate(plan, decoded, request.body);
    if (problems.length > 0) {
      recordViolation(request, 'request', problems);
      return sendError(reply, validationError(problems));
    }

    const tenant = request.tenant;
    const fault: FaultDecision | null =
      deps.journaled && tenant !== null ? decideFaults(tenant.scenario.faults, plan.operationId, tenant.faultState, tenant.faultRandom, tenant.clock.now()) : null;
    request.faultLabel = fault?.label ?? null;

    const run = (): FastifyReply | Promise<FastifyReply> => {
      if (fault?.drop === true) return dropConnection(request, reply);
      if (fault?.status != null) return sendError(reply, faultReply(fault.status, fault.retryAfterSeconds, fault.label ?? ''));
      return runHandler(plan, handler, deps, decoded, hookMatch, request, reply);
    };
    if (fault !== null && fault.latencyMs > 0) return sleep(fault.latencyMs).then(run);
    return run();
  };
}

function validate(plan: OperationPlan, decoded: ReturnType<typeof decodeParameters>, body: unknown): FieldProblem[] {
  const problems = decoded.problems;
  const input: Record<string, unknown> = { path: decoded.path, query: decoded.query, header: {}, cookie: {} };
  if (body !== undefined) input.requestBody = body;

  for (const validateFunction of plan.validators()) {
    if (validateFunction(input)) continue;
    // A parameter that decoding already rejected is reported once, with the decoder's message.
    const reported = new Set(problems.map((problem) => `${problem.in}:${problem.path}`));
    for (const problem of describeAjvErrors(validateFunction.errors ?? [])) {
      if (!reported.has(`${problem.in}:${problem.path}`)) problems.push(problem);
    }
  }
  return problems;
}

function runHandler(
  plan: OperationPlan,
  handler: OperationHandler,
  deps: PipelineDependencies,
  decoded: ReturnType<typeof decodeParameters>,
  hookMatch: HookMatch | null,
  request: FastifyRequest,
  reply: FastifyReply,
): FastifyReply | Promise<FastifyReply> {
  let result: OperationResponse | Promise<OperationResponse>;
  try {
    result = handler({
      tenant: request.tenant,
      registry: deps.registry,
      path: decoded.path,
      query: decoded.query,
      body: request.body,
      origin: `${request.protocol}://${request.host}`,
      allowedProjects: request.allowedProjects,
      hookMatch,
    });
  } catch (error) {
    return replyForHandlerError(error, reply);
  }

  if (result instanceof Promise) {
    return result.then(
      (response) => sendResponse(plan, deps, request, reply, response),
      (error: unknown) => replyForHandlerError(error, reply),
    );
  }
  return sendResponse(plan, deps, request, reply, result);
}

function sendResponse(plan: OperationPlan, deps: PipelineDependencies, request: FastifyRequest, reply: FastifyReply, response: OperationResponse): FastifyReply {
  if (deps.validateResponses) {
    const violation = checkResponse(deps.contract, plan, response.status, response.body);
    if (violation !== null) {
      request.log.error({ operationId: plan.operationId, status: response.status, violation: violation.message }, 'response does not match the contract');
      recordViolation(request, 'response', violation.problems);
      return sendError(reply, internalError(violation.message));
    }
  }
  return reply.code(response.status).send(response.body);
}

function replyForHandlerError(error: unknown, reply: FastifyReply): FastifyReply {
  if (error instanceof DomainError) return sendError(reply, domainErrorReply(error));
  throw error;
}

/** Closes the socket without a response, as a network fault would, and journals the call. */
function dropConnection(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  reply.hijack();
  request.tenant?.journal.record(
    {
      method: request.method,
      url: redactUrl(request.url),
      operationId: request.operationId,
      status: 0,
      durationMs: Math.round(reply.elapsedTime * 100) / 100,
      fault: request.faultLabel,
      body: null,
    },
    request.tenant.clock.now(),
  );
  request.log.info({ operationId: request.operationId, tenant: request.tenant?.id, fault: request.faultLabel }, 'connection dropped by a scenario fault');
  request.raw.socket.destroy();
  return reply;
}

function recordViolation(request: FastifyRequest, kind: 'request' | 'response', problems: FieldProblem[]): void {
  const tenant = request.tenant;
  if (tenant === null || !request.journaled) return;
  tenant.journal.recordViolation(
    { kind, method: request.method, url: redactUrl(request.url), operationId: request.operationId, problems },
    tenant.clock.now(),
  );
}

/** Describes how a response breaks the contract, or returns null when it matches. */
export function checkResponse(contract: Contract, plan: OperationPlan, status: number, body: unknown): { message: string; problems: FieldProblem[] } | null {
  const declared = Object.keys(plan.operation.responses ?? {});
  if (!declared.includes(String(status)) && !declared.includes('default')) {
    const message = `Response of ${plan.operationId} has status ${status}, which the contract does not declare (declared: ${declared.join(', ')}).`;
    return { message, problems: [{ path: 'status', in: 'body', message }] };
  }

  const result = contract.api.validator.validateResponse(body, plan.operation, status);
  if (result.valid) return null;
  const problems = describeAjvErrors(result.errors ?? [], 'response');
  const fields = problems.map((problem) => `${problem.path} ${problem.message}`);
  return { message: `Response of ${plan.operationId} with status ${status} does not match the contract: ${fields.join('; ')}.`, problems };
}
