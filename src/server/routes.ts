import type { ValidateFunction } from 'ajv';
import type { Operation } from 'openapi-backend';

import type { Contract } from './contract.js';
import { planParameters, type ParameterPlan } from './parameters.js';

// GET operations that change state. Fastify would serve HEAD by running the GET handler,
// so a link checker sending HEAD to a hook URL would start a deployment. These get no HEAD.
const STATE_CHANGING_GETS: ReadonlySet<string> = new Set(['triggerDeployHook', 'triggerPreviewDeployHook']);

/** Everything the request path needs for one operation, computed once at start-up. */
export interface OperationPlan {
  operationId: string;
  method: string;
  /** The contract's path template, such as /v1/deployments/{deploymentId}. */
  path: string;
  /** The same path in Fastify's syntax, such as /v1/deployments/:deploymentId. */
  url: string;
  secured: boolean;
  /** Whether Fastify serves HEAD for this GET operation. */
  exposeHead: boolean;
  body: { required: boolean } | null;
  parameters: ParameterPlan[];
  operation: Operation;
  /**
   * Returns openapi-backend's request validators for this operation, compiled on the first
   * call, so that start-up compiles nothing and each operation pays once.
   */
  validators: () => ValidateFunction[];
}

/**
 * Builds the plan of every operation in the contract. Throws when an operation has no
 * handler, so a contract change cannot ship an unanswered operation.
 */
export function planOperations(contract: Contract, handledIds: readonly string[]): OperationPlan[] {
  const globalSecurity = (contract.document.security ?? []).length > 0;

  return contract.operations.map((operation) => {
    const operationId = operation.operationId ?? '';
    if (!handledIds.includes(operationId)) {
      throw new Error(`The contract's operation ${operation.method.toUpperCase()} ${operation.path} (operationId '${operationId}') has no handler.`);
    }

    const security = operation.security ?? contract.document.security;
    const requestBody = operation.requestBody !== undefined && !('$ref' in operation.requestBody) ? operation.requestBody : undefined;
    return {
      operationId,
      method: operation.method.toUpperCase(),
      path: operation.path,
      url: operation.path.replace(/\{([^}]+)\}/g, ':$1'),
      secured: security === undefined ? globalSecurity : security.length > 0,
      exposeHead: operation.method.toUpperCase() === 'GET' && !STATE_CHANGING_GETS.has(operationId),
      body: requestBody === undefined ? null : { required: requestBody.required === true },
      parameters: planParameters(operation),
      operation,
      validators: lazily(() => contract.api.validator.getRequestValidatorsForOperation(operationId)),
    };
  });
}

/** Groups the methods of each path, for the 405 responses and their Allow header. */
export function methodsByUrl(plans: readonly OperationPlan[]): Map<string, string[]> {
  const methods = new Map<string, string[]>();
  for (const plan of plans) {
    const list = methods.get(plan.url) ?? [];
    list.push(plan.method);
    if (plan.exposeHead) list.push('HEAD');
    methods.set(plan.url, list);
  }
  return methods;
}

function lazily<T>(build: () => T): () => T {
  let value: T | undefined;
  return () => (value ??= build());
}
