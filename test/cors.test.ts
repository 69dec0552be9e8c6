import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startFixtureServer, type TestServer } from './helpers/test-server.js';

const ORIGIN = 'http://localhost:5173';

describe('CORS', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startFixtureServer();
  });

  afterAll(async () => {
    await server.close();
  });

  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE'])('lets a browser preflight a %s', async (method) => {
    const response = await server.request('OPTIONS', '/v1/projects/prj_1/environments', {
      key: null,
      headers: { Origin: ORIGIN, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'authorization,content-type' },
    });

    expect(response.status).toBe(204);
    expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(String(response.headers['access-control-allow-methods']).split(', ')).toContain(method);
    expect(response.headers['access-control-allow-headers']).toBe('authorization,content-type');
    expect(response.headers['content-length']).toBe('0');
  });

  it('lets a page read the headers of a fault and of a 405', async () => {
    const response = await server.request('GET', '/v1/services?take=1', { headers: { Origin: ORIGIN } });

    expect(response.status).toBe(200);
    expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
    expect(response.headers['access-control-expose-headers']).toBe('Retry-After, Allow');
    expect(response.headers.vary).toBe('Origin');
  });

  it('adds the origin to error responses too', async () => {
    const response = await server.request('GET', '/v1/services', { key: null, headers: { Origin: ORIGIN } });

    expect(response.status).toBe(401);
    expect(response.headers['access-control-allow-origin']).toBe(ORIGIN);
  });

  it('sends only Vary to a client without an Origin header', async () => {
    const response = await server.request('GET', '/v1/services?take=1');

    expect(response.status).toBe(200);
    expect(response.headers.vary).toBe('Origin');
    expect(response.headers['access-control-allow-origin']).toBeUndefined();
    expect(response.headers['access-control-expose-headers']).toBeUndefined();
  });
});
