import type { Operation } from 'openapi-backend';

import { SeededRandom } from '../state/random.js';
import { pathValue, type Fixtures } from './fixtures.js';
import { sampleValue, type SchemaNode } from './schema-sample.js';

/** A request the harness sends: path with its parameters filled in, query, and a raw body. */
export interface PlannedRequest {
  method: string;
  path: string;
  body?: string;
  contentType?: string;
}

export interface NegativeRequest extends PlannedRequest {
  /** The check's name: what the request gets wrong, such as "body field count of the wrong type". */
  check: string;
}

// Values that schemas cannot express but a correct server requires, by property name:
// CloudFront paths start with "/", a region is a real AWS region.
const VALUE_HINTS: Record<string, unknown> = {
  region: 'us-east-1',
  paths: ['/*'],
  branch: 'main',
  startCommand: 'echo contract-check',
};

export function bodySchemaOf(operation: Operation): SchemaNode | undefined {
  const body = operation.requestBody;
  if (body === undefined || '$ref' in body) return undefined;
  return body.content['application/json']?.schema as SchemaNode | undefined;
}

export function isBodyRequired(operation: Operation): boolean {
  const body = operation.requestBody;
  return body !== undefined && !('$ref' in body) && body.required === true;
}

/**
 * Builds the valid request of an operation from its schemas: path parameters from the
 * fixtures, required query parameters, and a body sampled from the schema with the seed.
 * Returns the name of the missing fixture instead when a path parameter has no value.
 */
export function validRequest(operation: Operation, fixtures: Fixtures, seed: number): PlannedRequest | { missing: string } {
  const random = new SeededRandom(seed);
  let path = operation.path;
  for (const parameter of parameters(operation, 'path')) {
    const value = pathValue(operation.operationId ?? '', parameter.name, fixtures);
    if (value === undefined) return { missing: parameter.name };
    path = path.replace(`{${parameter.name}}`, encodeURIComponent(value));
  }

  const query = new URLSearchParams();
  for (const parameter of parameters(operation, 'query')) {
    if (parameter.required === true) query.set(parameter.name, String(sampleValue(parameter.schema, random)));
  }
  const search = query.toString();
  const request: PlannedRequest = { method: operation.method.toUpperCase(), path: search === '' ? path : `${path}?${search}` };

  const schema = bodySchemaOf(operation);
  if (schema !== undefined) {
    request.body = JSON.stringify(validBody(operation, schema, fixtures, random));
    request.contentType = 'application/json';
  }
  return request;
}

/**
 * Derives the invalid variants of a valid request from the operation's schemas: each
 * required field missing, each field of the wrong type, enum and range violations in the
 * body and the query, a non-integer integer path parameter, and malformed JSON.
 */
export function negativeRequests(operation: Operation, valid: PlannedRequest): NegativeRequest[] {
  const negatives: NegativeRequest[] = [];
  const [pathPart = '', searchPart = ''] = valid.path.split('?');

  for (const parameter of parameters(operation, 'query')) {
    const schema = parameter.schema;
    for (const [label, value] of invalidScalars(schema)) {
      const query = new URLSearchParams(searchPart);
      query.set(parameter.name, value);
      negatives.push({ ...valid, path: `${pathPart}?${query.toString()}`, check: `query ${parameter.name} ${label}` });
    }
    if (parameter.required === true) {
      const query = new URLSearchParams(searchPart);
      query.delete(parameter.name);
      negatives.push({ ...valid, path: `${pathPart}?${query.toString()}`, check: `required query ${parameter.name} missing` });
    }
  }

  for (const parameter of parameters(operation, 'path')) {
    if (parameter.schema?.type !== 'integer') continue;
    const template = operation.path;
    const segments = template.split('/');
    const actual = pathPart.split('/');
    const index = segments.indexOf(`{${parameter.name}}`);
    if (index === -1) continue;
    actual[index] = 'not-an-integer';
    negatives.push({ ...valid, path: `${actual.join('/')}${searchPart === '' ? '' : `?${searchPart}`}`, check: `path ${parameter.name} not an integer` });
  }

  const schema = bodySchemaOf(operation);
  if (schema === undefined || valid.body === undefined) return negatives;
  const body = JSON.parse(valid.body) as Record<string, unknown>;

  negatives.push({ ...valid, body: valid.body.slice(0, Math.max(1, Math.floor(valid.body.length / 2))), check: 'malformed JSON body' });
  if (isBodyRequired(operation)) negatives.push({ method: valid.method, path: valid.path, check: 'required body missing' });

  for (const name of schema.required ?? []) {
    const copy = { ...body };
    delete copy[name];
    negatives.push({ ...valid, body: JSON.stringify(copy), check: `required body field ${name} missing` });
  }
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const wrong = wrongTypeValue(property);
    if (wrong !== undefined) negatives.push({ ...valid, body: JSON.stringify({ ...body, [name]: wrong }), check: `body field ${name} of the wrong type` });
    if (property.enum !== undefined) {
      negatives.push({ ...valid, body: JSON.stringify({ ...body, [name]: 'NOT_AN_ALLOWED_VALUE' }), check: `body field ${name} outside its enum` });
    }
    if (property.maximum !== undefined) {
      negatives.push({ ...valid, body: JSON.stringify({ ...body, [name]: property.maximum + 1 }), check: `body field ${name} above its maximum` });
    }
    if (property.minimum !== undefined) {
      negatives.push({ ...valid, body: JSON.stringify({ ...body, [name]: property.minimum - 1 }), check: `body field ${name} below its minimum` });
    }
    const valueSchema = typeof property.additionalProperties === 'object' ? property.additionalProperties : undefined;
    const wrongValue = valueSchema === undefined ? undefined : wrongTypeValue(valueSchema);
    if (wrongValue !== undefined) {
      negatives.push({ ...valid, body: JSON.stringify({ ...body, [name]: { CONTRACT_CHECK: wrongValue } }), check: `body field ${name} with a value of the wrong type` });
    }
  }
  return negatives;
}

function validBody(operation: Operation, schema: SchemaNode, fixtures: Fixtures, random: SeededRandom): unknown {
  const body = sampleValue(schema, random);
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;

  const object = body as Record<string, unknown>;
  for (const name of Object.keys(object)) {
    if (name in VALUE_HINTS) object[name] = VALUE_HINTS[name];
    // Arrays of untyped objects cannot be sampled validly, so they stay out.
    const property = schema.properties?.[name];
    if (property?.type === 'array' && property.items?.type === 'object' && property.items.properties === undefined) delete object[name];
  }
  if (operation.operationId === 'updateScaling') Object.assign(object, { operation: 'set', count: 2 });
  // A name of its own per run, so that the edit by name below finds exactly one environment.
  if (operation.operationId === 'createEnvironment') object.name = `contract-check-${fixtures.runId}`;
  // The seed contract's edit form names the environment by name, so it edits the one the harness created.
  if (operation.operationId === 'editEnvironment' && fixtures.createdEnvironment !== undefined) {
    Object.assign(object, { name: fixtures.createdEnvironment.name, region: fixtures.createdEnvironment.region });
  }
  return object;
}

interface ParameterInfo {
  name: string;
  required?: boolean;
  schema?: SchemaNode;
}

function parameters(operation: Operation, location: 'path' | 'query'): ParameterInfo[] {
  return (operation.parameters ?? []).filter((parameter) => !('$ref' in parameter) && parameter.in === location) as ParameterInfo[];
}

function invalidScalars(schema: SchemaNode | undefined): [string, string][] {
  if (schema === undefined) return [];
  const cases: [string, string][] = [];
  if (schema.type === 'integer' || schema.type === 'number') cases.push(['not a number', 'not-a-number']);
  if (schema.type === 'boolean') cases.push(['not a boolean', 'not-a-boolean']);
  if (schema.enum !== undefined) cases.push(['outside its enum', 'NOT_AN_ALLOWED_VALUE']);
  if (schema.maximum !== undefined) cases.push(['above its maximum', String(schema.maximum + 1)]);
  if (schema.minimum !== undefined) cases.push(['below its minimum', String(schema.minimum - 1)]);
  return cases;
}

function wrongTypeValue(schema: SchemaNode): unknown {
  switch (schema.type) {
    case 'string':
      return 12345;
    case 'integer':
    case 'number':
      return 'not-a-number';
    case 'boolean':
      return 'not-a-boolean';
    case 'array':
      return 'not-an-array';
    case 'object':
      return 'not-an-object';
    default:
      return undefined;
  }
}
