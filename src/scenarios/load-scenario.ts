import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { Ajv, type ErrorObject } from 'ajv';
import { parse as parseYaml } from 'yaml';

import { describePointer } from '../state/field-path.js';
import { BUILTIN_SCENARIOS } from './builtin.js';
import type { Scenario } from './scenario.js';

/** A scenario that cannot be used; the message names the file, the field and what is expected. */
export class ScenarioError extends Error {}

export const SCENARIO_SCHEMA_FILE = fileURLToPath(new URL('../../spec/scenario.schema.json', import.meta.url));
export const SCENARIO_SCHEMA = JSON.parse(readFileSync(SCENARIO_SCHEMA_FILE, 'utf8')) as Record<string, unknown>;

const validateSchema = new Ajv({ allErrors: true, strict: false, verbose: true }).compile(SCENARIO_SCHEMA);

/** A scenario with the folder that its relative paths, such as a world fixture, start from. */
export interface LocatedScenario {
  scenario: Scenario;
  baseDirectory: string;
  source: string;
}

/** Finds a built-in scenario by name, or reads a YAML or JSON scenario file. */
export async function loadScenario(nameOrFile: string): Promise<LocatedScenario> {
  const builtin = BUILTIN_SCENARIOS[nameOrFile];
  if (builtin !== undefined) return { scenario: builtin, baseDirectory: process.cwd(), source: `built-in scenario ${nameOrFile}` };

  if (!/[./\\]/.test(nameOrFile)) {
    throw new ScenarioError(`Unknown scenario '${nameOrFile}': expected a built-in name (${Object.keys(BUILTIN_SCENARIOS).join(', ')}) or a path to a YAML or JSON file.`);
  }

  const file = resolve(nameOrFile);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new ScenarioError(`Cannot read scenario file ${file}: ${(error as Error).message}`);
  }

  let data: unknown;
  try {
    // YAML 1.2 is a superset of JSON, so one parser reads both kinds of file.
    data = parseYaml(text);
  } catch (error) {
    throw new ScenarioError(`Invalid YAML or JSON in scenario file ${file}: ${(error as Error).message}`);
  }
  return { scenario: checkScenario(data, file), baseDirectory: dirname(file), source: file };
}

/** Checks a scenario object against the published schema and returns it typed. */
export function checkScenario(data: unknown, source: string): Scenario {
  if (validateSchema(data)) return data as Scenario;

  // The branches of an anyOf report their own errors, which the anyOf error sums up.
  const errors = (validateSchema.errors ?? []).filter((error) => !error.schemaPath.includes('/anyOf/'));
  const problems = errors.filter((error) => error.keyword !== 'anyOf' || !hasDeeperError(errors, error)).map(describeSchemaError);
  const unique = [...new Set(problems)];
  throw new ScenarioError(`Invalid scenario ${source}:\n  ${unique.join('\n  ')}`);
}

/**
 * Tells whether another error sits inside the value that this one is about. A latency such
 * as { min: "fast" } fails its anyOf, and the nested error on `min` is more precise than that.
 */
function hasDeeperError(errors: ErrorObject[], error: ErrorObject): boolean {
  return errors.some((other) => other.instancePath.startsWith(`${error.instancePath}/`));
}

// A fault's latency is the one value besides durations that the schema checks with anyOf.
const FAULT_LATENCY = /^\/faults\/\d+\/latency$/;

function describeSchemaError(error: ErrorObject): string {
  const where = describePointer(error.instancePath);
  const params = error.params as Record<string, unknown>;

  switch (error.keyword) {
    case 'required':
      return `${where}: missing required field '${String(params.missingProperty)}'`;
    case 'additionalProperties':
      return `${where}: unknown field '${String(params.additionalProperty)}'; check its spelling against spec/scenario.schema.json`;
    case 'enum':
      return `${where}: must be one of ${(params.allowedValues as unknown[]).map((value) => JSON.stringify(value)).join(', ')}, got ${JSON.stringify(error.data)}`;
    case 'anyOf':
      if (FAULT_LATENCY.test(error.instancePath)) {
        return `${where}: must be a duration in milliseconds, a string such as "50ms", or a range { min, max } of two durations, got ${JSON.stringify(error.data)}`;
      }
      return `${where}: must be a duration in milliseconds or a string such as "90s" or "10m", got ${JSON.stringify(error.data)}`;
    default:
      return `${where}: ${error.message ?? 'is invalid'}, got ${JSON.stringify(error.data)}`;
  }
}
