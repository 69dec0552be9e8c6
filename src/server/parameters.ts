import type { Operation } from 'openapi-backend';

import type { FieldProblem } from '../state/errors.js';

/**
 * Strict decoding of path and query parameters, before schema validation. Ajv's type
 * coercion would accept "1e3", "0x1F", "+12", "12.0" or "Infinity" as integers and "1" as
 * true, so a handler could act on a different value than the client meant. Here an
 * integer is plain decimal digits within the safe range, a boolean is "true" or "false",
 * and a scalar given twice is an error.
 */
export interface ParameterPlan {
  name: string;
  in: 'path' | 'query';
  required: boolean;
  type: string | undefined;
  defaultValue: unknown;
}

export interface DecodedParameters {
  path: Record<string, unknown>;
  query: Record<string, unknown>;
  problems: FieldProblem[];
}

const INTEGER = /^-?(0|[1-9][0-9]*)$/;
const NUMBER = /^-?(0|[1-9][0-9]*)(\.[0-9]+)?$/;

/** Reads the path and query parameters of an operation once, at start-up. */
export function planParameters(operation: Operation): ParameterPlan[] {
  const plans: ParameterPlan[] = [];
  for (const parameter of operation.parameters ?? []) {
    if ('$ref' in parameter) continue;
    if (parameter.in !== 'path' && parameter.in !== 'query') continue;

    const schema = parameter.schema !== undefined && !('$ref' in parameter.schema) ? parameter.schema : undefined;
    plans.push({
      name: parameter.name,
      in: parameter.in,
      required: parameter.required === true,
      type: schema?.type,
      defaultValue: schema?.default,
    });
  }
  return plans;
}

/**
 * Decodes the declared parameters. Undeclared query parameters are dropped, as real APIs
 * ignore cache busters; missing optional ones get their schema default.
 */
export function decodeParameters(
  plans: readonly ParameterPlan[],
  rawPath: Record<string, string>,
  rawQuery: Record<string, string | string[] | undefined>,
): DecodedParameters {
  const decoded: DecodedParameters = { path: {}, query: {}, problems: [] };

  for (const plan of plans) {
    const raw = plan.in === 'path' ? rawPath[plan.name] : rawQuery[plan.name];
    const target = plan.in === 'path' ? decoded.path : decoded.query;

    if (raw === undefined) {
      if (plan.defaultValue !== undefined) target[plan.name] = plan.defaultValue;
      else if (plan.required) decoded.problems.push({ path: plan.name, in: plan.in, message: 'is required' });
      continue;
    }

    const result = decodeValue(plan, raw);
    if ('problem' in result) decoded.problems.push({ path: plan.name, in: plan.in, message: result.problem });
    else target[plan.name] = result.value;
  }
  return decoded;
}

function decodeValue(plan: ParameterPlan, raw: string | string[]): { value: unknown } | { problem: string } {
  if (Array.isArray(raw)) {
    if (plan.type === 'array') return { value: raw };
    return { problem: `must be given once, got ${raw.length} values` };
  }

  switch (plan.type) {
    case 'integer': {
      const value = Number(raw);
      if (!INTEGER.test(raw)) return { problem: `must be an integer written in plain decimal digits, got '${raw}'` };
      if (!Number.isSafeInteger(value)) return { problem: `must be an integer between ${Number.MIN_SAFE_INTEGER} and ${Number.MAX_SAFE_INTEGER}, got '${raw}'` };
      return { value };
    }
    case 'number':
      if (!NUMBER.test(raw)) return { problem: `must be a decimal number, got '${raw}'` };
      return { value: Number(raw) };
    case 'boolean':
      if (raw === 'true') return { value: true };
      if (raw === 'false') return { value: false };
      return { problem: `must be true or false, got '${raw}'` };
    case 'array':
      return { value: [raw] };
    default:
      return { value: raw };
  }
}
