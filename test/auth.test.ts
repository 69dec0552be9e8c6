import { Writable } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFixtureServer, type TestServer } from './helpers/test-server.js';

const MISSING_KEY = { error: 'Please use an API key for this request' };
const INVALID_KEY = { error: 'Invalid API key' };
const INVALIDATION = '/v1/services/svc_1/cloudfront/invalidation';

describe('API key authentication', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startFixtureServer();
  });

  afterEach(async () => {
    await server.close();
  });

  const withAuthorization = (authorization: string) => server.request('GET', '/v1/services', { headers: { Authorization: authorization } });

  describe('accepted header forms', () => {
    it.each([
      ['Bearer test-key'],
      ['bearer test-key'],
      ['BEARER test-key'],
      ['Bearer   test-key'],
      ['Bearer\ttest-key'],
      ['Bearer: test-key'],
      ['Bearer:test-key'],
      ['bearer: test-key'],
      ['test-key'],
    ])('accepts %j', async (authorization) => {
      const response = await withAuthorization(authorization);

      expect(response.status).toBe(200);
      expect(response.body.services.length).toBeGreaterThan(0);
    });
  });

  describe('missing key', () => {
    it('rejects a request without a header', async () => {
      const response = await server.request('GET', '/v1/services', { key: null });

      expect(response.status).toBe(401);
      expect(response.body).toEqual(MISSING_KEY);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });

    it.each([[''], ['Bearer'], ['bearer'], ['Bearer:'], ['Bearer   ']])('rejects header %j as missing', async (authorization) => {
      const response = await withAuthorization(authorization);

      expect(response.status).toBe(401);
      expect(response.body).toEqual(MISSING_KEY);
      expect(response.headers['www-authenticate']).toBe('Bearer');
    });
  });

  describe('invalid key', () => {
    it.each([
      ['Basic dGVzdC1rZXk6'],
      ['Basic test-key'],
      ['Token test-key'],
      ['Bearer unknown-key'],
      ['unknown-key'],
      ['Bearer TEST-KEY'],
      ['Bearer Test-Key'],
      ['TEST-KEY'],
      ['Bearer test-key extra'],
      ['Bearer test-ke'],
      ['Bearer test-key2'],
    ])('rejects %j', async (authorization) => {
      const response = await withAuthorization(authorization);

      expect(response.status).toBe(401);
      expect(response.body).toEqual(INVALID_KEY);
      expect(String(response.headers['www-authenticate'])).toMatch(/^Bearer\b/);
    });
  });

  describe('rejected requests', () => {
    it('creates no invalidation without a key', async () => {
      const response = await server.request('POST', INVALIDATION, { key: null, json: { paths: ['/*'] } });

      expect(response.status).toBe(401);
      expect(server.tenant.world.invalidations.size).toBe(0);
    });

    it('creates no invalidation with an unknown key', async () => {
      const response = await server.request('POST', INVALIDATION, { key: 'unknown-key', json: { paths: ['/*'] } });

      expect(response.status).toBe(401);
      expect(server.tenant.world.invalidations.size).toBe(0);
    });

    it('creates an invalidation with the key', async () => {
      const response = await server.request('POST', INVALIDATION, { json: { paths: ['/*'] } });

      expect(response.status).toBe(200);
      expect(server.tenant.world.invalidations.size).toBe(1);
    });

    it('creates no environment without a key', async () => {
      const before = server.tenant.world.environments.size;
      const response = await server.request('POST', '/v1/projects/prj_1/environments', { key: null, json: { name: 'Staging', region: 'us-east-1' } });

      expect(response.status).toBe(401);
      expect(server.tenant.world.environments.size).toBe(before);
    });

    it('leaves scaling unchanged without a key', async () => {
      const response = await server.request('POST', '/v1/services/svc_1/scaling', { key: null, json: { operation: 'set', count: 5 } });
      const scaling = await server.request('GET', '/v1/services/svc_1/scaling');

      expect(response.status).toBe(401);
      expect(scaling.body.desiredInstances).toBe(2);
    });

    it('checks the key before the body', async () => {
      const invalidBody = await server.request('POST', INVALIDATION, { key: null, json: { paths: 'not-a-list' } });
      const malformed = await server.request('POST', INVALIDATION, {
        key: null,
        rawBody: '{"paths": [',
        headers: { 'Content-Type': 'application/json' },
      });

      expect(invalidBody.status).toBe(401);
      expect(invalidBody.body).toEqual(MISSING_KEY);
      expect(malformed.status).toBe(401);
      expect(malformed.body).toEqual(MISSING_KEY);
    });

    it('checks the key before the resource', async () => {
      const response = await server.request('GET', '/v1/deployments/dep_unknown', { key: 'unknown-key' });

      expect(response.status).toBe(401);
      expect(response.body).toEqual(INVALID_KEY);
    });
  });

  describe('deploy hooks', () => {
    it.each([['Bearer test-key'], ['Bearer unknown-key'], ['Basic dGVzdC1rZXk6'], ['Bearer']])('ignores Authorization %j', async (authorization) => {
      const response = await server.request('GET', '/api/deploy-hook/12/s3cr3t', { headers: { Authorization: authorization } });

      expect(response.status).toBe(200);
      expect(response.body.success).toBe(true);
    });

    it('needs no Authorization header', async () => {
      const response = await server.request('GET', '/api/deploy-hook/12/s3cr3t', { key: null });

      expect(response.status).toBe(200);
      expect(response.body.success).toBe(true);
    });

    it('rejects a wrong secret despite a key', async () => {
      const response = await server.request('GET', '/api/deploy-hook/12/wrong-secret');

      expect(response.status).toBe(404);
      expect(response.body.success).toBe(false);
      expect(server.tenant.world.deployments.size).toBe(0);
    });
  });
});

describe('API key logging', () => {
  let server: TestServer;
  let logText: string;

  beforeEach(async () => {
    logText = '';
    const logStream = new Writable({
      write(chunk: Buffer | string, _encoding, callback) {
        logText += chunk.toString();
        callback();
      },
    });
    server = await startFixtureServer({ logLevel: 'info', logStream });
  });

  afterEach(async () => {
    await server.close();
  });

  it.each([
    ['valid key', 'Bearer test-key'],
    ['key in the wrong case', 'Bearer TEST-KEY'],
    ['unknown key', 'Bearer unknown-key'],
  ])('keeps a %s out of logs', async (_case, authorization) => {
    const key = authorization.split(' ')[1] ?? '';
    await server.request('GET', '/v1/services', { headers: { Authorization: authorization } });
    await server.close();

    expect(logText).toContain('/v1/services');
    expect(logText.toLowerCase()).not.toContain(key.toLowerCase());
  });
});
