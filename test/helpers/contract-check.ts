import { Ajv, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Operation } from 'openapi-backend';

import { loadContract, type Contract } from '../../src/server/contract.js';

/**
 * Checks a response against the effective contract: the seed spec plus the additions.
 * Every test response goes through here, so a body or status the contract does not
 * allow fails the test that received it.
 */
export interface ResponseRecord {
  method: string;
  path: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
  rawBody: string;
}

interface Route {
  method: string;
  pattern: RegExp;
  operation: Operation;
}

let cached: Promise<{ contract: Contract; routes: Route[]; apiError: ValidateFunction; validationError: ValidateFunction }> | undefined;

function load() {
  cached ??= (async () => {
    const contract = await loadContract('documented');
    const routes = contract.operations.map((operation) => ({
      method: operation.method.toUpperCase(),
      pattern: new RegExp(`^${operation.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      operation,
    }));
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats.default(ajv);
    const schemas = (contract.document.components?.schemas ?? {}) as Record<string, object>;
    return {
      contract,
      routes,
      apiError: ajv.compile(schemas.ApiError ?? {}),
      validationError: ajv.compile(schemas.ValidationError ?? {}),
    };
  })();
  return cached;
}

/** Throws an error that names the operation, status and failing fields when the response breaks the contract. */
export async function assertResponseMatchesContract(response: ResponseRecord): Promise<void> {
  const { contract, routes, apiError, validationError } = await load();
  const where = `${response.method} ${response.path} -> ${response.status}`;
  const pathOnly = response.path.split('?')[0] ?? response.path;

  // A scenario's injected fault replaces the operation's response, so the contract does
  // not describe it. The x-mock-fault header marks it.
  if (response.headers['x-mock-fault'] !== undefined) {
    assertInjectedFault(response, where);
    return;
  }

  if (response.status >= 500) throw new Error(`${where}: the server answered ${response.status}: ${response.rawBody}`);
  if (response.method !== 'HEAD' && response.rawBody !== '') {
    const contentType = String(response.headers['content-type'] ?? '');
    if (!contentType.startsWith('application/json')) throw new Error(`${where}: content-type is '${contentType}', not application/json`);
  }
  if (pathOnly.startsWith('/__mock/') || pathOnly === '/health') return;
  // OPTIONS belongs to CORS, which the contract does not describe.
  if (response.method === 'OPTIONS') {
    if (![200, 204, 404, 405].includes(response.status)) throw new Error(`${where}: OPTIONS may answer only 200, 204, 404 or 405`);
    return;
  }

  // HEAD runs the GET operation, except where the server refuses it with 405.
  const method = response.method === 'HEAD' && response.status !== 405 ? 'GET' : response.method;
  const candidates = routes.filter((route) => route.pattern.test(pathOnly));
  const route = candidates.find((candidate) => candidate.method === method);

  if (route === undefined) {
    // Unknown paths and methods get the API's error body, and no other status is allowed there.
    if (response.status !== 404 && response.status !== 405 && response.status !== 400) {
      throw new Error(`${where}: no operation matches, so only 400, 404 or 405 are allowed`);
    }
    if (response.status === 405 && candidates.length === 0) throw new Error(`${where}: 405 on a path that no operation has`);
    const validate = response.status === 400 ? validationError : apiError;
    if (response.method !== 'HEAD' && !validate(response.body)) throw new Error(`${where}: error body does not match: ${JSON.stringify(validate.errors)}`);
    return;
  }

  const declared = Object.keys(route.operation.responses ?? {});
  if (!declared.includes(String(response.status))) {
    throw new Error(`${where}: status ${response.status} is not declared for ${route.operation.operationId} (declared: ${declared.join(', ')})`);
  }
  if (response.method === 'HEAD') return;

  const result = contract.api.validator.validateResponse(response.body, route.operation, response.status);
  if (!result.valid) {
    throw new Error(`${where}: body does not match the contract for ${route.operation.operationId}: ${JSON.stringify(result.errors)}\nbody: ${response.rawBody.slice(0, 2000)}`);
  }
}

const FAULT_STATUSES: readonly number[] = [429, 500, 502, 503];

/** Checks a response marked with x-mock-fault: a fault status and a JSON error body with `message` or `error`. */
function assertInjectedFault(response: ResponseRecord, where: string): void {
  if (!FAULT_STATUSES.includes(response.status)) {
    throw new Error(`${where}: an x-mock-fault response must have status ${FAULT_STATUSES.join(', ')}`);
  }
  if (response.status === 429 && !/^\d+$/.test(String(response.headers['retry-after'] ?? ''))) {
    throw new Error(`${where}: an injected 429 must carry Retry-After in whole seconds`);
  }
  const contentType = String(response.headers['content-type'] ?? '');
  if (!contentType.startsWith('application/json')) throw new Error(`${where}: fault content-type is '${contentType}', not application/json`);

  const body = response.body as Record<string, unknown> | null;
  const hasText = (field: string): boolean => typeof body?.[field] === 'string' && body[field] !== '';
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !(hasText('message') || hasText('error'))) {
    throw new Error(`${where}: fault body must be a JSON object with a 'message' or 'error' string, got ${response.rawBody.slice(0, 200)}`);
  }
}
