import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFixtureServer, type TestServer } from './helpers/test-server.js';

const JSON_HEADERS = { 'Content-Type': 'application/json' };

describe('routing and HTTP errors', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startFixtureServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it('answers an unknown path with 404', async () => {
    const response = await server.request('GET', '/v1/unknown');
    expect(response.status).toBe(404);
    expect(response.body.errorCode).toBe('FC:Request:Error:NOT_FOUND');
    expect(response.body.message).toContain('/v1/unknown');
  });

  it.each(['/v1//services', '/v1/services/', '/v1/cloudfront/invalidation/x/', '/api/deploy-hook/34/s3cr3t/42', '/api/deploy-hook/34/s3cr3t/42/abc/extra'])(
    'answers %s with 404',
    async (path) => {
      const response = await server.request('GET', path, { key: null });
      expect(response.status).toBe(404);
    },
  );

  it('answers an empty path parameter with 404', async () => {
    const response = await server.request('POST', '/v1/services//scaling', { json: { operation: 'set', count: 3 } });
    expect(response.status).toBe(404);
  });

  it.each([
    ['DELETE', '/v1/services', 'GET, HEAD'],
    ['PUT', '/v1/services/svc_1/scaling', 'GET, HEAD, POST'],
    ['GET', '/v1/projects/prj_1/environments', 'POST, PATCH'],
    ['DELETE', '/api/deploy-hook/12/s3cr3t', 'GET'],
  ])('answers %s %s with 405 and Allow', async (method, path, allow) => {
    const response = await server.request(method, path, { key: null });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe(allow);
    expect(response.body.errorCode).toBe('FC:Request:Error:METHOD_NOT_ALLOWED');
  });

  it('answers HEAD like GET without a body', async () => {
    const authorized = await server.request('HEAD', '/v1/services');
    expect(authorized.status).toBe(200);
    expect(authorized.rawBody).toBe('');

    const anonymous = await server.request('HEAD', '/v1/services', { key: null });
    expect(anonymous.status).toBe(401);
  });

  it('creates nothing on HEAD of a hook', async () => {
    const response = await server.request('HEAD', '/api/deploy-hook/12/s3cr3t', { key: null });
    expect(response.status).toBe(405);
    expect(response.headers.allow).toBe('GET');
    expect(server.tenant.world.deployments.size).toBe(0);
  });

  it('answers a CORS preflight without credentials', async () => {
    const response = await server.request('OPTIONS', '/v1/services/svc_1/scaling', {
      key: null,
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'authorization,content-type' },
    });
    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe('http://localhost:5173');
    expect(String(response.headers['access-control-allow-headers'])).toContain('authorization');
  });

  it('accepts JSON with a charset parameter', async () => {
    for (const contentType of ['application/json; charset=utf-8', 'application/json;charset=UTF-8']) {
      const response = await server.request('POST', '/v1/services/svc_1/scaling', {
        headers: { 'Content-Type': contentType },
        rawBody: '{"operation":"set","count":3}',
      });
      expect(response.status).toBe(200);
    }
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json'])('rejects %s with 415', async (contentType) => {
    const response = await server.request('POST', '/v1/services/svc_1/scaling', {
      headers: { 'Content-Type': contentType },
      rawBody: '{"operation":"set","count":3}',
    });
    expect(response.status).toBe(415);
    expect(response.body.errorCode).toBe('FC:Request:Error:UNSUPPORTED_MEDIA_TYPE');
    expect(response.body.message).toContain(contentType);
  });

  it('rejects a body without a content type', async () => {
    const response = await server.request('POST', '/v1/services/svc_1/scaling', { rawBody: '{"operation":"set","count":3}' });
    expect(response.status).toBe(415);
    expect(response.body.message).toContain('no Content-Type header');
  });

  it('requires the body of a body operation', async () => {
    const response = await server.request('POST', '/v1/services/svc_1/scaling');
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'body', in: 'body', message: 'is required' }]);
  });

  it.each([
    ['truncated JSON', '{"operation":"set",'],
    ['a bare word', 'set'],
  ])('rejects %s as malformed JSON', async (_label, rawBody) => {
    const response = await server.request('POST', '/v1/services/svc_1/scaling', { headers: JSON_HEADERS, rawBody });
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
    expect(response.body.message).toMatch(/^Malformed JSON in the request body/);
    expect(response.body.errors[0].path).toBe('body');
  });

  it('reports an empty JSON body as missing', async () => {
    const response = await server.request('POST', '/v1/services/svc_1/scaling', { headers: JSON_HEADERS, rawBody: '' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'body', in: 'body', message: 'is required' }]);
  });

  it('resets with an empty JSON body', async () => {
    const response = await server.request('POST', '/__mock/reset', { headers: JSON_HEADERS, rawBody: '' });
    expect(response.status).toBe(200);
  });

  it('rejects a JSON null body', async () => {
    const response = await server.request('POST', '/v1/services/svc_1/scaling', { headers: JSON_HEADERS, rawBody: 'null' });
    expect(response.status).toBe(400);
    expect(response.body.errors[0]).toMatchObject({ path: 'body', message: 'must be an object, got null' });
  });

  it('drops a __proto__ key without harm', async () => {
    const response = await server.request('POST', '/v1/services/svc_1/scaling', {
      headers: JSON_HEADERS,
      rawBody: '{"operation":"set","count":4,"__proto__":{"polluted":true}}',
    });
    expect(response.status).toBe(200);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rejects a body over 1 MiB with 413', async () => {
    const paths = Array.from({ length: 40_000 }, (_, i) => `/aaaaaaaaaaaaaaaaaaaaaaaa${i}`);
    const response = await server.request('POST', '/v1/services/svc_1/cloudfront/invalidation', { json: { paths } });
    expect(response.status).toBe(413);
    expect(response.body.errorCode).toBe('FC:Request:Error:PAYLOAD_TOO_LARGE');
    expect(server.tenant.world.invalidations.size).toBe(0);
  });

  it('rejects broken percent-encoding with 400', async () => {
    const response = await server.request('GET', '/v1/cloudfront/invalidation/%E0%A4%A');
    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
  });

  it('lists every failing field at once', async () => {
    const response = await server.request('POST', '/v1/services/svc_1/scaling', { json: { operation: 'multiply', count: '3' } });
    expect(response.status).toBe(400);
    const paths = response.body.errors.map((error: { path: string }) => error.path).sort();
    expect(paths).toEqual(['count', 'operation']);
    expect(response.body.message).toContain('operation must be one of "set", "add", "remove", got "multiply"');
    expect(response.body.message).toContain('count must be an integer, got the string "3"');
  });

  it('keeps serving after bad input', async () => {
    await server.request('POST', '/v1/services/svc_1/scaling', { headers: JSON_HEADERS, rawBody: '{' });
    await server.request('GET', '/v1/cloudfront/invalidation/%E0%A4%A');
    const response = await server.request('GET', '/health', { key: null });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('stores nothing from rejected scaling', async () => {
    const before = server.tenant.world.services.get('svc_worker')?.scaling?.desiredCount;
    for (const body of [{ operation: 'set', count: 101 }, { operation: 'SET', count: 3 }, { operation: 'set', count: 2.5 }]) {
      const response = await server.request('POST', '/v1/services/svc_worker/scaling', { json: body });
      expect(response.status).toBe(400);
    }
    expect(server.tenant.world.services.get('svc_worker')?.scaling?.desiredCount).toBe(before);
  });
});
