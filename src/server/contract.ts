import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import addFormats from 'ajv-formats';
import { OpenAPIBackend, type Document, type Operation } from 'openapi-backend';
import { parse as parseYaml } from 'yaml';

/**
 * Which contract to load: the seed file alone, the seed with the documented additions, or
 * the mock's own control API.
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

async function buildContract(kind: ContractKind): Promise<Contract> {
  const document = readContractDocument(kind);
  // openapi-backend dereferences the document in place, so it gets a copy.
  const api = new OpenAPIBackend({
    definition: structuredClone(document),
    strict: true,
    validate: true,
    // verbose keeps the rejected value on each error, so messages can quote it.
    ajvOpts: { allErrors: true, strict: false, verbose: true },
    customizeAjv: (ajv) => {
      addFormats.default(ajv, ['date-time', 'date', 'uri', 'email']);
      return ajv;
    },
  });
  await api.init();
  return { kind, document, operations: api.router.getOperations(), api };
}

function readYaml(file: string): unknown {
  return parseYaml(readFileSync(file, 'utf8'));
}

function isMapping(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
