import { readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';

import { ADDITIONS_FILE, SEED_SPEC_FILE, checkContractDocument, loadContract, mergeAdditions } from '../src/server/contract.js';
import { OPERATION_HANDLERS } from '../src/server/handlers/index.js';
import { OPERATION_IDS } from '../src/server/operation-ids.js';

type SpecDocument = { paths: Record<string, Record<string, { operationId?: string }>> };

function operationIdsOf(file: string): string[] {
  const document = parseYaml(readFileSync(file, 'utf8')) as SpecDocument;
  return Object.values(document.paths).flatMap((item) =>
    Object.values(item)
      .map((operation) => operation.operationId)
      .filter((id): id is string => id !== undefined),
  );
}

describe('operations', () => {
  it('has a handler for every operationId of the seed spec', () => {
    for (const operationId of operationIdsOf(SEED_SPEC_FILE)) {
      expect(Object.keys(OPERATION_HANDLERS), `no handler for ${operationId}`).toContain(operationId);
    }
  });

  it('has a handler for every operationId of the additions', () => {
    for (const operationId of operationIdsOf(ADDITIONS_FILE)) {
      expect(Object.keys(OPERATION_HANDLERS), `no handler for ${operationId}`).toContain(operationId);
    }
  });

  it('lists exactly the effective contract operations', async () => {
    const contract = await loadContract('documented');
    const ids = contract.operations.map((operation) => operation.operationId).sort();
    expect(ids).toEqual([...OPERATION_IDS].sort());
  });

  it('keeps the seed operations in the seed contract', async () => {
    const contract = await loadContract('seed');
    const ids = contract.operations.map((operation) => operation.operationId).sort();
    expect(ids).toEqual(operationIdsOf(SEED_SPEC_FILE).sort());
  });
});

describe('contract documents', () => {
  // The server loads contracts in openapi-backend's quick mode, which skips this check.
  it.each(['documented', 'seed', 'control'] as const)('%s contract is valid OpenAPI', async (kind) => {
    await expect(checkContractDocument(kind)).resolves.toBeUndefined();
  });
});

describe('contract merge', () => {
  it('merges mappings key by key', () => {
    const merged = mergeAdditions({ a: { b: 1, c: 2 } }, { a: { c: 3, d: 4 } });
    expect(merged).toEqual({ a: { b: 1, c: 3, d: 4 } });
  });

  it('replaces a named schema whole', () => {
    const seed = { components: { schemas: { Hook: { type: 'object', properties: { success: { type: 'string', example: 'true' } } } } } };
    const additions = { components: { schemas: { Hook: { type: 'object', properties: { success: { type: 'boolean' } } } } } };
    expect(mergeAdditions(seed, additions)).toEqual(additions);
  });

  it('replaces a response of one status whole', () => {
    const seed = { paths: { '/a': { get: { responses: { '200': { description: 'OK' }, '401': { description: 'Unauthorized' } } } } } };
    const additions = { paths: { '/a': { get: { responses: { '401': { $ref: '#/components/responses/Unauthorized' } } } } } };
    expect(mergeAdditions(seed, additions)).toEqual({
      paths: { '/a': { get: { responses: { '200': { description: 'OK' }, '401': { $ref: '#/components/responses/Unauthorized' } } } } },
    });
  });

  it('gives every addition a reason', () => {
    const additions = parseYaml(readFileSync(ADDITIONS_FILE, 'utf8')) as SpecDocument;
    for (const [path, item] of Object.entries(additions.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        if (operation.operationId !== undefined) {
          expect((operation as Record<string, unknown>)['x-reason'], `${method} ${path} needs x-reason`).toBeTypeOf('string');
        }
      }
    }
  });
});
