import { createHash } from 'node:crypto';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFixtureServer, type TestServer } from './helpers/test-server.js';

const CUID = /^c[0-9a-z]{24}$/;

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

// Both endpoints take the same body and return the same responses. Only the scope differs.
describe.each([
  { scope: 'environment', path: '/v1/environments/env_1/env-variables', scopeId: 'env_1', unknownPath: '/v1/environments/env_missing/env-variables' },
  { scope: 'service', path: '/v1/services/svc_1/env-variables', scopeId: 'svc_1', unknownPath: '/v1/services/svc_missing/env-variables' },
])('$scope env variables', ({ path, scopeId, unknownPath }) => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startFixtureServer();
  });

  afterEach(async () => {
    await server.close();
  });

  function write(json: unknown) {
    return server.request('POST', path, { json });
  }

  function storedNames(): string[] {
    return [...(server.tenant.world.envVariables.get(scopeId)?.keys() ?? [])].sort();
  }

  describe('saved at once', () => {
    it('saves plain text with 200', async () => {
      const response = await write({ plainText: { NODE_ENV: 'production', LOG_LEVEL: 'info' } });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'completed', savedCount: 2 });
    });

    it('stores plain text values', async () => {
      await write({ plainText: { NODE_ENV: 'production' } });
      const variable = server.tenant.world.envVariables.get(scopeId)?.get('NODE_ENV');

      expect(variable?.source).toBe('plainText');
      expect(variable?.value).toBe('production');
    });

    it('saves references with 200', async () => {
      const response = await write({
        fromParameterStore: { DB_URL: '/prod/db-url' },
        fromSecretsManager: { STRIPE_KEY: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:stripe-AbCdEf' },
        fromService: { API_URL: { id: 'svc_1', value: 'url' } },
      });

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'completed', savedCount: 3 });
    });

    it('stores a service reference', async () => {
      await write({ fromService: { API_URL: { id: 'svc_1', value: 'url' } } });
      const variable = server.tenant.world.envVariables.get(scopeId)?.get('API_URL');

      expect(variable?.source).toBe('fromService');
      expect(variable?.serviceReference).toEqual({ id: 'svc_1', value: 'url' });
    });

    it('accepts an empty body', async () => {
      const response = await write({});

      expect(response.status).toBe(200);
      expect(response.body).toEqual({ status: 'completed', savedCount: 0 });
    });

    it('overwrites a variable by name', async () => {
      await write({ plainText: { LOG_LEVEL: 'info' } });
      await write({ plainText: { LOG_LEVEL: 'debug' } });

      expect(storedNames()).toEqual(['LOG_LEVEL']);
      expect(server.tenant.world.envVariables.get(scopeId)?.get('LOG_LEVEL')?.value).toBe('debug');
    });
  });

  describe('managed secrets', () => {
    it.each(['parameterStore', 'secretsManager'])('returns 202 for %s', async (group) => {
      const response = await write({ [group]: { DB_PASSWORD: 'hunter2' } });

      expect(response.status).toBe(202);
      expect(response.body.status).toBe('processing');
      expect(response.body.runId).toMatch(CUID);
      expect(response.body.savedCount).toBe(0);
      expect(response.body.processingCount).toBe(1);
    });

    it('splits a mixed request', async () => {
      const response = await write({
        plainText: { NODE_ENV: 'production', LOG_LEVEL: 'info' },
        parameterStore: { DB_PASSWORD: 'pw-1' },
        secretsManager: { JWT_SECRET: 'jwt-1', SESSION_SECRET: 'session-1' },
        fromParameterStore: { DB_URL: '/prod/db-url' },
        fromService: { API_URL: { id: 'svc_1', value: 'url' } },
      });

      expect(response.status).toBe(202);
      expect(response.body.status).toBe('processing');
      expect(response.body.savedCount).toBe(4);
      expect(response.body.processingCount).toBe(3);
      expect(storedNames()).toEqual(['API_URL', 'DB_PASSWORD', 'DB_URL', 'JWT_SECRET', 'LOG_LEVEL', 'NODE_ENV', 'SESSION_SECRET']);
    });

    it('gives each run its own id', async () => {
      const first = await write({ parameterStore: { A: 'secret-a' } });
      const second = await write({ parameterStore: { B: 'secret-b' } });

      expect(first.body.runId).not.toBe(second.body.runId);
    });

    it('never echoes a secret value', async () => {
      const response = await write({
        plainText: { NODE_ENV: 'production' },
        parameterStore: { DB_PASSWORD: 'pw-never-echoed-1' },
        secretsManager: { JWT_SECRET: 'jwt-never-echoed-2' },
      });

      expect(response.rawBody).not.toContain('pw-never-echoed-1');
      expect(response.rawBody).not.toContain('jwt-never-echoed-2');
    });

    it('stores only the SHA-256 of a secret', async () => {
      await write({
        parameterStore: { DB_PASSWORD: 'pw-never-stored-1' },
        secretsManager: { JWT_SECRET: 'jwt-never-stored-2' },
      });
      const store = server.tenant.world.envVariables.get(scopeId);
      const stored = JSON.stringify([...(store?.values() ?? [])]);

      expect(stored).not.toContain('pw-never-stored-1');
      expect(stored).not.toContain('jwt-never-stored-2');
      expect(store?.get('DB_PASSWORD')?.value).toBeNull();
      expect(store?.get('DB_PASSWORD')?.secretSha256).toBe(sha256('pw-never-stored-1'));
      expect(store?.get('JWT_SECRET')?.value).toBeNull();
      expect(store?.get('JWT_SECRET')?.secretSha256).toBe(sha256('jwt-never-stored-2'));
    });
  });

  describe('validation', () => {
    it('rejects fromService strings', async () => {
      const response = await write({ fromService: { API_URL: 'svc_1.url' } });

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(response.body.errors.map((error: { path: string }) => error.path)).toContain('fromService.API_URL');
    });

    it('rejects fromService without value', async () => {
      const response = await write({ fromService: { API_URL: { id: 'svc_1' } } });

      expect(response.status).toBe(400);
      expect(response.body.errors).toContainEqual({ path: 'fromService.API_URL.value', in: 'body', message: 'is required' });
    });

    it.each([
      ['a boolean', true],
      ['a number', 1],
      ['null', null],
      ['an object', { on: true }],
    ])('rejects %s as plain text', async (_label, value) => {
      const response = await write({ plainText: { NODE_ENV: 'production', DEBUG: value } });

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(['plainText.DEBUG']);
      expect(response.body.message).toContain('plainText.DEBUG must be a string');
    });

    it('rejects a non-string secret', async () => {
      const response = await write({ secretsManager: { PIN: 1234 } });

      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(['secretsManager.PIN']);
    });

    it.each([
      ['a string', 'NODE_ENV=production'],
      ['an array', ['NODE_ENV']],
      ['null', null],
    ])('rejects a group that is %s', async (_label, group) => {
      const response = await write({ plainText: group });

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(['plainText']);
      expect(response.body.message).toContain('plainText must be an object');
    });

    it.each([
      ['an empty name', ''],
      ['a name with "="', 'LOG=LEVEL'],
    ])('rejects %s', async (_label, name) => {
      const response = await write({ plainText: { NODE_ENV: 'production', [name]: 'info' } });

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(['plainText']);
      expect(response.body.message).toContain('name');
      expect(storedNames()).toEqual([]);
    });

    it('rejects a name in two groups', async () => {
      const response = await write({ plainText: { DB_PASSWORD: 'plain' }, parameterStore: { DB_PASSWORD: 'secret-dup' } });

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(response.body.errors.map((error: { path: string }) => error.path)).toEqual(['parameterStore.DB_PASSWORD']);
      expect(response.body.message).toContain('plainText');
      expect(response.rawBody).not.toContain('secret-dup');
    });

    it('stores nothing from a rejected request', async () => {
      const rejected = [
        { plainText: { NODE_ENV: 'production', DEBUG: true } },
        { plainText: { NODE_ENV: 'production' }, fromService: { API_URL: 'svc_1.url' } },
        { plainText: { DB_PASSWORD: 'plain' }, parameterStore: { DB_PASSWORD: 'secret' } },
      ];
      for (const body of rejected) {
        const response = await write(body);
        expect(response.status).toBe(400);
      }

      expect(storedNames()).toEqual([]);
    });

    it('rejects an unknown scope with 404', async () => {
      const response = await server.request('POST', unknownPath, { json: { plainText: { NODE_ENV: 'production' } } });

      expect(response.status).toBe(404);
      expect(response.body.errorCode).toBe('FC:Request:Error:NOT_FOUND');
      expect(response.body.message).toMatch(/env_missing|svc_missing/);
    });
  });
});

describe('env variable scopes', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startFixtureServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it('keeps service and environment apart', async () => {
    await server.request('POST', '/v1/environments/env_1/env-variables', { json: { plainText: { SHARED: 'environment' } } });
    await server.request('POST', '/v1/services/svc_1/env-variables', { json: { plainText: { SHARED: 'service' } } });

    expect(server.tenant.world.envVariables.get('env_1')?.get('SHARED')?.value).toBe('environment');
    expect(server.tenant.world.envVariables.get('svc_1')?.get('SHARED')?.value).toBe('service');
  });

  it('stores nothing for an unknown scope', async () => {
    await server.request('POST', '/v1/environments/env_missing/env-variables', { json: { plainText: { A: 'a' } } });
    await server.request('POST', '/v1/services/svc_missing/env-variables', { json: { plainText: { A: 'a' } } });

    expect(server.tenant.world.envVariables.has('env_missing')).toBe(false);
    expect(server.tenant.world.envVariables.has('svc_missing')).toBe(false);
  });
});
