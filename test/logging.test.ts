import { connect } from 'node:net';
import { Writable } from 'node:stream';

import { describe, expect, it } from 'vitest';

import { createMockServer } from '../src/server/mock-server.js';
import { FIXTURE_WORLD, send } from './helpers/test-server.js';

const SECRET_VALUE = 'secret-value-that-must-not-leak';

/** Collects every log line the server writes, at the most detailed level. */
async function startLoggedServer() {
  const lines: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  const mock = await createMockServer({ worldFile: FIXTURE_WORLD, logLevel: 'trace', logStream, clock: { mode: 'manual' } });
  const baseUrl = await mock.app.listen({ port: 0, host: '127.0.0.1' });
  return { mock, baseUrl, lines };
}

describe('request log', () => {
  it('writes one line per request', async () => {
    const { mock, baseUrl, lines } = await startLoggedServer();
    await send(baseUrl, 'GET', '/v1/services?take=1', 'test-key');
    await mock.app.close();

    const completed = lines.filter((line) => line.includes('"request completed"') && line.includes('"/v1/services?take=1"'));
    expect(completed).toHaveLength(1);
    expect(completed[0]).toContain('"statusCode":200');
    expect(completed[0]).toContain('"operationId":"getServices"');
  });

  it('contains no key, hook secret or secret value', async () => {
    const { mock, baseUrl, lines } = await startLoggedServer();
    await send(baseUrl, 'POST', '/v1/environments/env_1/env-variables', 'test-key', {
      json: { secretsManager: { API_TOKEN: SECRET_VALUE }, parameterStore: { DB_PASSWORD: SECRET_VALUE } },
    });
    await send(baseUrl, 'POST', '/v1/environments/env_1/env-variables', 'test-key', { json: { secretsManager: { BROKEN: 42 } } });
    await send(baseUrl, 'GET', '/api/deploy-hook/12/s3cr3t', 'test-key', { key: null });
    await send(baseUrl, 'GET', '/api/deploy-hook/12/s3cr3t?commit=abc', 'test-key', { key: null });
    await send(baseUrl, 'GET', '/v1/services', 'test-key', { key: 'an-unknown-key-123' });
    await mock.app.close();

    const text = lines.join('');
    expect(text).toContain('/api/deploy-hook/12/[redacted]');
    expect(text).not.toContain(SECRET_VALUE);
    expect(text).not.toContain('s3cr3t');
    expect(text).not.toContain('test-key');
    expect(text).not.toContain('an-unknown-key-123');
  });

  it('redacts a hook secret in an absolute-form URL', async () => {
    const { mock, baseUrl, lines } = await startLoggedServer();
    const { host } = new URL(baseUrl);
    await sendRaw(baseUrl, `GET ${baseUrl}/API/deploy-hook/12/s3cr3t HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    await mock.app.close();

    const text = lines.join('');
    expect(text).toContain('/API/deploy-hook/12/[redacted]');
    expect(text).not.toContain('s3cr3t');
  });
});

/** Sends a request as raw bytes, for request targets that fetch would rewrite, and waits for the response. */
function sendRaw(baseUrl: string, request: string): Promise<string> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let response = '';
    const socket = connect(Number(port), hostname, () => socket.write(request));
    socket.on('data', (chunk: Buffer) => (response += chunk.toString()));
    socket.on('end', () => resolve(response));
    socket.on('error', reject);
  });
}
