import type { ErrorObject } from 'ajv';

import type { FieldProblem } from '../state/errors.js';
import { formatFieldPath, pointerSegments } from '../state/field-path.js';

type Location = FieldProblem['in'];

// The top-level property of openapi-backend's validation input that contains each part of the request.
const LOCATIONS: Record<string, Location> = { path: 'path', query: 'query', header: 'header', requestBody: 'body' };

/**
 * Turns Ajv errors from openapi-backend's validators into one problem per failing field,
 * with the field named as a client writes it (`count`, `paths[0]`, `envVariables.PORT`)
 * and a message that states what is expected.
 */
export function describeAjvErrors(errors: readonly ErrorObject[], scope: 'request' | 'response' = 'request'): FieldProblem[] {
  const alternatives = new Set(errors.filter((error) => error.keyword === 'oneOf' || error.keyword === 'anyOf').map((error) => error.instancePath));
  const problems: FieldProblem[] = [];
  const seen = new Set<string>();

  for (const error of errors) {
    // The branches of a oneOf report their own errors, which the single oneOf error describes better.
    if (/\/(oneOf|anyOf)\/\d+\//.test(error.schemaPath) && [...alternatives].some((path) => error.instancePath.startsWith(path))) continue;

    const problem = describeError(error, scope);
    const key = `${problem.in}:${problem.path}:${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return problems;
}

function describeError(error: ErrorObject, scope: 'request' | 'response'): FieldProblem {
  const segments = pointerSegments(error.instancePath);
  // Request errors start with the part of the request; response errors start at the body.
  const location = scope === 'request' ? (LOCATIONS[segments[0] ?? ''] ?? 'body') : 'body';
  let fieldSegments = scope === 'request' ? segments.slice(1) : segments;

  if (error.keyword === 'required') fieldSegments = [...fieldSegments, String(error.params.missingProperty)];
  if (error.keyword === 'additionalProperties') fieldSegments = [...fieldSegments, String(error.params.additionalProperty)];

  // A missing body is reported by openapi-backend as a missing `requestBody` property.
  if (scope === 'request' && segments.length === 0 && fieldSegments[0] === 'requestBody') {
    return { path: 'body', in: 'body', message: describeMessage(error) };
  }
  const path = formatFieldPath(fieldSegments) || (location === 'body' ? 'body' : location);
  return { path, in: location, message: describeMessage(error) };
}

function describeMessage(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'required':
      return 'is required';
    case 'type':
      return `must be ${withArticle(String(params.type))}, got ${describeType(error.data)}`;
    case 'enum':
      return `must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}, got ${JSON.stringify(error.data)}`;
    case 'maximum':
      return `must be at most ${String(params.limit)}, got ${String(error.data)}`;
    case 'minimum':
      return `must be at least ${String(params.limit)}, got ${String(error.data)}`;
    case 'additionalProperties':
      return 'is not an allowed field';
    case 'format':
      return `must be a valid ${String(params.format)}`;
    case 'oneOf':
    case 'anyOf':
      return `does not match any allowed form, got ${describeType(error.data)}`;
    default:
      return error.message ?? 'is invalid';
  }
}

function withArticle(type: string): string {
  if (type.includes(',')) return `one of the types ${type}`;
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${JSON.stringify(value) ?? 'undefined'}`;
}
