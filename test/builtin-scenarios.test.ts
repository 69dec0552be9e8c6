import { spawn } from 'node:child_process';
import { once } from 'node:events';

import { afterEach, describe, expect, it } from 'vitest';

import { BUILTIN_SCENARIOS, startMock, type Mock } from '../src/index.js';
import { callMock, pollDeployment, triggerDeploy } from './helpers/scenario-client.js';

const PROJECT_ROOT = new URL('..', import.meta.url).pathname;
const INVALID_KEY = { error: 'Invalid API key' };

describe('built-in scenarios', () => {
  const mocks: Mock[] = [];

  async function start(scenario: string, seed?: number): Promise<Mock> {
    const mock = await startMock({ scenario, seed });
    mocks.push(mock);
    return mock;
  }

  afterEach(async () => {
    await Promise.all(mocks.splice(0).map((mock) => mock.close()));
  });

  it('covers exactly the listed names', () => {
    expect(Object.keys(BUILTIN_SCENARIOS).sort()).toEqual(
      ['build-error', 'default', 'deploy-error', 'empty-account', 'flaky-network', 'rate-limited', 'revoked-key', 'slow-invalidation'].sort(),
    );
  });

  it('default deploys to SUCCESS', async () => {
    const mock = await start('default');
    const deploymentId = await triggerDeploy(mock, mock.deployHookUrl());

    const final = await pollDeployment(mock, deploymentId);

    expect(mock.scenario.name).toBe('default');
    expect(final.body.status).toBe('SUCCESS');
    expect(final.body.serviceDeployments.length).toBeGreaterThan(0);
    for (const item of final.body.serviceDeployments) {
      expect(item.status).toBe('SUCCESS');
      expect(item.error).toBeNull();
    }
  });

  it('build-error ends in BUILD_ERROR', async () => {
    const mock = await start('build-error');
    const deploymentId = await triggerDeploy(mock, mock.deployHookUrl());

    const final = await pollDeployment(mock, deploymentId);

    expect(final.body.status).toBe('BUILD_ERROR');
    expect(final.body.serviceDeployments.length).toBeGreaterThan(0);
    for (const item of final.body.serviceDeployments) {
      expect(item.status).toBe('BUILD_ERROR');
      expect(item.error).toEqual(expect.any(String));
      expect(item.error).not.toBe('');
    }
  });

  it('deploy-error ends in DEPLOY_ERROR', async () => {
    const mock = await start('deploy-error');
    const deploymentId = await triggerDeploy(mock, mock.deployHookUrl());

    const final = await pollDeployment(mock, deploymentId);

    expect(final.body.status).toBe('DEPLOY_ERROR');
    expect(final.body.serviceDeployments.length).toBeGreaterThan(0);
    for (const item of final.body.serviceDeployments) {
      expect(item.status).toBe('DEPLOY_ERROR');
      expect(item.error).toEqual(expect.any(String));
      expect(item.error).not.toBe('');
    }
  });

  it('deploy-error passes through DEPLOYING', async () => {
    const mock = await start('deploy-error');
    const deploymentId = await triggerDeploy(mock, mock.deployHookUrl());
    const seen = new Set<string>();

    for (let poll = 0; poll < 120 && !seen.has('DEPLOY_ERROR'); poll++) {
      const response = await callMock(mock, 'GET', `/v1/deployments/${deploymentId}`);
      seen.add(response.body.status);
      mock.clock.advance('10s');
    }

    expect(seen.has('BUILDING')).toBe(true);
    expect(seen.has('DEPLOYING')).toBe(true);
    expect(seen.has('DEPLOY_ERROR')).toBe(true);
  });

  it('slow-invalidation outlasts ten minutes', async () => {
    const mock = await start('slow-invalidation');
    const sites = await callMock(mock, 'GET', '/v1/services?type=static&take=1');
    expect(sites.body.services).toHaveLength(1);
    const serviceId = sites.body.services[0].id as string;

    const created = await callMock(mock, 'POST', `/v1/services/${serviceId}/cloudfront/invalidation`, { json: { paths: ['/*'] } });
    expect(created.status).toBe(200);
    const statusPath = `/v1/cloudfront/invalidation/${created.body.invalidationId}`;

    mock.clock.advance('10m');
    const afterTen = await callMock(mock, 'GET', statusPath);
    expect(afterTen.body.status).toBe('InProgress');
    expect(afterTen.body.completedAt).toBeNull();

    mock.clock.advance('5m');
    const afterFifteen = await callMock(mock, 'GET', statusPath);
    expect(afterFifteen.body.status).toBe('Completed');
    expect(afterFifteen.body.completedAt).toBe(new Date(Date.parse(afterFifteen.body.createdAt) + 15 * 60_000).toISOString());
  });

  it('flaky-network fails some calls reproducibly', { timeout: 60_000 }, async () => {
    const CALLS = 200;

    // One call after another, because the order of calls decides which draw hits which call.
    async function runClient(mock: Mock): Promise<string[]> {
      const outcomes: string[] = [];
      for (let call = 0; call < CALLS; call++) {
        try {
          const response = await callMock(mock, 'GET', '/v1/services?take=1');
          outcomes.push(String(response.status));
        } catch (error) {
          if (!(error instanceof TypeError)) throw error;
          outcomes.push('dropped');
        }
      }
      return outcomes;
    }

    const [first, second] = await Promise.all([start('flaky-network', 42).then(runClient), start('flaky-network', 42).then(runClient)]);
    const count = (outcome: string) => first.filter((item) => item === outcome).length;

    expect(first).toHaveLength(CALLS);
    expect(count('503')).toBeGreaterThan(0);
    expect(count('502')).toBeGreaterThan(0);
    expect(count('dropped')).toBeGreaterThan(0);
    expect(count('200')).toBeGreaterThan(CALLS / 2);
    expect(count('200') + count('503') + count('502') + count('dropped')).toBe(CALLS);
    expect(second).toEqual(first);
  });

  it('flaky-network faults carry x-mock-fault', async () => {
    const mock = await start('flaky-network', 42);
    let faulted: Awaited<ReturnType<typeof callMock>> | undefined;

    for (let call = 0; call < 100 && faulted === undefined; call++) {
      try {
        const response = await callMock(mock, 'GET', '/v1/services?take=1');
        if (response.status !== 200) faulted = response;
      } catch (error) {
        if (!(error instanceof TypeError)) throw error;
      }
    }

    expect(faulted).toBeDefined();
    expect(faulted?.headers['x-mock-fault']).toMatch(/status 50[23]/);
  });

  it('rate-limited answers the sixth call 429', async () => {
    const mock = await start('rate-limited');
    const statuses: number[] = [];
    for (let call = 0; call < 5; call++) {
      statuses.push((await callMock(mock, 'GET', '/v1/services?take=1')).status);
    }
    const limited = await callMock(mock, 'GET', '/v1/services?take=1');

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('10');
    expect(limited.headers['x-mock-fault']).toEqual(expect.any(String));
  });

  it('rate-limited recovers after Retry-After', async () => {
    const mock = await start('rate-limited');
    for (let call = 0; call < 5; call++) await callMock(mock, 'GET', '/v1/services?take=1');
    const limited = await callMock(mock, 'GET', '/v1/services?take=1');
    expect(limited.status).toBe(429);

    mock.clock.advance(Number(limited.headers['retry-after']) * 1000);
    const statuses: number[] = [];
    for (let call = 0; call < 5; call++) {
      statuses.push((await callMock(mock, 'GET', '/v1/services?take=1')).status);
    }

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
  });

  it('rate-limited spreads calls over the window', async () => {
    const mock = await start('rate-limited');
    const statuses: number[] = [];

    // One call every 2 simulated seconds is 5 per 10 s, right at the limit.
    for (let call = 0; call < 12; call++) {
      statuses.push((await callMock(mock, 'GET', '/v1/services?take=1')).status);
      mock.clock.advance('2s');
    }

    expect(statuses.every((status) => status === 200)).toBe(true);
  });

  it('empty-account lists no services', async () => {
    const mock = await start('empty-account');

    const response = await callMock(mock, 'GET', '/v1/services');

    expect(response.status).toBe(200);
    expect(response.body.services).toEqual([]);
    expect(response.body.count).toBe(0);
    expect(response.body.hasMore).toBe(false);
  });

  it('empty-account has no deploy hook', async () => {
    const mock = await start('empty-account');

    expect(() => mock.deployHookUrl()).toThrow(/No environment/);
  });

  it.each([
    ['GET', '/v1/services', undefined],
    ['GET', '/v1/deployments/cm0000000000000000000000a', undefined],
    ['POST', '/v1/projects/prj_x/environments', { name: 'Staging', region: 'us-east-1', source: { branch: 'main' } }],
    ['PATCH', '/v1/projects/prj_x/environments', { name: 'Staging' }],
    ['POST', '/v1/projects/prj_x/environments/env_x', { name: 'Staging' }],
    ['POST', '/v1/projects/prj_x/preview-environment', { name: 'Preview' }],
    ['GET', '/v1/services/svc_x/scaling', undefined],
    ['POST', '/v1/services/svc_x/scaling', { count: 2 }],
    ['POST', '/v1/environments/env_x/env-variables', { envVariables: {} }],
    ['POST', '/v1/services/svc_x/env-variables', { envVariables: {} }],
    ['POST', '/v1/services/svc_x/cloudfront/invalidation', { paths: ['/*'] }],
    ['GET', '/v1/cloudfront/invalidation/inv_x', undefined],
    ['POST', '/v1/services/svc_x/job/nightly/execution', undefined],
    ['GET', '/v1/job-executions/exec_x', undefined],
  ])('revoked-key rejects %s %s', async (method, path, json) => {
    const mock = await start('revoked-key');

    const response = await callMock(mock, method, path, { json });

    expect(response.status).toBe(401);
    expect(response.body).toEqual(INVALID_KEY);
  });

  it('revoked-key still runs deploy hooks', async () => {
    const mock = await start('revoked-key');

    const hook = await callMock(mock, 'GET', mock.deployHookUrl(), { key: null });

    expect(hook.status).toBe(200);
    expect(hook.body.success).toBe(true);
    expect(hook.body.deploymentId).toEqual(expect.any(String));
  });

  it('revoked-key rejects other keys', async () => {
    const mock = await start('revoked-key');

    const response = await callMock(mock, 'GET', '/v1/services', { key: 'fc_some_other_key_42' });

    expect(response.status).toBe(401);
    expect(response.body).toEqual(INVALID_KEY);
  });
});

describe('--scenario with a built-in name', () => {
  it('serves the named scenario', { timeout: 30_000 }, async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--scenario', 'empty-account', '--port', '0', '--clock', 'manual', '--log-level', 'silent'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = once(child, 'exit');
    try {
      let banner = '';
      child.stdout.on('data', (chunk: Buffer) => (banner += chunk.toString()));
      const deadline = Date.now() + 15_000;
      while (!/Clock /.test(banner) && child.exitCode === null && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }

      const url = /serving the Flightcontrol API at (http:\/\/127\.0\.0\.1:\d+)/.exec(banner)?.[1];
      const key = /API key\s+(\S+)/.exec(banner)?.[1];
      expect(url).toBeDefined();
      expect(key).toBeDefined();
      expect(banner).toContain('Scenario       empty-account');

      const response = await callMock({ url: url ?? '', apiKey: key ?? '' }, 'GET', '/v1/services');
      expect(response.status).toBe(200);
      expect(response.body.count).toBe(0);
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
  });
});
