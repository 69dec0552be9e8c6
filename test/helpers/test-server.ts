import http from 'node:http';

import { createMockServer, type MockServer, type MockServerOptions } from '../../src/server/mock-server.js';
import type { Tenant } from '../../src/state/tenants.js';
import { assertResponseMatchesContract, type ResponseRecord } from './contract-check.js';

export const FIXTURE_WORLD = new URL('../fixtures/world.json', import.meta.url).pathname;
export const FIXTURE_KEY = 'test-key';

export interface RequestOptions {
  /** API key sent as "Authorization: Bearer KEY"; the server's first key unless null. */
  key?: string | null;
  headers?: Record<string, string>;
  /** A JSON body, sent with Content-Type: application/json. */
  json?: unknown;
  /** A body sent exactly as given, with only the headers in `headers`. */
  rawBody?: string;
}

export interface TestResponse extends ResponseRecord {
  // Tests read fields of JSON bodies freely; the contract check has already vetted them.
  body: any;
}

export interface TestServer {
  baseUrl: string;
  mock: MockServer;
  tenant: Tenant;
  apiKey: string;
  request(method: string, path: string, options?: RequestOptions): Promise<TestResponse>;
  /** Moves the tenant's manual clock forward. */
  advance(ms: number): void;
  close(): Promise<void>;
}

/**
 * Starts a real server on a free port of 127.0.0.1, with a manual clock and response
 * validation on, and returns a client whose every response is checked against the contract.
 */
export async function startTestServer(options: MockServerOptions = {}): Promise<TestServer> {
  const mock = await createMockServer({
    clock: { mode: 'manual', startMs: Date.parse('2026-03-01T12:00:00.000Z') },
    validateResponses: true,
    ...options,
  });
  const baseUrl = await mock.app.listen({ port: 0, host: '127.0.0.1' });
  const apiKey = mock.tenant.definition.apiKeys[0] ?? '';

  return {
    baseUrl,
    mock,
    tenant: mock.tenant,
    apiKey,
    request: async (method, path, requestOptions = {}) => {
      const response = await send(baseUrl, method, path, apiKey, requestOptions);
      await assertResponseMatchesContract(response);
      return response;
    },
    advance: (ms) => mock.tenant.clock.advance(ms),
    close: () => mock.app.close(),
  };
}

/** Starts a server on the fixture world, whose ids match the examples in the tests. */
export function startFixtureServer(options: MockServerOptions = {}): Promise<TestServer> {
  return startTestServer({ worldFile: FIXTURE_WORLD, ...options });
}

/** Sends one request with node:http, so that no header is added behind the test's back. */
export function send(baseUrl: string, method: string, path: string, defaultKey: string, options: RequestOptions = {}): Promise<TestResponse> {
  const headers: Record<string, string> = { ...options.headers };
  const key = options.key === undefined ? defaultKey : options.key;
  if (key !== null && headers.Authorization === undefined) headers.Authorization = `Bearer ${key}`;

  let payload: string | undefined = options.rawBody;
  if (options.json !== undefined) {
    payload = JSON.stringify(options.json);
    headers['Content-Type'] ??= 'application/json';
  }

  return new Promise((resolve, reject) => {
    const request = http.request(`${baseUrl}${path}`, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        const rawBody = Buffer.concat(chunks).toString('utf8');
        let body: unknown = rawBody;
        try {
          body = rawBody === '' ? undefined : JSON.parse(rawBody);
        } catch {
          // Left as text: the contract check reports a non-JSON body.
        }
        resolve({ method, path, status: response.statusCode ?? 0, headers: response.headers, body, rawBody });
      });
    });
    request.on('error', reject);
    if (payload !== undefined) request.write(payload);
    request.end();
  });
}
