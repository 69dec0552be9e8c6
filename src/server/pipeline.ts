import type { FastifyReply, FastifyRequest } from 'fastify';

import { DomainError } from '../state/errors.js';
import type { Tenant, TenantRegistry } from '../state/tenants.js';
import { authenticate } from './auth.js';
import type { Contract } from './contract.js';
import { domainErrorReply, internalError, routeNotFound, validationError, type ErrorReply } from './errors.js';
import type { OperationHandler } from './handlers/types.js';
import { decodeParameters } from './parameters.js';
import type { OperationPlan } from './routes.js';
import { describeAjvErrors } from './validation-errors.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The caller's tenant, set by the auth hook of secured operations. */
    tenant: Tenant | null;
    operationId: string | null;
  }
}

export interface PipelineDependencies {
  contract: Contract;
  registry: TenantRegistry;
  /** Validate every response against the contract and answer 500 on a mismatch. */
  validateResponses: boolean;
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
    const result = authenticate(registry, request.headers.authorization);
    if ('error' in result) {
      sendError(reply, result.error);
      return;
    }
    request.tenant = result.tenant;
    done();
  };
}

/**
 * Builds the Fastify handler of one operation: decode and validate the request with
 * openapi-backend's validators for this operation, run the operation's handler, and check
 * the response against the contract when asked to.
 */
export function operationRoute(plan: OperationPlan, handler: OperationHandler, deps: PipelineDependencies) {
  const pathNames = plan.parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name);

  return (request: FastifyRequest, reply: FastifyReply): FastifyReply => {
    request.operationId = plan.operationId;
    const rawPath = request.params as Record<string, string>;

    // Fastify matches an empty segment, as in /v1/services//scaling; no operation has one.
    if (pathNames.some((name) => rawPath[name] === '')) {
      return sendError(reply, routeNotFound(request.method, request.url.split('?')[0] ?? request.url));
    }

    const decoded = decodeParameters(plan.parameters, rawPath, request.query as Record<string, string | string[] | undefined>);
    const problems = [...decoded.problems];
    const reported = new Set(problems.map((problem) => `${problem.in}:${problem.path}`));

    const input: Record<string, unknown> = { path: decoded.path, query: decoded.query, header: {}, cookie: {} };
    if (request.body !== undefined) input.requestBody = request.body;
    for (const validate of plan.validators) {
      if (validate(input)) continue;
      for (const problem of describeAjvErrors(validate.errors ?? [])) {
        if (!reported.has(`${problem.in}:${problem.path}`)) problems.push(problem);
      }
    }
    if (problems.length > 0) return sendError(reply, validationError(problems));

    let status: number;
    let body: unknown;
    try {
      ({ status, body } = handler({
        tenant: request.tenant,
        registry: deps.registry,
        path: decoded.path,
        query: decoded.query,
        body: request.body,
        origin: `${request.protocol}://${request.host}`,
      }));
    } catch (error) {
      if (error instanceof DomainError) return sendError(reply, domainErrorReply(error));
      throw error;
    }

    if (deps.validateResponses) {
      const violation = checkResponse(deps.contract, plan, status, body);
      if (violation !== null) {
        request.log.error({ operationId: plan.operationId, status, violation }, 'response does not match the contract');
        return sendError(reply, internalError(violation));
      }
    }
    return reply.code(status).send(body);
  };
}

/** Returns a description of how the response breaks the contract, or null when it matches. */
export function checkResponse(contract: Contract, plan: OperationPlan, status: number, body: unknown): string | null {
  const declared = Object.keys(plan.operation.responses ?? {});
  if (!declared.includes(String(status)) && !declared.includes('default')) {
    return `Response of ${plan.operationId} has status ${status}, which the contract does not declare (declared: ${declared.join(', ')}).`;
  }

  const result = contract.api.validator.validateResponse(body, plan.operation, status);
  if (result.valid) return null;
  const fields = describeAjvErrors(result.errors ?? [], 'response').map((problem) => `${problem.path} ${problem.message}`);
  return `Response of ${plan.operationId} with status ${status} does not match the contract: ${fields.join('; ')}.`;
}
