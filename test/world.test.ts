import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { generateWorld, topUpServices } from '../src/state/generate-world.js';
import { WorldFixtureError, loadWorldFixture } from '../src/state/world-fixture.js';
import { FIXTURE_WORLD, startTestServer, type TestServer } from './helpers/test-server.js';

async function writeFixture(content: unknown): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'fc-mock-world-'));
  const file = join(folder, 'world.json');
  await writeFile(file, typeof content === 'string' ? content : JSON.stringify(content));
  return file;
}

function minimalWorld() {
  return {
    apiKeys: ['k-1'],
    projects: [{ id: 'p1', name: 'P' }],
    environments: [{ id: 'e1', projectId: 'p1', givenId: 'production', name: 'Production', type: 'standard', region: 'us-east-1', deployHook: { envId: 5, secret: 'abc' } }],
    services: [{ id: 's1', environmentId: 'e1', projectId: 'p1', givenId: 'web', name: 'Web', type: 'web', cloudfront: true }],
  };
}

describe('world fixture', () => {
  const servers: TestServer[] = [];

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('serves the exact ids of a fixture', async () => {
    const server = await startTestServer({ worldFile: FIXTURE_WORLD });
    servers.push(server);

    const scaling = await server.request('POST', '/v1/services/svc_1/scaling', { key: 'test-key', json: { operation: 'add', count: 1 } });
    expect(scaling.status).toBe(200);
    expect(scaling.body.previousDesiredCount).toBe(2);

    const hook = await server.request('GET', '/api/deploy-hook/12/s3cr3t', { key: null });
    expect(hook.status).toBe(200);
  });

  it('tops a fixture up with services', async () => {
    const server = await startTestServer({ worldFile: FIXTURE_WORLD, minServices: 30 });
    servers.push(server);

    const list = await server.request('GET', '/v1/services?take=100');
    expect(list.body.count).toBe(30);
    expect(list.body.services.map((service: { id: string }) => service.id)).toContain('svc_1');
  });

  it('rejects invalid JSON with the file name', async () => {
    const file = await writeFixture('{"apiKeys": [');
    await expect(loadWorldFixture(file, 1)).rejects.toThrow(WorldFixtureError);
    await expect(loadWorldFixture(file, 1)).rejects.toThrow(`Invalid JSON in world fixture ${file}`);
  });

  it('rejects a missing file with its name', async () => {
    await expect(loadWorldFixture('/nonexistent/world.json', 1)).rejects.toThrow('Cannot read world fixture /nonexistent/world.json');
  });

  it.each([
    ['a missing field', (world: any) => delete world.services[0].type, "services[0]: missing required field 'type'"],
    ['a misspelled field', (world: any) => (world.services[0].cloudFront = true), "services[0]: unknown field 'cloudFront'"],
    ['a wrong environment type', (world: any) => (world.environments[0].type = 'prod'), 'environments[0].type: must be one of standard, preview'],
    ['a dangling environment', (world: any) => (world.services[0].environmentId = 'nope'), "services[0].environmentId: no environment has the id 'nope'"],
    ['a dangling project', (world: any) => (world.environments[0].projectId = 'nope'), "environments[0].projectId: no project has the id 'nope'"],
    ['a duplicate id', (world: any) => world.services.push({ ...world.services[0] }), "services[1].id: 's1' appears twice"],
    ['a secret with a slash', (world: any) => (world.environments[0].deployHook.secret = 'a/b'), 'environments[0].deployHook.secret'],
  ])('names the field of %s', async (_label, change, expected) => {
    const world = minimalWorld();
    change(world);
    const file = await writeFixture(world);
    await expect(loadWorldFixture(file, 1)).rejects.toThrow(expected);
  });
});

describe('generated world', () => {
  it('is the same for the same seed', () => {
    expect(JSON.stringify(generateWorld({ seed: 42 }))).toBe(JSON.stringify(generateWorld({ seed: 42 })));
  });

  it('differs between seeds', () => {
    expect(generateWorld({ seed: 1 }).apiKeys).not.toEqual(generateWorld({ seed: 2 }).apiKeys);
  });

  it('holds more than one page of services', () => {
    const world = generateWorld({ seed: 1 });
    expect(world.services.length).toBeGreaterThan(25);
    expect(world.services.some((service) => service.type === 'static' && service.cloudfront === true)).toBe(true);
    expect(world.services.some((service) => service.type === 'web' && service.cloudfront === true)).toBe(true);
    expect(world.environments.some((environment) => environment.type === 'preview')).toBe(true);
  });

  it('tops up deterministically', () => {
    const base = generateWorld({ seed: 3 });
    const first = topUpServices(base, 50);
    const second = topUpServices(base, 50);
    expect(first.services).toHaveLength(50);
    expect(JSON.stringify(first)).toBe(JSON.stringify(second));
  });

  it('serves identical bodies across two servers', async () => {
    const first = await startTestServer({ seed: 9 });
    const second = await startTestServer({ seed: 9 });
    try {
      const a = await first.request('GET', '/v1/services?take=100');
      const b = await second.request('GET', '/v1/services?take=100');
      expect(a.rawBody).toBe(b.rawBody);
    } finally {
      await Promise.all([first.close(), second.close()]);
    }
  });
});
