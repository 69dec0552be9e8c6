import type { SeededRandom } from '../state/random.js';

/** A JSON Schema node as openapi-backend leaves it: dereferenced, OpenAPI 3.0 flavoured. */
export interface SchemaNode {
  type?: string;
  enum?: unknown[];
  properties?: Record<string, SchemaNode>;
  required?: string[];
  additionalProperties?: boolean | SchemaNode;
  items?: SchemaNode;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  pattern?: string;
  format?: string;
  nullable?: boolean;
  default?: unknown;
  example?: unknown;
  oneOf?: SchemaNode[];
  anyOf?: SchemaNode[];
  allOf?: SchemaNode[];
}

/**
 * Builds a valid value for a schema from a seeded stream: every required property, and
 * each optional one with even odds, so that one seed always gives the same request.
 */
export function sampleValue(schema: SchemaNode | undefined, random: SeededRandom, depth = 0): unknown {
  if (schema === undefined) return 'sample';
  if (schema.enum !== undefined && schema.enum.length > 0) return schema.enum[random.integer(0, schema.enum.length - 1)];
  if (schema.example !== undefined && depth > 0) return schema.example;
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives !== undefined && alternatives.length > 0) return sampleValue(alternatives[0], random, depth + 1);
  if (schema.allOf !== undefined) return Object.assign({}, ...schema.allOf.map((part) => sampleValue(part, random, depth + 1)));

  switch (schema.type) {
    case 'integer': {
      const min = schema.minimum ?? 0;
      const max = Math.min(schema.maximum ?? min + 10, min + 10);
      return random.integer(min, max);
    }
    case 'number':
      return (schema.minimum ?? 0) + random.integer(0, 100) / 10;
    case 'boolean':
      return random.next() < 0.5;
    case 'array': {
      const count = Math.max(schema.minItems ?? 1, 1);
      return Array.from({ length: count }, () => sampleValue(schema.items, random, depth + 1));
    }
    case 'object':
      return sampleObject(schema, random, depth);
    case 'string':
      return sampleString(schema, random);
    default:
      return schema.properties !== undefined ? sampleObject(schema, random, depth) : 'sample';
  }
}

function sampleObject(schema: SchemaNode, random: SeededRandom, depth: number): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  const required = new Set(schema.required ?? []);
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    // Deep optional objects are left out, so the sample stays small and readable.
    if (required.has(name) || (depth < 2 && random.next() < 0.5)) value[name] = sampleValue(property, random, depth + 1);
  }
  if (Object.keys(value).length === 0 && typeof schema.additionalProperties === 'object') {
    value[`KEY_${random.base36(4).toUpperCase()}`] = sampleValue(schema.additionalProperties, random, depth + 1);
  }
  return value;
}

function sampleString(schema: SchemaNode, random: SeededRandom): string {
  if (schema.format === 'date-time') return new Date(Date.UTC(2026, 0, 1 + random.integer(0, 300))).toISOString();
  if (schema.format === 'uri') return `https://example.com/${random.base36(6)}`;
  const length = Math.max(schema.minLength ?? 1, 8);
  return `sample-${random.base36(length)}`;
}
