import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import type { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { OpenAPIBackend, type Document, type Operation } from 'openapi-backend';
import { parse as parseYaml } from 'yaml';

/**
 * Name of a contract: the seed file alone, the seed with the documented additions, or the
 * mock's own control API.
 */
export type ContractKind = 'documented' | 'seed' | 'control';

export interface Contract {
  readonly kind: ContractKind;
  /** The merged document as written, with its $refs, for docs and the harness. */
  readonly document: Document;
  /** Operations with every $ref resolved, in document order. */
  readonly operations: readonly Operation[];
  /** openapi-backend with the request and response validators compiled for every operation. */
  readonly api: OpenAPIBackend;
}

export const SPEC_DIRECTORY = fileURLToPath(new URL('../../spec/', import.meta.url));
export const SEED_SPEC_FILE = `${SPEC_DIRECTORY}flightcontrol-openapi.yml`;
export const ADDITIONS_FILE = `${SPEC_DIRECTORY}flightcontrol-additions.yml`;
export const CONTROL_API_FILE = `${SPEC_DIRECTORY}control-api.yml`;

// Keys under which an addition replaces the seed's entry whole instead of merging into it:
// a schema, a response of one status, or an operation's parameter list.
const REPLACING_PARENTS = new Set(['schemas', 'responses', 'parameters']);

const loaded = new Map<ContractKind, Promise<Contract>>();

/**
 * Loads a contract once per process: every server built in the process shares its
 * compiled validators, so a second server starts without compiling anything.
 */
export function loadContract(kind: ContractKind = 'documented'): Promise<Contract> {
  let contract = loaded.get(kind);
  if (contract === undefined) {
    contract = buildContract(kind);
    loaded.set(kind, contract);
  }
  return contract;
}

export function readContractDocument(kind: ContractKind): Document {
  if (kind === 'control') return readYaml(CONTROL_API_FILE) as Document;
  const seed = readYaml(SEED_SPEC_FILE);
  if (kind === 'seed') return seed as Document;
  return mergeAdditions(seed, readYaml(ADDITIONS_FILE)) as Document;
}

/**
 * Merges the additions into the seed: mappings merge key by key, while lists, scalars and
 * entries directly under `schemas`, `responses` or `parameters` replace the seed's value.
 */
export function mergeAdditions(seed: unknown, additions: unknown, key = ''): unknown {
  if (!isMapping(seed) || !isMapping(additions)) return additions;

  const merged: Record<string, unknown> = { ...seed };
  const replaceEntries = REPLACING_PARENTS.has(key);
  for (const [childKey, value] of Object.entries(additions)) {
    merged[childKey] = childKey in seed && !replaceEntries ? mergeAdditions(seed[childKey], value, childKey) : value;
  }
  return merged;
}

/**
 * Builds openapi-backend for a contract. Quick mode skips its check of the document (a
 * test checks every contract file instead) and compiles each validator on first use.
 * openapi-backend creates an Ajv instance for every validator, and customizeAjv hands it
 * one shared instance per option set instead. Measured by the benchmark's start-up runs on
 * a 2-core machine, loading both contracts went from 1.57 s to 0.19 s.
 */
async function buildContract(kind: ContractKind): Promise<Contract> {
  const document = readContractDocument(kind);
  const shared = new Map<string, Ajv>();
  // openapi-backend dereferences the document in place, so it gets a copy.
  const api = new OpenAPIBackend({
    definition: structuredClone(document),
    quick: true,
    strict: true,
    validate: true,
    // verbose keeps the rejected value on each error, so messages can quote it.
    ajvOpts: { allErrors: true, strict: false, verbose: true },
    customizeAjv: (fresh, options) => {
      const key = JSON.stringify(options);
      let ajv = shared.get(key);
      if (ajv === undefined) {
        ajv = fresh;
        addFormats.default(ajv, ['date-time', 'date', 'uri', 'email']);
        shared.set(key, ajv);
      }
      return ajv;
    },
  });
  await api.init();
  return { kind, document, operations: api.router.getOperations(), api };
}

/** Checks a contract document against the OpenAPI 3.0 schema, as openapi-backend's strict mode does. */
export async function checkContractDocument(kind: ContractKind): Promise<void> {
  const api = new OpenAPIBackend({ definition: readContractDocument(kind), strict: true, quick: false, validate: false });
  await api.init();
}

function readYaml(file: string): unknown {
  return parseYaml(readFileSync(file, 'utf8'));
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
