import { afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startMock, type Mock, type Scenario } from '../src/index.js';
import { assertResponseMatchesContract } from './helpers/contract-check.js';
import { send, type RequestOptions, type TestResponse } from './helpers/test-server.js';

const KEY_A = 'ci-job-aaaaaaaa';
const KEY_B = 'ci-job-bbbbbbbb';
const INVALID_KEY = { error: 'Invalid API key' };
const START = '2026-01-01T00:00:00.000Z';

/** The parts of GET /__mock/world that these tests read. */
interface WorldView {
  tenant: string;
  projects: { id: string }[];
  environments: { id: string; projectId: string; givenId: string; type: string; deployHook: { envId: number; url: string } | null }[];
  services: { id: string; projectId: string; environmentId: string; type: string; cloudfront: boolean }[];
  counts: { deployments: number; invalidations: number };
}

const started: Mock[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((mock) => mock.close()));
});

async function start(options: Parameters<typeof startMock>[0] = {}): Promise<Mock> {
  const mock = await startMock(options);
  started.push(mock);
  return mock;
}

/** Sends one request with the given key and checks the response against the contract. */
async function call(mock: Mock, key: string | null, method: string, path: string, options: Omit<RequestOptions, 'key'> = {}): Promise<TestResponse> {
  const response = await send(mock.url, method, path, mock.apiKey, { ...options, key });
  await assertResponseMatchesContract(response);
  return response;
}

async function readWorld(mock: Mock, key: string): Promise<WorldView> {
  const response = await call(mock, key, 'GET', '/__mock/world');
  expect(response.status).toBe(200);
  return response.body as WorldView;
}

/** The path of a standard environment's deploy hook, such as /api/deploy-hook/1000042/abc. */
function hookPath(world: WorldView, projectId = world.projects[0]?.id, givenId = 'production'): string {
  const environment = world.environments.find((candidate) => candidate.projectId === projectId && candidate.givenId === givenId);
  if (environment?.deployHook == null) throw new Error(`The world has no ${givenId} environment with a deploy hook in project ${projectId ?? '(none)'}.`);
  return new URL(environment.deployHook.url).pathname;
}

function serviceOf(world: WorldView, projectId: string, wanted: (service: WorldView['services'][number]) => boolean): string {
  const standard = new Set(world.environments.filter((environment) => environment.type === 'standard').map((environment) => environment.id));
  const service = world.services.find((candidate) => candidate.projectId === projectId && standard.has(candidate.environmentId) && wanted(candidate));
  if (service === undefined) throw new Error(`The world has no matching service in a standard environment of project ${projectId}.`);
  return service.id;
}

const isStaticSite = (service: WorldView['services'][number]) => service.type === 'static' && service.cloudfront;
const isScalable = (service: WorldView['services'][number]) => ['web', 'web-private', 'worker'].includes(service.type);

async function triggerHook(mock: Mock, path: string): Promise<string> {
  const response = await call(mock, null, 'GET', path);
  expect(response.status).toBe(200);
  return response.body.deploymentId as string;
}

async function createInvalidation(mock: Mock, key: string, serviceId: string): Promise<TestResponse> {
  return call(mock, key, 'POST', `/v1/services/${serviceId}/cloudfront/invalidation`, { json: { paths: ['/index.html'] } });
}

describe('tenant per key', () => {
  it('keeps deployments apart', async () => {
    const mock = await start();
    const deploymentId = await triggerHook(mock, hookPath(await readWorld(mock, KEY_A)));

    const own = await call(mock, KEY_A, 'GET', `/v1/deployments/${deploymentId}`);
    const other = await call(mock, KEY_B, 'GET', `/v1/deployments/${deploymentId}`);

    expect(own.status).toBe(200);
    expect(other.status).toBe(404);
  });

  it('keeps invalidations apart', async () => {
    const mock = await start();
    const world = await readWorld(mock, KEY_A);
    const serviceId = serviceOf(world, world.projects[0]?.id ?? '', isStaticSite);

    const created = await createInvalidation(mock, KEY_A, serviceId);
    expect(created.status).toBe(200);
    const path = `/v1/cloudfront/invalidation/${created.body.invalidationId as string}`;
    const own = await call(mock, KEY_A, 'GET', path);
    const other = await call(mock, KEY_B, 'GET', path);

    expect(own.status).toBe(200);
    expect(other.status).toBe(404);
  });

  it('keeps scaling apart', async () => {
    const mock = await start();
    const world = await readWorld(mock, KEY_A);
    const serviceId = serviceOf(world, world.projects[0]?.id ?? '', isScalable);

    const changed = await call(mock, KEY_A, 'POST', `/v1/services/${serviceId}/scaling`, { json: { operation: 'set', count: 9 } });
    const own = await call(mock, KEY_A, 'GET', `/v1/services/${serviceId}/scaling`);
    const other = await call(mock, KEY_B, 'GET', `/v1/services/${serviceId}/scaling`);

    expect(changed.status).toBe(200);
    expect(own.body.desiredInstances).toBe(9);
    expect(other.body.desiredInstances).toBe(changed.body.previousDesiredCount);
  });

  it('gives each key its own hooks', async () => {
    const mock = await start();
    const worldA = await readWorld(mock, KEY_A);
    const worldB = await readWorld(mock, KEY_B);
    const envIdsA = worldA.environments.flatMap((environment) => (environment.deployHook === null ? [] : [environment.deployHook.envId]));
    const envIdsB = worldB.environments.flatMap((environment) => (environment.deployHook === null ? [] : [environment.deployHook.envId]));

    expect(envIdsA.length).toBeGreaterThan(0);
    expect(envIdsB).toHaveLength(envIdsA.length);
    expect(envIdsA.filter((envId) => envIdsB.includes(envId))).toEqual([]);
    expect(worldA.tenant).not.toBe(worldB.tenant);
  });

  it('deploys only the hook owner', async () => {
    const mock = await start();
    const deploymentId = await triggerHook(mock, hookPath(await readWorld(mock, KEY_A)));

    const worldA = await readWorld(mock, KEY_A);
    const worldB = await readWorld(mock, KEY_B);
    const other = await call(mock, KEY_B, 'GET', `/v1/deployments/${deploymentId}`);

    expect(worldA.counts.deployments).toBe(1);
    expect(worldB.counts.deployments).toBe(0);
    expect(other.status).toBe(404);
  });

  it('keeps hooks across calls', async () => {
    const mock = await start();

    const first = hookPath(await readWorld(mock, KEY_A));
    await readWorld(mock, KEY_B);
    const second = hookPath(await readWorld(mock, KEY_A));

    expect(second).toBe(first);
  });

  it('moves one tenant clock', async () => {
    const mock = await start();

    const moved = await call(mock, KEY_A, 'POST', '/__mock/clock', { json: { advanceMs: 600_000 } });
    const clockA = await call(mock, KEY_A, 'GET', '/__mock/clock');
    const clockB = await call(mock, KEY_B, 'GET', '/__mock/clock');

    expect(moved.status).toBe(200);
    expect(clockA.body.now).toBe('2026-01-01T00:10:00.000Z');
    expect(clockB.body.now).toBe(START);
    expect(mock.clock.now().toISOString()).toBe(START);
  });

  it('advances only its own deployments', async () => {
    const mock = await start();
    const deploymentA = await triggerHook(mock, hookPath(await readWorld(mock, KEY_A)));
    const deploymentB = await triggerHook(mock, hookPath(await readWorld(mock, KEY_B)));

    await call(mock, KEY_A, 'POST', '/__mock/clock', { json: { advance: '1h' } });
    const finished = await call(mock, KEY_A, 'GET', `/v1/deployments/${deploymentA}`);
    const waiting = await call(mock, KEY_B, 'GET', `/v1/deployments/${deploymentB}`);

    expect(finished.body.status).toBe('SUCCESS');
    expect(waiting.body.status).toBe('PENDING');
  });

  it('journals each key apart', async () => {
    const mock = await start();
    await call(mock, KEY_A, 'GET', '/v1/services');
    await call(mock, KEY_B, 'GET', '/v1/deployments/cl_not_a_deployment');
    await call(mock, KEY_A, 'GET', '/v1/services?take=5');

    const journalA = await call(mock, KEY_A, 'GET', '/__mock/journal');
    const journalB = await call(mock, KEY_B, 'GET', '/__mock/journal');
    const urlsA = (journalA.body.entries as { url: string }[]).map((entry) => entry.url);
    const urlsB = (journalB.body.entries as { url: string; status: number }[]).map((entry) => `${entry.status} ${entry.url}`);

    expect(urlsA).toEqual(['/v1/services', '/v1/services?take=5']);
    expect(urlsB).toEqual(['404 /v1/deployments/cl_not_a_deployment']);
    expect(mock.journal.entries()).toEqual([]);
  });

  it('resets one tenant only', async () => {
    const mock = await start();
    await triggerHook(mock, hookPath(await readWorld(mock, KEY_A)));
    await triggerHook(mock, hookPath(await readWorld(mock, KEY_B)));

    const reset = await call(mock, KEY_A, 'POST', '/__mock/reset');
    const worldA = await readWorld(mock, KEY_A);
    const worldB = await readWorld(mock, KEY_B);

    expect(reset.status).toBe(200);
    expect(worldA.counts.deployments).toBe(0);
    expect(worldB.counts.deployments).toBe(1);
  });
});

describe('key form', () => {
  it.each([
    ['too short', 'ci-job1'],
    ['with a space', 'ci-job aaaaaaaa'],
    ['with a slash', 'ci-job/aaaaaaaa'],
    ['with a plus', 'ci-job+aaaaaaaa'],
    ['too long', 'k'.repeat(129)],
  ])('rejects a key %s', async (_case, key) => {
    const mock = await start();

    const response = await call(mock, key, 'GET', '/v1/services');

    expect(response.status).toBe(401);
    expect(response.body).toEqual(INVALID_KEY);
  });

  it.each([
    ['of 8 characters', 'abcd_1.2'],
    ['of 128 characters', `ci.${'k'.repeat(125)}`],
  ])('accepts a key %s', async (_case, key) => {
    const mock = await start();

    const response = await call(mock, key, 'GET', '/v1/services');

    expect(response.status).toBe(200);
  });
});

describe('fixture world keys', () => {
  it('accepts only the listed key', async () => {
    const mock = await start({ worldFile: 'test/fixtures/world.json' });

    const listed = await call(mock, 'test-key', 'GET', '/v1/services');
    const unlisted = await call(mock, KEY_A, 'GET', '/v1/services');

    expect(mock.apiKey).toBe('test-key');
    expect(listed.status).toBe(200);
    expect(unlisted.status).toBe(401);
    expect(unlisted.body).toEqual(INVALID_KEY);
  });
});

describe('revoked keys', () => {
  const scenario: Scenario = {
    name: 'one key revoked',
    world: { apiKeys: ['team-key-current', 'team-key-revoked'] },
    keys: { revoked: ['team-key-revoked', 'ci-job-revoked1'] },
  };

  it('rejects a revoked listed key', async () => {
    const mock = await start({ scenario });

    const response = await call(mock, 'team-key-revoked', 'GET', '/v1/services');

    expect(response.status).toBe(401);
    expect(response.body).toEqual(INVALID_KEY);
  });

  it('rejects a revoked new key', async () => {
    const mock = await start({ scenario });

    const response = await call(mock, 'ci-job-revoked1', 'GET', '/__mock/world');

    expect(response.status).toBe(401);
    expect(response.body).toEqual(INVALID_KEY);
  });

  it('accepts the other keys', async () => {
    const mock = await start({ scenario });

    const current = await call(mock, 'team-key-current', 'GET', '/v1/services');
    const fresh = await call(mock, KEY_A, 'GET', '/v1/services');

    expect(current.status).toBe(200);
    expect(fresh.status).toBe(200);
  });

  it('keeps deploy hooks working', async () => {
    const mock = await start({ scenario });

    const hook = await call(mock, null, 'GET', new URL(mock.deployHookUrl('production')).pathname);

    expect(hook.status).toBe(200);
    expect(hook.body.success).toBe(true);
  });
});

describe('project-limited keys', () => {
  const FULL_KEY = 'team-key-full';
  const LIMITED_KEY = 'team-key-limited';
  const twoProjects: Scenario = { name: 'two projects', seed: 5, world: { projects: 2, apiKeys: [FULL_KEY, LIMITED_KEY] } };
  let world: WorldView;
  let allowed: string;
  let forbidden: string;

  // The generated world depends only on the seed, so a first mock with the same seed
  // shows the project ids that the limited key's rule names.
  beforeAll(async () => {
    const discovery = await startMock({ scenario: twoProjects });
    try {
      world = await readWorld(discovery, FULL_KEY);
    } finally {
      await discovery.close();
    }
    allowed = world.projects[0]?.id ?? '';
    forbidden = world.projects[1]?.id ?? '';
  });

  const startLimited = () => start({ scenario: { ...twoProjects, keys: { limited: [{ key: LIMITED_KEY, projects: [allowed] }] } } });

  it('lists only allowed projects', async () => {
    const mock = await startLimited();

    const limited = await call(mock, LIMITED_KEY, 'GET', '/v1/services?take=100');
    const full = await call(mock, FULL_KEY, 'GET', '/v1/services?take=100');
    const projectIds = new Set((limited.body.services as { projectId: string }[]).map((service) => service.projectId));

    expect(world.projects).toHaveLength(2);
    expect([...projectIds]).toEqual([allowed]);
    expect(limited.body.count).toBe(world.services.filter((service) => service.projectId === allowed).length);
    expect(full.body.count).toBe(world.services.length);
  });

  it('forbids scaling another project', async () => {
    const mock = await startLimited();
    const serviceId = serviceOf(world, forbidden, isScalable);

    const update = await call(mock, LIMITED_KEY, 'POST', `/v1/services/${serviceId}/scaling`, { json: { operation: 'add', count: 1 } });
    const read = await call(mock, LIMITED_KEY, 'GET', `/v1/services/${serviceId}/scaling`);

    expect(update.status).toBe(403);
    expect(update.body.errorCode).toBe('FC:Request:Error:FORBIDDEN');
    expect(read.status).toBe(403);
    expect(read.body.errorCode).toBe('FC:Request:Error:FORBIDDEN');
  });

  it('forbids invalidating another project', async () => {
    const mock = await startLimited();

    const response = await createInvalidation(mock, LIMITED_KEY, serviceOf(world, forbidden, isStaticSite));

    expect(response.status).toBe(403);
    expect(response.body.errorCode).toBe('FC:Request:Error:FORBIDDEN');
  });

  it('forbids another project deployment', async () => {
    const mock = await startLimited();
    const deploymentId = await triggerHook(mock, hookPath(world, forbidden));

    const limited = await call(mock, LIMITED_KEY, 'GET', `/v1/deployments/${deploymentId}`);
    const full = await call(mock, FULL_KEY, 'GET', `/v1/deployments/${deploymentId}`);

    expect(limited.status).toBe(403);
    expect(limited.body.errorCode).toBe('FC:Request:Error:FORBIDDEN');
    expect(full.status).toBe(200);
  });

  it('allows its own project', async () => {
    const mock = await startLimited();
    const serviceId = serviceOf(world, allowed, isScalable);
    const deploymentId = await triggerHook(mock, hookPath(world, allowed));

    const scaling = await call(mock, LIMITED_KEY, 'POST', `/v1/services/${serviceId}/scaling`, { json: { operation: 'add', count: 1 } });
    const deployment = await call(mock, LIMITED_KEY, 'GET', `/v1/deployments/${deploymentId}`);

    expect(scaling.status).toBe(200);
    expect(deployment.status).toBe(200);
  });

  it('keeps the limit after a scenario change', async () => {
    const mock = await startLimited();

    const loaded = await call(mock, LIMITED_KEY, 'PUT', '/__mock/scenario', { json: { scenario: { ...twoProjects, name: 'slow invalidations', invalidations: { duration: '15m' } } } });
    const services = await call(mock, LIMITED_KEY, 'GET', '/v1/services?take=100');
    const projectIds = new Set((services.body.services as { projectId: string }[]).map((service) => service.projectId));

    expect(loaded.status).toBe(200);
    expect([...projectIds]).toEqual([allowed]);
  });

  it('applies a limit from a loaded scenario', async () => {
    const mock = await start({ scenario: twoProjects });
    const keys = { limited: [{ key: FULL_KEY, projects: [forbidden] }] };

    const loaded = await call(mock, FULL_KEY, 'PUT', '/__mock/scenario', { json: { scenario: { ...twoProjects, keys } } });
    const scaling = await call(mock, FULL_KEY, 'GET', `/v1/services/${serviceOf(world, allowed, isScalable)}/scaling`);
    const other = await call(mock, LIMITED_KEY, 'GET', `/v1/services/${serviceOf(world, allowed, isScalable)}/scaling`);

    expect(loaded.status).toBe(200);
    expect(scaling.status).toBe(403);
    expect(other.status).toBe(200);
  });
});

describe('concurrent tenants', () => {
  const KEYS = ['ci-run-00000000', 'ci-run-00000001', 'ci-run-00000002', 'ci-run-00000003', 'ci-run-00000004', 'ci-run-00000005'];
  const FAULTY = 0;
  const MAX_ATTEMPTS = 4;

  // Tenant i creates i + 1 deployments and 6 - i invalidations and sets a desired count of
  // i + 2, so that no two tenants end with the same counts.
  const plan = (index: number) => ({ deployments: index + 1, invalidations: KEYS.length - index, desiredCount: index + 2 });

  interface FlowResult {
    deploymentIds: string[];
    invalidationIds: string[];
    scalableServiceId: string;
    /** Every status the tenant's client received from Flightcontrol operations, in order. */
    statuses: number[];
  }

  /** Sends a request until it gets a status other than 5xx, at most MAX_ATTEMPTS times. */
  async function withRetries(statuses: number[], request: () => Promise<TestResponse>): Promise<TestResponse> {
    let response = await request();
    statuses.push(response.status);
    for (let attempt = 1; attempt < MAX_ATTEMPTS && response.status >= 500; attempt++) {
      response = await request();
      statuses.push(response.status);
    }
    return response;
  }

  async function runClient(mock: Mock, index: number): Promise<FlowResult> {
    const key = KEYS[index] ?? '';
    const counts = plan(index);
    const statuses: number[] = [];

    if (index === FAULTY) {
      const faults = [
        { operations: ['getServices'], status: 503, times: 2 },
        { operations: ['createCloudFrontInvalidation'], status: 502, times: 1 },
      ];
      const loaded = await call(mock, key, 'PUT', '/__mock/scenario', { json: { scenario: { name: 'faulty', faults } } });
      expect(loaded.status).toBe(200);
    }

    const world = await readWorld(mock, key);
    const projectId = world.projects[0]?.id ?? '';
    const hook = hookPath(world, projectId);
    const staticSiteId = serviceOf(world, projectId, isStaticSite);
    const scalableServiceId = serviceOf(world, projectId, isScalable);

    const hookResponses = await Promise.all(Array.from({ length: counts.deployments }, () => call(mock, null, 'GET', hook)));
    statuses.push(...hookResponses.map((response) => response.status));

    const invalidationIds: string[] = [];
    for (let i = 0; i < counts.invalidations; i++) {
      const created = await withRetries(statuses, () => createInvalidation(mock, key, staticSiteId));
      invalidationIds.push(created.body.invalidationId as string);
    }

    const scaling = await call(mock, key, 'POST', `/v1/services/${scalableServiceId}/scaling`, { json: { operation: 'set', count: counts.desiredCount } });
    statuses.push(scaling.status);
    await withRetries(statuses, () => call(mock, key, 'GET', '/v1/services'));

    return { deploymentIds: hookResponses.map((response) => response.body.deploymentId as string), invalidationIds, scalableServiceId, statuses };
  }

  it('isolates six parallel clients', async () => {
    const mock = await start();

    const results = await Promise.all(KEYS.map((_key, index) => runClient(mock, index)));
    const journals = await Promise.all(KEYS.map((key) => call(mock, key, 'GET', '/__mock/journal')));
    const worlds = await Promise.all(KEYS.map((key) => readWorld(mock, key)));

    for (const [index, key] of KEYS.entries()) {
      const result = results[index];
      if (result === undefined) throw new Error(`No result for tenant ${index}.`);
      const counts = plan(index);
      const entries = journals[index]?.body.entries as { status: number; fault: string | null }[];
      const world = worlds[index];

      expect(entries.map((entry) => entry.status)).toEqual(result.statuses);
      expect(world?.counts.deployments).toBe(counts.deployments);
      expect(world?.counts.invalidations).toBe(counts.invalidations);

      if (index === FAULTY) {
        expect(entries.map((entry) => entry.fault).filter((fault) => fault !== null)).toEqual(['status 502', 'status 503', 'status 503']);
      } else {
        expect(entries.filter((entry) => entry.fault !== null)).toEqual([]);
        expect(result.statuses.filter((status) => status !== 200)).toEqual([]);
      }

      const scaling = await call(mock, key, 'GET', `/v1/services/${result.scalableServiceId}/scaling`);
      expect(scaling.body.desiredInstances).toBe(counts.desiredCount);

      for (const deploymentId of result.deploymentIds) {
        expect((await call(mock, key, 'GET', `/v1/deployments/${deploymentId}`)).status).toBe(200);
      }
      for (const invalidationId of result.invalidationIds) {
        expect((await call(mock, key, 'GET', `/v1/cloudfront/invalidation/${invalidationId}`)).status).toBe(200);
      }

      const others = results.filter((_other, otherIndex) => otherIndex !== index);
      for (const deploymentId of others.flatMap((other) => other.deploymentIds)) {
        expect((await call(mock, key, 'GET', `/v1/deployments/${deploymentId}`)).status).toBe(404);
      }
      for (const invalidationId of others.flatMap((other) => other.invalidationIds)) {
        expect((await call(mock, key, 'GET', `/v1/cloudfront/invalidation/${invalidationId}`)).status).toBe(404);
      }
    }
  });

  it('keeps faults to one tenant', async () => {
    const mock = await start();
    const faults = [{ status: 503 }];

    await call(mock, KEYS[FAULTY] ?? '', 'PUT', '/__mock/scenario', { json: { scenario: { name: 'always failing', faults } } });
    const responses = await Promise.all(KEYS.map((key) => call(mock, key, 'GET', '/v1/services')));

    expect(responses.map((response) => response.status)).toEqual(KEYS.map((_key, index) => (index === FAULTY ? 503 : 200)));
  });
});
