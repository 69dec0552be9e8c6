import type { ErrorObject } from 'ajv';
import type { Operation } from 'openapi-backend';

import type { Contract } from '../server/contract.js';
import type { Exchange } from './http-exchange.js';
import type { Violation } from './results.js';

export type Expectation = 'success' | 'client-error';

export interface ResponseVerdict {
  ok: boolean;
  reason?: string;
  /** A remark on a passing response, such as an error status the contract does not declare. */
  note?: string;
  violations: Violation[];
}

/**
 * Checks one response against the operation's contract: the status class the check
 * expects, a success status the contract declares, and the body against the schema
 * declared for that status. Error statuses may be undeclared, as many specs list few.
 */
export function checkResponse(contract: Contract, operation: Operation, exchange: Exchange, expectation: Expectation): ResponseVerdict {
  if (exchange.error !== undefined) return { ok: false, reason: `no response: ${exchange.error}`, violations: [] };

  const status = exchange.status;
  if (status >= 500) return { ok: false, reason: `server error ${status}${expectation === 'client-error' ? ' on invalid input, where a 4xx is expected' : ''}`, violations: [] };
  if (expectation === 'success' && (status < 200 || status > 299)) {
    return { ok: false, reason: `expected a 2xx answer to a valid request, got ${status}`, violations: [] };
  }
  if (expectation === 'client-error' && (status < 400 || status > 499)) {
    return { ok: false, reason: `expected a 4xx answer to an invalid request, got ${status}`, violations: [] };
  }

  const responses = operation.responses ?? {};
  const declared = Object.keys(responses);
  const declaration = responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses.default;
  if (declaration === undefined) {
    if (status < 400) return { ok: false, reason: `success status ${status} is not declared (declared: ${declared.join(', ')})`, violations: [] };
    return { ok: true, note: `error status ${status} is not declared (declared: ${declared.join(', ')})`, violations: [] };
  }

  const content = '$ref' in declaration ? undefined : declaration.content;
  if (content === undefined || Object.keys(content).length === 0) return { ok: true, violations: [] };
  if (content['application/json'] === undefined) return { ok: true, violations: [] };

  const contentType = String(exchange.headers['content-type'] ?? '');
  if (!contentType.toLowerCase().startsWith('application/json')) {
    return { ok: false, reason: `content-type is '${contentType}', but the contract declares application/json for ${status}`, violations: [] };
  }
  if (exchange.json === undefined) return { ok: false, reason: 'the body is not valid JSON', violations: [] };

  const result = contract.api.validator.validateResponse(exchange.json, operation, status);
  if (result.valid) return { ok: true, violations: [] };
  const violations = (result.errors ?? []).filter((error) => !/\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath)).map(toViolation);
  return { ok: false, reason: `the body does not match the schema declared for ${status}`, violations };
}

function toViolation(error: ErrorObject): Violation {
  const params = error.params as Record<string, unknown>;
  let pointer = error.instancePath;
  if (error.keyword === 'required') pointer = `${pointer}/${String(params.missingProperty)}`;
  return { pointer: pointer === '' ? '/' : pointer, message: describe(error) };
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') return 'is required but missing';
  if (error.keyword === 'type') return `must be ${String(params.type)}, got ${JSON.stringify(error.data) ?? 'undefined'}`;
  if (error.keyword === 'enum') return `must be one of ${JSON.stringify(params.allowedValues)}, got ${JSON.stringify(error.data)}`;
  if (error.keyword === 'format') return `must be a valid ${String(params.format)}, got ${JSON.stringify(error.data)}`;
  return `${error.message ?? 'is invalid'}`;
}
