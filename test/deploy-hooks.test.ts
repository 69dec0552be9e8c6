import { Writable } from 'node:stream';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFixtureServer, type TestResponse, type TestServer } from './helpers/test-server.js';

// Fixture hooks: env_1 (standard) has envId 12 and env_preview (preview) has envId 34,
// both with the secret s3cr3t.
const HOOK = '/api/deploy-hook/12/s3cr3t';
const PREVIEW_HOOK = '/api/deploy-hook/34/s3cr3t';
const SHA = '0123456789abcdef0123456789abcdef01234567';

/** Returns the names of the fields that a 400 validation body lists. */
function fieldNames(response: TestResponse): string[] {
  return (response.body.errors as { path: string }[]).map((problem) => problem.path);
}

describe('deploy hooks', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startFixtureServer();
  });

  afterEach(async () => {
    await server.close();
  });

  const hook = (path: string) => server.request('GET', path, { key: null });
  const deploymentCount = () => server.tenant.world.deployments.size;

  describe('standard hook', () => {
    it('returns success and a deployment id', async () => {
      const response = await hook(HOOK);

      expect(response.status).toBe(200);
      expect(response.body.success).toBe(true);
      expect(typeof response.body.success).toBe('boolean');
      expect(typeof response.body.deploymentId).toBe('string');
      expect(response.body.deploymentId).not.toBe('');
    });

    it('creates a readable deployment', async () => {
      const response = await hook(HOOK);
      const deployment = await server.request('GET', `/v1/deployments/${response.body.deploymentId}`);

      expect(deploymentCount()).toBe(1);
      expect(deployment.status).toBe(200);
      expect(deployment.body.deploymentId).toBe(response.body.deploymentId);
      expect(deployment.body.environmentId).toBe('env_1');
      expect(deployment.body.isPreviewEnvironment).toBe(false);
    });

    it('reflects commit and branch', async () => {
      const response = await hook(`${HOOK}?commit=${SHA}&branch=release%2F2026-03`);
      const deployment = await server.request('GET', `/v1/deployments/${response.body.deploymentId}`);

      expect(response.status).toBe(200);
      expect(deployment.body.gitCommit).toBe(SHA);
      expect(deployment.body.gitBranch).toBe('release/2026-03');
    });

    it('accepts branch without commit', async () => {
      const response = await hook(`${HOOK}?branch=hotfix`);
      const deployment = await server.request('GET', `/v1/deployments/${response.body.deploymentId}`);

      expect(response.status).toBe(200);
      expect(deployment.body.gitBranch).toBe('hotfix');
      expect(deployment.body.gitCommit).toMatch(/^[0-9a-f]{40}$/);
    });

    it('rejects commit without branch', async () => {
      const response = await hook(`${HOOK}?commit=${SHA}`);

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(fieldNames(response)).toContain('branch');
      expect(response.body.message).toContain('branch');
      expect(deploymentCount()).toBe(0);
    });

    it.each([
      ['commit', `?commit=&branch=main`],
      ['branch', `?commit=${SHA}&branch=`],
      ['branch', `?branch=`],
    ])('rejects an empty %s in %s', async (field, query) => {
      const response = await hook(`${HOOK}${query}`);

      expect(response.status).toBe(400);
      expect(fieldNames(response)).toEqual([field]);
      expect(deploymentCount()).toBe(0);
    });

    it('lists every problem at once', async () => {
      const response = await hook(`${HOOK}?commit=`);

      expect(response.status).toBe(400);
      expect(fieldNames(response)).toEqual(['commit', 'branch']);
    });

    it('checks parameters before the secret', async () => {
      const response = await hook(`/api/deploy-hook/12/wrong-secret?commit=${SHA}`);

      expect(response.status).toBe(400);
      expect(fieldNames(response)).toContain('branch');
    });

    it.each([
      ['commit', `?commit=a&commit=b&branch=main`],
      ['branch', `?branch=main&branch=dev`],
    ])('rejects %s given twice', async (field, query) => {
      const response = await hook(`${HOOK}${query}`);

      expect(response.status).toBe(400);
      expect(fieldNames(response)).toContain(field);
      expect(deploymentCount()).toBe(0);
    });

    it('gives two calls distinct ids', async () => {
      const first = await hook(HOOK);
      const second = await hook(HOOK);

      expect(first.status).toBe(200);
      expect(second.status).toBe(200);
      expect(second.body.deploymentId).not.toBe(first.body.deploymentId);
      expect(deploymentCount()).toBe(2);
    });

    it('ignores undeclared query parameters', async () => {
      const response = await hook(`${HOOK}?cacheBuster=123`);

      expect(response.status).toBe(200);
      expect(deploymentCount()).toBe(1);
    });
  });

  describe('path parameter parsing', () => {
    it.each([
      ['abc'],
      ['12abc'],
      ['1e3'],
      ['012'],
      ['1.5'],
      ['12.0'],
      ['0x1F'],
      ['+12'],
      ['Infinity'],
      ['-Infinity'],
      ['9007199254740992'],
      ['9007199254740993'],
      ['123456789012345678901234567890'],
    ])('rejects envId %s', async (envId) => {
      const response = await hook(`/api/deploy-hook/${envId}/s3cr3t`);

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(fieldNames(response)).toContain('envId');
      expect(deploymentCount()).toBe(0);
    });

    it.each([
      ['previewEnvId', '/api/deploy-hook/3.4/s3cr3t/42/abc'],
      ['previewEnvId', '/api/deploy-hook/034/s3cr3t/42/abc'],
      ['prNumber', '/api/deploy-hook/34/s3cr3t/4e1/abc'],
      ['prNumber', '/api/deploy-hook/34/s3cr3t/pr-42/abc'],
      ['prNumber', '/api/deploy-hook/34/s3cr3t/0/abc'],
      ['prNumber', '/api/deploy-hook/34/s3cr3t/-1/abc'],
    ])('rejects preview %s in %s', async (field, path) => {
      const response = await hook(path);

      expect(response.status).toBe(400);
      expect(fieldNames(response)).toContain(field);
      expect(deploymentCount()).toBe(0);
    });
  });

  describe('force parameter', () => {
    it.each([
      ['true', true],
      ['false', false],
    ])('accepts force=%s', async (value, expected) => {
      const response = await hook(`${HOOK}?force=${value}`);

      expect(response.status).toBe(200);
      expect(server.tenant.world.deployments.get(response.body.deploymentId)?.force).toBe(expected);
    });

    it('defaults force to false', async () => {
      const response = await hook(HOOK);

      expect(server.tenant.world.deployments.get(response.body.deploymentId)?.force).toBe(false);
    });

    it.each([['force=1'], ['force=yes'], ['force=TRUE'], ['force='], ['force'], ['force=true&force=false']])(
      'rejects query %s',
      async (query) => {
        const response = await hook(`${HOOK}?${query}`);

        expect(response.status).toBe(400);
        expect(fieldNames(response)).toContain('force');
        expect(deploymentCount()).toBe(0);
      },
    );

    it('rejects an invalid force on the preview hook', async () => {
      const response = await hook(`${PREVIEW_HOOK}/42/${SHA}?force=1`);

      expect(response.status).toBe(400);
      expect(fieldNames(response)).toContain('force');
      expect(deploymentCount()).toBe(0);
    });
  });

  describe('unknown hooks', () => {
    it.each([
      ['unknown envId 0', '/api/deploy-hook/0/s3cr3t'],
      ['unknown envId 99', '/api/deploy-hook/99/s3cr3t'],
      ['wrong secret', '/api/deploy-hook/12/wrong-secret'],
      ['secret in the wrong case', '/api/deploy-hook/12/S3CR3T'],
      ['preview with wrong secret', '/api/deploy-hook/34/wrong-secret/42/abc'],
      ['preview with unknown envId', '/api/deploy-hook/99/s3cr3t/42/abc'],
    ])('answers %s with 404', async (_case, path) => {
      const response = await hook(path);

      expect(response.status).toBe(404);
      expect(response.body.success).toBe(false);
      expect(typeof response.body.message).toBe('string');
      expect(response.body.message).not.toBe('');
      expect(deploymentCount()).toBe(0);
    });

    it('keeps the given secret out of the message', async () => {
      const response = await hook('/api/deploy-hook/12/wrong-secret');

      expect(response.status).toBe(404);
      expect(response.body.message).not.toContain('wrong-secret');
    });

    it.each([
      ['/api/deploy-hook'],
      ['/api/deploy-hook/'],
      ['/api/deploy-hook/12'],
      ['/api/deploy-hook/12/'],
      ['/api/deploy-hook/12/s3cr3t/'],
      ['/api/deploy-hook/12/s3cr3t/extra'],
      ['/api/deploy-hook/34/s3cr3t/42'],
      ['/api/deploy-hook/34/s3cr3t/42/abc/extra'],
      ['/api/deploy-hook/12//'],
    ])('answers path %s with 404', async (path) => {
      const response = await hook(path);

      expect(response.status).toBe(404);
      expect(deploymentCount()).toBe(0);
    });
  });

  describe('preview hook', () => {
    it('creates a preview deployment', async () => {
      const response = await hook(`${PREVIEW_HOOK}/42/${SHA}`);

      expect(response.status).toBe(200);
      expect(response.body.success).toBe(true);
      expect(typeof response.body.deploymentId).toBe('string');

      const deployment = await server.request('GET', `/v1/deployments/${response.body.deploymentId}`);
      expect(deployment.status).toBe(200);
      expect(deployment.body.isPreviewEnvironment).toBe(true);
      expect(deployment.body.gitCommit).toBe(SHA);
      expect(deployment.body.environmentId).toBe('env_preview');
      expect(deployment.body.environmentGivenId).toBe('preview');
    });

    it('deploys only preview services', async () => {
      const response = await hook(`${PREVIEW_HOOK}/42/${SHA}`);
      const deployment = await server.request('GET', `/v1/deployments/${response.body.deploymentId}`);

      const serviceIds = deployment.body.serviceDeployments.map((item: { service: { serviceId: string } }) => item.service.serviceId);
      expect(serviceIds).toEqual(['svc_preview_web']);
    });

    it('records the pull request number', async () => {
      const response = await hook(`${PREVIEW_HOOK}/42/${SHA}`);

      expect(server.tenant.world.deployments.get(response.body.deploymentId)?.prNumber).toBe(42);
    });

    it('rejects the preview hook in standard form', async () => {
      const response = await hook(PREVIEW_HOOK);

      expect(response.status).toBe(404);
      expect(response.body.success).toBe(false);
      expect(response.body.message).toContain('preview');
      expect(deploymentCount()).toBe(0);
    });

    it('rejects the standard hook in preview form', async () => {
      const response = await hook(`${HOOK}/42/${SHA}`);

      expect(response.status).toBe(404);
      expect(response.body.success).toBe(false);
      expect(response.body.message).toContain('standard');
      expect(deploymentCount()).toBe(0);
    });
  });

  describe('created environment', () => {
    it('deploys through its returned hook URL', async () => {
      const created = await server.request('POST', '/v1/projects/prj_1/environments', { json: { name: 'Staging', region: 'us-east-1' } });
      expect(created.status).toBe(200);

      const url = new URL(created.body.deployHook.url);
      expect(url.origin).toBe(server.baseUrl);
      expect(url.pathname).toMatch(new RegExp(`^/api/deploy-hook/${created.body.deployHook.envId}/[^/]+$`));
      expect([12, 34]).not.toContain(created.body.deployHook.envId);

      const response = await hook(url.pathname);
      expect(response.status).toBe(200);
      expect(response.body.success).toBe(true);

      const deployment = await server.request('GET', `/v1/deployments/${response.body.deploymentId}`);
      expect(deployment.body.environmentId).toBe(created.body.environmentId);
      expect(deployment.body.isPreviewEnvironment).toBe(false);
    });

    it('gives each environment its own hook', async () => {
      const first = await server.request('POST', '/v1/projects/prj_1/environments', { json: { name: 'Staging', region: 'us-east-1' } });
      const second = await server.request('POST', '/v1/projects/prj_1/environments', { json: { name: 'QA', region: 'eu-west-1' } });

      expect(second.body.deployHook.envId).not.toBe(first.body.deployHook.envId);
      expect(second.body.deployHook.url).not.toBe(first.body.deployHook.url);
    });
  });
});

describe('deploy hook logging', () => {
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

  /** Closes the server, so every onResponse log line has been written. */
  async function closedLog(): Promise<string> {
    await server.close();
    return logText;
  }

  it('logs each hook call', async () => {
    await server.request('GET', HOOK, { key: null });

    const text = await closedLog();
    expect(text).toContain('/api/deploy-hook/12/[redacted]');
    expect(text).toContain('request completed');
  });

  it.each([
    ['standard hook', HOOK],
    ['hook with query', `${HOOK}?commit=${SHA}&branch=main`],
    ['commit without branch', `${HOOK}?commit=${SHA}`],
    ['invalid force', `${HOOK}?force=yes`],
    ['preview hook', `${PREVIEW_HOOK}/42/${SHA}`],
    ['preview hook in standard form', PREVIEW_HOOK],
    ['extra segment', `${HOOK}/extra`],
    ['trailing slash', `${HOOK}/`],
    ['partial preview path', `${PREVIEW_HOOK}/42`],
    ['invalid envId', '/api/deploy-hook/1e3/s3cr3t'],
  ])('keeps the secret out of logs: %s', async (_case, path) => {
    await server.request('GET', path, { key: null });

    const text = await closedLog();
    expect(text).toContain('deploy-hook');
    expect(text).not.toContain('s3cr3t');
  });

  it('keeps a wrong secret out of logs', async () => {
    const response = await server.request('GET', '/api/deploy-hook/12/not-the-s3cr3t', { key: null });
    expect(response.status).toBe(404);

    const text = await closedLog();
    expect(text).not.toContain('not-the-s3cr3t');
  });

  it('keeps a created hook secret out of logs', async () => {
    const created = await server.request('POST', '/v1/projects/prj_1/environments', { json: { name: 'Staging', region: 'us-east-1' } });
    const url = new URL(created.body.deployHook.url);
    const secret = url.pathname.split('/').at(-1) ?? '';
    expect(secret.length).toBeGreaterThan(8);

    const response = await server.request('GET', url.pathname, { key: null });
    expect(response.status).toBe(200);

    const text = await closedLog();
    expect(text).toContain(`/api/deploy-hook/${created.body.deployHook.envId}/[redacted]`);
    expect(text).not.toContain(secret);
  });

  it('keeps an Authorization header out of logs', async () => {
    await server.request('GET', HOOK, { headers: { Authorization: 'Bearer test-key' } });

    const text = await closedLog();
    expect(text).not.toContain('test-key');
  });
});
