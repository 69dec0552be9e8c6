import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFixtureServer, type TestServer } from './helpers/test-server.js';

const CUID = /^c[0-9a-z]{24}$/;
const UPDATED = [{ message: 'Environment updated successfully' }];
const PREVIEW_UPDATED = [{ message: 'Preview Environment updated successfully' }];

const STAGING = {
  name: 'Staging',
  region: 'us-west-2',
  source: { branch: 'develop', trigger: 'manual' },
  services: [
    { id: 'api', name: 'API', type: 'web' },
    { id: 'jobs', name: 'Jobs', type: 'worker' },
  ],
  vpc: { cidr: '10.1.0.0/16', private: false },
  envVariables: { LOG_LEVEL: 'info' },
};

function fieldPaths(body: { errors: { path: string }[] }): string[] {
  return body.errors.map((error) => error.path);
}

describe('environments', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startFixtureServer();
  });

  afterEach(async () => {
    await server.close();
  });

  function snapshotCounts() {
    const world = server.tenant.world;
    return { environments: world.environments.size, services: world.services.size, variableScopes: world.envVariables.size };
  }

  /** Triggers the environment's hook without a branch, so the deployment reads the environment's source branch. */
  async function deployedBranch(envId: number, secret: string): Promise<string> {
    const hook = await server.request('GET', `/api/deploy-hook/${envId}/${secret}`, { key: null });
    const deployment = await server.request('GET', `/v1/deployments/${hook.body.deploymentId}`);
    return deployment.body.gitBranch;
  }

  describe('create', () => {
    function create(json: unknown, projectId = 'prj_1') {
      return server.request('POST', `/v1/projects/${projectId}/environments`, { json });
    }

    it('returns ids and a deploy hook', async () => {
      const response = await create(STAGING);

      expect(response.status).toBe(200);
      expect(response.body.message).toBe('Environment created successfully');
      expect(response.body.environmentId).toMatch(CUID);
      expect(response.body.projectId).toBe('prj_1');
      expect(response.body.environmentGivenId).toBe('staging');
      expect(response.body.name).toBe('Staging');
      expect(response.body.region).toBe('us-west-2');
      expect(response.body.deployHook.envId).toBeTypeOf('number');
      expect(response.body.deployHook.url).toMatch(new RegExp(`^${server.baseUrl}/api/deploy-hook/${response.body.deployHook.envId}/[0-9a-z]+$`));
    });

    it('deploys through the new hook', async () => {
      const created = await create(STAGING);
      const hookPath = new URL(created.body.deployHook.url).pathname;

      const hook = await server.request('GET', hookPath, { key: null });
      expect(hook.status).toBe(200);
      expect(hook.body.success).toBe(true);

      const deployment = await server.request('GET', `/v1/deployments/${hook.body.deploymentId}`);
      expect(deployment.body.environmentId).toBe(created.body.environmentId);
      expect(deployment.body.environmentGivenId).toBe('staging');
      expect(deployment.body.gitBranch).toBe('develop');
      const givenIds = deployment.body.serviceDeployments.map((item: { service: { serviceGivenId: string } }) => item.service.serviceGivenId);
      expect(givenIds.sort()).toEqual(['api', 'jobs']);
    });

    it('lists the new services', async () => {
      const created = await create(STAGING);
      const list = await server.request('GET', `/v1/services?environmentId=${created.body.environmentId}`);

      expect(list.status).toBe(200);
      expect(list.body.count).toBe(2);
      const services = list.body.services.map((service: { givenId: string; name: string; type: string }) => [service.givenId, service.name, service.type]);
      expect(services.sort()).toEqual([
        ['api', 'API', 'web'],
        ['jobs', 'Jobs', 'worker'],
      ]);
      for (const service of list.body.services) {
        expect(service.id).toMatch(CUID);
        expect(service.projectId).toBe('prj_1');
        expect(service.previewEnvironmentId).toBeNull();
      }
    });

    it('adds services to the project list', async () => {
      const before = await server.request('GET', '/v1/services?projectId=prj_1');
      await create(STAGING);
      const after = await server.request('GET', '/v1/services?projectId=prj_1');

      expect(after.body.count).toBe(before.body.count + 2);
    });

    it('stores the plain-text variables', async () => {
      const created = await create(STAGING);
      const variable = server.tenant.world.envVariables.get(created.body.environmentId)?.get('LOG_LEVEL');

      expect(variable?.source).toBe('plainText');
      expect(variable?.value).toBe('info');
    });

    it('needs only name and region', async () => {
      const response = await create({ name: 'QA', region: 'eu-central-1' });
      const list = await server.request('GET', `/v1/services?environmentId=${response.body.environmentId}`);

      expect(response.status).toBe(200);
      expect(response.body.environmentGivenId).toBe('qa');
      expect(list.body.count).toBe(0);
    });

    it('derives a unique given id', async () => {
      const response = await create({ name: 'Production', region: 'us-east-1' });

      expect(response.status).toBe(200);
      expect(response.body.environmentGivenId).toBe('production-2');
    });

    it.each([
      ['a missing name', { region: 'us-east-1' }, 'name'],
      ['a missing region', { name: 'QA' }, 'region'],
      ['a numeric region', { name: 'QA', region: 1 }, 'region'],
      ['a non-string variable', { name: 'QA', region: 'us-east-1', envVariables: { PORT: 3000 } }, 'envVariables.PORT'],
      ['a nested variable', { name: 'QA', region: 'us-east-1', envVariables: { DB: { HOST: 'localhost' } } }, 'envVariables.DB'],
      ['services as an object', { name: 'QA', region: 'us-east-1', services: { id: 'api', name: 'API', type: 'web' } }, 'services'],
      ['an unknown trigger', { name: 'QA', region: 'us-east-1', source: { trigger: 'nightly' } }, 'source.trigger'],
      ['a non-boolean vpc flag', { name: 'QA', region: 'us-east-1', vpc: { private: 'yes' } }, 'vpc.private'],
    ])('rejects %s', async (_label, body, field) => {
      const response = await create(body);

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(fieldPaths(response.body)).toContain(field);
    });

    it.each([
      ['an empty name', { name: '', region: 'us-east-1' }, 'name'],
      ['a blank name', { name: '   ', region: 'us-east-1' }, 'name'],
      ['an unknown region', { name: 'QA', region: 'mars-1' }, 'region'],
      ['an upper-case region', { name: 'QA', region: 'US-EAST-1' }, 'region'],
      ['an empty variable name', { name: 'QA', region: 'us-east-1', envVariables: { '': 'x' } }, 'envVariables'],
    ])('rejects %s', async (_label, body, field) => {
      const response = await create(body);

      expect(response.status).toBe(400);
      expect(response.body.errorCode).toBe('FC:Request:Error:VALIDATION_ERROR');
      expect(fieldPaths(response.body)).toEqual([field]);
    });

    it.each([
      ['a missing id', { name: 'Jobs', type: 'worker' }, 'services[1].id'],
      ['a missing name', { id: 'jobs', type: 'worker' }, 'services[1].name'],
      ['a missing type', { id: 'jobs', name: 'Jobs' }, 'services[1].type'],
      ['a numeric id', { id: 7, name: 'Jobs', type: 'worker' }, 'services[1].id'],
      ['an unknown type', { id: 'jobs', name: 'Jobs', type: 'mainframe' }, 'services[1].type'],
      ['a repeated id', { id: 'api', name: 'API again', type: 'worker' }, 'services[1].id'],
    ])('rejects a service with %s', async (_label, service, field) => {
      const response = await create({ name: 'QA', region: 'us-east-1', services: [{ id: 'api', name: 'API', type: 'web' }, service] });

      expect(response.status).toBe(400);
      expect(fieldPaths(response.body)).toEqual([field]);
      expect(response.body.message).toContain(field);
    });

    it('rejects an unknown project with 404', async () => {
      const response = await create(STAGING, 'prj_missing');

      expect(response.status).toBe(404);
      expect(response.body.errorCode).toBe('FC:Request:Error:NOT_FOUND');
      expect(response.body.message).toContain('prj_missing');
    });

    it('stores nothing from a rejected create', async () => {
      const before = snapshotCounts();
      const rejected = [
        { name: 'QA' },
        { name: '', region: 'us-east-1' },
        { name: 'QA', region: 'mars-1', envVariables: { A: 'a' } },
        { name: 'QA', region: 'us-east-1', envVariables: { A: 'a' }, services: [{ id: 'api', name: 'API', type: 'web' }, { id: 'x', name: 'X', type: 'mainframe' }] },
      ];
      for (const body of rejected) {
        const response = await create(body);
        expect(response.status).toBe(400);
      }
      await create(STAGING, 'prj_missing');

      expect(snapshotCounts()).toEqual(before);
    });
  });

  describe('edit by id', () => {
    function edit(json: unknown, environmentId = 'env_1', projectId = 'prj_1') {
      return server.request('POST', `/v1/projects/${projectId}/environments/${environmentId}`, { json });
    }

    it('renames the environment', async () => {
      const response = await edit({ name: 'Production (EU)' });

      expect(response.status).toBe(200);
      expect(response.body).toEqual(UPDATED);
      expect(server.tenant.world.environments.get('env_1')?.name).toBe('Production (EU)');
    });

    it('changes the source branch', async () => {
      const response = await edit({ source: { branch: 'release' } });

      expect(response.status).toBe(200);
      expect(await deployedBranch(12, 's3cr3t')).toBe('release');
    });

    it('keeps fields it is not given', async () => {
      await edit({ source: { trigger: 'manual' } });
      const environment = server.tenant.world.environments.get('env_1');

      expect(environment?.name).toBe('Production');
      expect(environment?.source).toEqual({ branch: 'main', trigger: 'manual' });
      expect(environment?.region).toBe('us-east-1');
    });

    it('edits a created environment', async () => {
      const created = await server.request('POST', '/v1/projects/prj_1/environments', { json: STAGING });
      const hookSegments = new URL(created.body.deployHook.url).pathname.split('/');

      const response = await edit({ name: 'Staging 2', source: { branch: 'staging' } }, created.body.environmentId);
      expect(response.status).toBe(200);
      expect(await deployedBranch(Number(hookSegments[3]), hookSegments[4] ?? '')).toBe('staging');
    });

    it.each([
      ['an empty name', { name: '' }, 'name'],
      ['a numeric name', { name: 5 }, 'name'],
      ['an unknown trigger', { source: { trigger: 'nightly' } }, 'source.trigger'],
    ])('rejects %s', async (_label, body, field) => {
      const response = await edit(body);

      expect(response.status).toBe(400);
      expect(fieldPaths(response.body)).toEqual([field]);
    });

    it('rejects an unknown environment with 404', async () => {
      const response = await edit({ name: 'X' }, 'env_missing');

      expect(response.status).toBe(404);
      expect(response.body.errorCode).toBe('FC:Request:Error:NOT_FOUND');
      expect(response.body.message).toContain('env_missing');
    });

    it('rejects an unknown project with 404', async () => {
      const response = await edit({ name: 'X' }, 'env_1', 'prj_missing');

      expect(response.status).toBe(404);
      expect(response.body.message).toContain('prj_missing');
    });

    it('stores nothing from a rejected edit', async () => {
      await edit({ name: '', source: { branch: 'release' } });
      await edit({ name: 'X', source: { branch: 'release', trigger: 'nightly' } });
      await edit({ name: 'X' }, 'env_1', 'prj_missing');
      const environment = server.tenant.world.environments.get('env_1');

      expect(environment?.name).toBe('Production');
      expect(environment?.source).toEqual({ branch: 'main', trigger: 'push' });
    });
  });

  describe('edit by name', () => {
    function patch(json: unknown, projectId = 'prj_1') {
      return server.request('PATCH', `/v1/projects/${projectId}/environments`, { json });
    }

    it('edits the environment with that name', async () => {
      const response = await patch({ name: 'Production', region: 'us-east-1', source: { branch: 'release', trigger: 'manual' } });

      expect(response.status).toBe(200);
      expect(response.body).toEqual(UPDATED);
      expect(server.tenant.world.environments.get('env_1')?.source).toEqual({ branch: 'release', trigger: 'manual' });
      expect(await deployedBranch(12, 's3cr3t')).toBe('release');
    });

    it('leaves other environments alone', async () => {
      await patch({ name: 'Production', region: 'us-east-1', source: { branch: 'release' } });

      expect(server.tenant.world.environments.get('env_preview')?.source.branch).toBe('main');
    });

    it('adds a declared service', async () => {
      const response = await patch({ name: 'Production', region: 'us-east-1', services: [{ id: 'admin', name: 'Admin', type: 'web' }] });
      const list = await server.request('GET', '/v1/services?environmentId=env_1&type=web');

      expect(response.status).toBe(200);
      expect(list.body.services.map((service: { givenId: string }) => service.givenId).sort()).toEqual(['admin', 'web']);
    });

    it('renames an existing service', async () => {
      await patch({ name: 'Production', region: 'us-east-1', services: [{ id: 'web', name: 'Website', type: 'web' }] });
      const list = await server.request('GET', '/v1/services?environmentId=env_1&type=web');

      expect(list.body.count).toBe(1);
      expect(list.body.services[0].name).toBe('Website');
    });

    it('requires the region', async () => {
      const response = await patch({ name: 'Production' });

      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ path: 'region', in: 'body', message: 'is required' }]);
    });

    it('requires the name', async () => {
      const response = await patch({ region: 'us-east-1' });

      expect(response.status).toBe(400);
      expect(fieldPaths(response.body)).toEqual(['name']);
    });

    it('rejects an unknown name with 404', async () => {
      const response = await patch({ name: 'Staging', region: 'us-east-1' });

      expect(response.status).toBe(404);
      expect(response.body.errorCode).toBe('FC:Request:Error:NOT_FOUND');
      expect(response.body.message).toContain('Staging');
    });

    it('rejects a different region', async () => {
      const response = await patch({ name: 'Production', region: 'eu-west-1' });

      expect(response.status).toBe(400);
      expect(fieldPaths(response.body)).toEqual(['region']);
      expect(response.body.message).toContain('us-east-1');
    });

    it('rejects an unknown project with 404', async () => {
      const response = await patch({ name: 'Production', region: 'us-east-1' }, 'prj_missing');

      expect(response.status).toBe(404);
      expect(response.body.message).toContain('prj_missing');
    });

    it('stores nothing from a rejected edit', async () => {
      const before = snapshotCounts();
      const rejected = [
        { name: 'Production', source: { branch: 'release' } },
        { name: 'Production', region: 'eu-west-1', source: { branch: 'release' }, envVariables: { A: 'a' } },
        {
          name: 'Production',
          region: 'us-east-1',
          source: { branch: 'release' },
          envVariables: { A: 'a' },
          services: [{ id: 'admin', name: 'Admin', type: 'web' }, { id: 'x', name: 'X' }],
        },
      ];
      for (const body of rejected) {
        const response = await patch(body);
        expect(response.status).toBe(400);
      }

      expect(snapshotCounts()).toEqual(before);
      expect(server.tenant.world.environments.get('env_1')?.source.branch).toBe('main');
    });
  });

  describe('preview settings', () => {
    function update(json: unknown, projectId = 'prj_1') {
      return server.request('POST', `/v1/projects/${projectId}/preview-environment`, { json });
    }

    const SETTINGS = {
      name: 'PR preview',
      source: {
        trigger: 'push',
        filter: { labels: ['preview'], toBranches: ['main'], fromBranches: ['feature/*'], watchPaths: ['apps/web/**'] },
      },
    };

    it('returns the documented message', async () => {
      const response = await update(SETTINGS);

      expect(response.status).toBe(200);
      expect(response.body).toEqual(PREVIEW_UPDATED);
    });

    it('stores the settings', async () => {
      await update(SETTINGS);

      expect(server.tenant.world.projects.get('prj_1')?.previewSettings).toEqual({
        name: 'PR preview',
        trigger: 'push',
        filter: SETTINGS.source.filter,
      });
    });

    it('keeps settings it is not given', async () => {
      await update(SETTINGS);
      await update({ source: { trigger: 'manual' } });

      expect(server.tenant.world.projects.get('prj_1')?.previewSettings).toEqual({
        name: 'PR preview',
        trigger: 'manual',
        filter: SETTINGS.source.filter,
      });
    });

    it('accepts an empty body', async () => {
      const response = await update({});

      expect(response.status).toBe(200);
      expect(response.body).toEqual(PREVIEW_UPDATED);
    });

    it.each([
      ['an empty name', { name: '' }, 'name'],
      ['an unknown trigger', { source: { trigger: 'always' } }, 'source.trigger'],
      ['labels as a string', { source: { filter: { labels: 'preview' } } }, 'source.filter.labels'],
      ['a numeric branch', { source: { filter: { toBranches: [1] } } }, 'source.filter.toBranches[0]'],
    ])('rejects %s', async (_label, body, field) => {
      const response = await update(body);

      expect(response.status).toBe(400);
      expect(fieldPaths(response.body)).toEqual([field]);
    });

    it('rejects an unknown project with 404', async () => {
      const response = await update(SETTINGS, 'prj_missing');

      expect(response.status).toBe(404);
      expect(response.body.message).toContain('prj_missing');
    });

    it('stores nothing from a rejected update', async () => {
      await update({ name: '', source: { trigger: 'push' } });
      await update({ name: 'PR', source: { trigger: 'always' } });

      expect(server.tenant.world.projects.get('prj_1')?.previewSettings).toBeNull();
    });
  });
});
