import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { DEFAULT_RULES } from '../src/scenarios/rules.js';
import { startFixtureServer, type TestServer } from './helpers/test-server.js';

// Offsets from the hook call, with the default rules and no per-service jitter:
// PENDING 0-5 s, INPROGRESS 5-15 s, BUILDING 15-135 s, DEPLOYING 135-195 s, then SUCCESS.
const rules = { ...DEFAULT_RULES, deployment: { ...DEFAULT_RULES.deployment, serviceJitterMs: 0 } };

describe('deployment lifecycle', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startFixtureServer({ rules });
  });

  afterEach(async () => {
    await server.close();
  });

  it.each([
    [0, 'PENDING'],
    [4_999, 'PENDING'],
    [5_000, 'INPROGRESS'],
    [15_000, 'BUILDING'],
    [134_999, 'BUILDING'],
    [135_000, 'DEPLOYING'],
    [195_000, 'SUCCESS'],
    [3_600_000, 'SUCCESS'],
  ])('reads %i ms after the hook as %s', async (offsetMs, expected) => {
    const hook = await server.request('GET', '/api/deploy-hook/12/s3cr3t', { key: null });
    server.advance(offsetMs);

    const deployment = await server.request('GET', `/v1/deployments/${hook.body.deploymentId}`);
    expect(deployment.status).toBe(200);
    expect(deployment.body.status).toBe(expected);
    for (const item of deployment.body.serviceDeployments) expect(item.status).toBe(expected);
  });

  it('has one service deployment per service of the environment', async () => {
    const hook = await server.request('GET', '/api/deploy-hook/12/s3cr3t', { key: null });
    const deployment = await server.request('GET', `/v1/deployments/${hook.body.deploymentId}`);

    const serviceIds = deployment.body.serviceDeployments.map((item: { service: { serviceId: string } }) => item.service.serviceId);
    expect(serviceIds.sort()).toEqual(['svc_1', 'svc_cron', 'svc_db', 'svc_static', 'svc_worker']);
    expect(deployment.body.environmentId).toBe('env_1');
    expect(deployment.body.environmentGivenId).toBe('production');
    expect(deployment.body.isPreviewEnvironment).toBe(false);
    expect(deployment.body.projectId).toBe('prj_1');
  });

  it('documents each service deployment', async () => {
    const hook = await server.request('GET', '/api/deploy-hook/12/s3cr3t', { key: null });
    const deployment = await server.request('GET', `/v1/deployments/${hook.body.deploymentId}`);
    const web = deployment.body.serviceDeployments.find((item: { service: { serviceId: string } }) => item.service.serviceId === 'svc_1');

    expect(web.service).toEqual({ serviceId: 'svc_1', serviceGivenId: 'web', serviceName: 'Web', serviceDomain: 'https://web.example.com', type: 'web' });
    expect(web.serviceDeploymentId).toMatch(/^c[0-9a-z]{24}$/);
    expect(web.error).toBeNull();
  });

  it('gives service deployments stable unique ids', async () => {
    const ids: string[] = [];
    for (let count = 0; count < 3; count++) {
      const hook = await server.request('GET', '/api/deploy-hook/12/s3cr3t', { key: null });
      const first = await server.request('GET', `/v1/deployments/${hook.body.deploymentId}`);
      const second = await server.request('GET', `/v1/deployments/${hook.body.deploymentId}`);
      const serviceDeploymentIds = first.body.serviceDeployments.map((item: { serviceDeploymentId: string }) => item.serviceDeploymentId);

      expect(second.body.serviceDeployments.map((item: { serviceDeploymentId: string }) => item.serviceDeploymentId)).toEqual(serviceDeploymentIds);
      ids.push(hook.body.deploymentId, ...serviceDeploymentIds);
    }

    expect(ids).toHaveLength(18);
    expect(new Set(ids).size).toBe(18);
    for (const id of ids) expect(id).toMatch(/^c[0-9a-z]{24}$/);
  });

  it('deploys an added service next time', async () => {
    const before = await server.request('GET', '/api/deploy-hook/12/s3cr3t', { key: null });
    const added = await server.request('PATCH', '/v1/projects/prj_1/environments', {
      json: { name: 'Production', region: 'us-east-1', services: [{ id: 'admin', name: 'Admin', type: 'web' }] },
    });
    expect(added.status).toBe(200);
    const after = await server.request('GET', '/api/deploy-hook/12/s3cr3t', { key: null });

    const givenIds = async (deploymentId: string) => {
      const deployment = await server.request('GET', `/v1/deployments/${deploymentId}`);
      return deployment.body.serviceDeployments.map((item: { service: { serviceGivenId: string } }) => item.service.serviceGivenId).sort();
    };
    expect(await givenIds(before.body.deploymentId)).toEqual(['cron', 'db', 'site', 'web', 'worker']);
    expect(await givenIds(after.body.deploymentId)).toEqual(['admin', 'cron', 'db', 'site', 'web', 'worker']);
  });

  it('formats createdAt as the documentation does', async () => {
    const hook = await server.request('GET', '/api/deploy-hook/12/s3cr3t', { key: null });
    const deployment = await server.request('GET', `/v1/deployments/${hook.body.deploymentId}`);
    expect(deployment.body.createdAt).toBe('2026-03-01 12:00:00.000');
  });

  it('never goes back to an earlier stage', async () => {
    const order = ['PENDING', 'INPROGRESS', 'BUILDING', 'DEPLOYING', 'SUCCESS'];
    const hook = await server.request('GET', '/api/deploy-hook/12/s3cr3t', { key: null });
    let previous = 0;
    for (let step = 0; step < 30; step++) {
      const deployment = await server.request('GET', `/v1/deployments/${hook.body.deploymentId}`);
      const index = order.indexOf(deployment.body.status);
      expect(index).toBeGreaterThanOrEqual(previous);
      previous = index;
      server.advance(10_000);
    }
    expect(order[previous]).toBe('SUCCESS');
  });

  it('queues a second deployment behind the first', async () => {
    const first = await server.request('GET', '/api/deploy-hook/12/s3cr3t', { key: null });
    server.advance(60_000);
    const second = await server.request('GET', '/api/deploy-hook/12/s3cr3t', { key: null });

    server.advance(100_000);
    const firstRead = await server.request('GET', `/v1/deployments/${first.body.deploymentId}`);
    const secondRead = await server.request('GET', `/v1/deployments/${second.body.deploymentId}`);
    expect(firstRead.body.status).toBe('DEPLOYING');
    expect(secondRead.body.status).toBe('PENDING');

    server.advance(35_000 + 195_000);
    const finished = await server.request('GET', `/v1/deployments/${second.body.deploymentId}`);
    expect(finished.body.status).toBe('SUCCESS');
  });

  it('reports an unknown deployment as 404', async () => {
    const response = await server.request('GET', '/v1/deployments/dep_unknown');
    expect(response.status).toBe(404);
    expect(response.body.errorCode).toBe('FC:Request:Error:NOT_FOUND');
    expect(response.body.message).toContain('dep_unknown');
  });

  it('reports a build error with its message', async () => {
    const failing = { ...rules, deployment: { ...rules.deployment, outcome: 'BUILD_ERROR' as const } };
    const failingServer = await startFixtureServer({ rules: failing });
    try {
      const hook = await failingServer.request('GET', '/api/deploy-hook/12/s3cr3t', { key: null });
      failingServer.advance(135_000);
      const deployment = await failingServer.request('GET', `/v1/deployments/${hook.body.deploymentId}`);
      expect(deployment.body.status).toBe('BUILD_ERROR');
      expect(deployment.body.serviceDeployments[0].error).toContain('Build failed');
    } finally {
      await failingServer.close();
    }
  });
});
