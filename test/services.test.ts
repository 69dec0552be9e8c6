import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { startFixtureServer, startTestServer, type TestServer } from './helpers/test-server.js';

const VALIDATION_ERROR = 'FC:Request:Error:VALIDATION_ERROR';
// Services of the fixture world, in list order: creation time, then id.
const FIXTURE_SERVICE_IDS = ['svc_1', 'svc_cron', 'svc_db', 'svc_preview_web', 'svc_static', 'svc_worker'];
// Maximum page requests per walk, so a server whose nextPage never becomes null fails the test instead of looping.
const MAX_PAGES = 500;

interface ListedService {
  id: string;
  type: string;
  projectId: string;
  environmentId: string;
  previewEnvironmentId: string | null;
}

function idsOf(body: { services: ListedService[] }): string[] {
  return body.services.map((service) => service.id);
}

function fieldPaths(body: { errors: { path: string }[] }): string[] {
  return body.errors.map((error) => error.path);
}

describe.each([
  ['generated world', () => startTestServer()],
  ['topped-up fixture world', () => startFixtureServer({ minServices: 53 })],
])('service paging in the %s', (_label, start) => {
  let server: TestServer;
  let allIds: string[];

  beforeEach(async () => {
    server = await start();
    const everything = await server.request('GET', '/v1/services?take=100');
    allIds = idsOf(everything.body);
  });

  afterEach(async () => {
    await server.close();
  });

  it('has more than one default page', () => {
    expect(allIds.length).toBeGreaterThan(25);
    expect(allIds.length).toBe(server.tenant.world.services.size);
  });

  it('applies the default skip and take', async () => {
    const response = await server.request('GET', '/v1/services');

    expect(response.status).toBe(200);
    expect(response.body.count).toBe(allIds.length);
    expect(response.body.pageSize).toBe(25);
    expect(idsOf(response.body)).toEqual(allIds.slice(0, 25));
    expect(response.body.hasMore).toBe(true);
    expect(response.body.hasPrevious).toBe(false);
    expect(response.body.nextPage).toBe(25);
    expect(response.body.previousPage).toBeNull();
    expect(response.body.pageCount).toBe(Math.ceil(allIds.length / 25));
  });

  it('matches explicit default parameters', async () => {
    const implicit = await server.request('GET', '/v1/services');
    const explicit = await server.request('GET', '/v1/services?skip=0&take=25');

    expect(explicit.status).toBe(200);
    expect(explicit.rawBody).toBe(implicit.rawBody);
  });

  it.each([1, 7, 25, 100])('visits each service once with take %i', async (take) => {
    const visited: string[] = [];
    let pages = 0;
    let skip: number | null = 0;

    while (skip !== null && pages < MAX_PAGES) {
      const page = await server.request('GET', `/v1/services?skip=${skip}&take=${take}`);
      const count = allIds.length;
      const hasMore = skip + take < count;
      pages++;

      expect(page.status, `status at skip ${skip}`).toBe(200);
      expect(page.body.count, `count at skip ${skip}`).toBe(count);
      expect(page.body.pageSize, `pageSize at skip ${skip}`).toBe(take);
      expect(page.body.pageCount, `pageCount at skip ${skip}`).toBe(Math.ceil(count / take));
      expect(page.body.services.length, `page length at skip ${skip}`).toBe(Math.min(take, count - skip));
      expect(page.body.hasMore, `hasMore at skip ${skip}`).toBe(hasMore);
      expect(page.body.hasPrevious, `hasPrevious at skip ${skip}`).toBe(skip > 0);
      expect(page.body.nextPage, `nextPage at skip ${skip}`).toBe(hasMore ? skip + take : null);
      expect(page.body.previousPage, `previousPage at skip ${skip}`).toBe(skip > 0 ? skip - take : null);

      visited.push(...idsOf(page.body));
      skip = page.body.nextPage;
    }

    expect(pages).toBe(Math.ceil(allIds.length / take));
    expect(new Set(visited).size).toBe(visited.length);
    expect(visited).toEqual(allIds);
  });

  it('walks back through previousPage', async () => {
    const take = 7;
    const lastSkip = (Math.ceil(allIds.length / take) - 1) * take;
    const visitedSkips: number[] = [];
    let skip: number | null = lastSkip;

    while (skip !== null && visitedSkips.length < MAX_PAGES) {
      visitedSkips.push(skip);
      const page = await server.request('GET', `/v1/services?skip=${skip}&take=${take}`);
      expect(idsOf(page.body), `page at skip ${skip}`).toEqual(allIds.slice(skip, skip + take));
      skip = page.body.previousPage;
    }

    const expectedSkips = Array.from({ length: lastSkip / take + 1 }, (_, index) => lastSkip - index * take);
    expect(visitedSkips).toEqual(expectedSkips);
  });

  it('clamps previousPage at zero', async () => {
    const response = await server.request('GET', '/v1/services?skip=3&take=7');

    expect(response.body.hasPrevious).toBe(true);
    expect(response.body.previousPage).toBe(0);
    expect(response.body.nextPage).toBe(10);
    expect(idsOf(response.body)).toEqual(allIds.slice(3, 10));
  });

  it('returns an empty page past the end', async () => {
    const response = await server.request('GET', `/v1/services?skip=${allIds.length}&take=10`);

    expect(response.status).toBe(200);
    expect(response.body.services).toEqual([]);
    expect(response.body.count).toBe(allIds.length);
    expect(response.body.hasMore).toBe(false);
    expect(response.body.nextPage).toBeNull();
    expect(response.body.hasPrevious).toBe(true);
  });

  it('accepts take at both bounds', async () => {
    const smallest = await server.request('GET', '/v1/services?take=1');
    const largest = await server.request('GET', '/v1/services?take=100');

    expect(smallest.status).toBe(200);
    expect(smallest.body.services.length).toBe(1);
    expect(largest.status).toBe(200);
    expect(largest.body.services.length).toBe(Math.min(100, allIds.length));
  });
});

describe('service filters', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startFixtureServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it('lists the fixture services in order', async () => {
    const response = await server.request('GET', '/v1/services');

    expect(idsOf(response.body)).toEqual(FIXTURE_SERVICE_IDS);
    expect(response.body.count).toBe(6);
  });

  it.each([
    ['projectId=prj_1', FIXTURE_SERVICE_IDS],
    ['projectId=prj_missing', []],
    ['environmentId=env_1', ['svc_1', 'svc_cron', 'svc_db', 'svc_static', 'svc_worker']],
    ['environmentId=env_preview', ['svc_preview_web']],
    ['previewEnvironmentId=env_preview', ['svc_preview_web']],
    ['previewEnvironmentId=env_1', []],
    ['type=web', ['svc_1', 'svc_preview_web']],
    ['type=rds', ['svc_db']],
    ['type=lambda-function', []],
    ['environmentType=standard', ['svc_1', 'svc_cron', 'svc_db', 'svc_static', 'svc_worker']],
    ['environmentType=preview', ['svc_preview_web']],
    ['type=web&environmentType=standard', ['svc_1']],
    ['projectId=prj_1&environmentId=env_preview', ['svc_preview_web']],
    ['environmentId=env_1&previewEnvironmentId=env_preview', []],
  ])('filters by %s', async (query, expected) => {
    const response = await server.request('GET', `/v1/services?${query}`);

    expect(response.status).toBe(200);
    expect(idsOf(response.body)).toEqual(expected);
    expect(response.body.count).toBe(expected.length);
    expect(response.body.pageCount).toBe(Math.ceil(expected.length / 25));
    expect(response.body.hasMore).toBe(false);
    expect(response.body.nextPage).toBeNull();
  });

  it('sets previewEnvironmentId by environment type', async () => {
    const response = await server.request('GET', '/v1/services');
    const byId = new Map<string, ListedService>(response.body.services.map((service: ListedService) => [service.id, service]));

    expect(byId.get('svc_1')?.previewEnvironmentId).toBeNull();
    expect(byId.get('svc_db')?.previewEnvironmentId).toBeNull();
    expect(byId.get('svc_preview_web')?.previewEnvironmentId).toBe('env_preview');
  });

  it('describes each listed service', async () => {
    const response = await server.request('GET', '/v1/services?environmentId=env_preview');

    expect(response.body.services).toEqual([
      {
        id: 'svc_preview_web',
        name: 'Web (preview)',
        givenId: 'web',
        type: 'web',
        environmentId: 'env_preview',
        projectId: 'prj_1',
        previewEnvironmentId: 'env_preview',
        createdAt: '2026-01-01T00:00:00.000Z',
        updatedAt: '2026-01-01T00:00:00.000Z',
      },
    ]);
  });

  it('ignores unknown query parameters', async () => {
    const plain = await server.request('GET', '/v1/services?take=2');
    const extended = await server.request('GET', '/v1/services?take=2&limit=1&page=3&sort=name&cacheBust=1700000000');

    expect(extended.status).toBe(200);
    expect(extended.rawBody).toBe(plain.rawBody);
  });
});

describe('filtered paging', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startFixtureServer({ minServices: 60 });
  });

  afterEach(async () => {
    await server.close();
  });

  it('counts the filtered total', async () => {
    const everything = await server.request('GET', '/v1/services?take=100');
    const webIds = everything.body.services.filter((service: ListedService) => service.type === 'web').map((service: ListedService) => service.id);
    const visited: string[] = [];
    let skip: number | null = 0;
    let pages = 0;

    while (skip !== null && pages < MAX_PAGES) {
      const page = await server.request('GET', `/v1/services?type=web&take=2&skip=${skip}`);
      pages++;
      expect(page.body.count, `count at skip ${skip}`).toBe(webIds.length);
      expect(page.body.pageCount, `pageCount at skip ${skip}`).toBe(Math.ceil(webIds.length / 2));
      visited.push(...idsOf(page.body));
      skip = page.body.nextPage;
    }

    expect(webIds.length).toBeGreaterThan(2);
    expect(webIds.length).toBeLessThan(everything.body.count);
    expect(visited).toEqual(webIds);
  });
});

describe('service filters in the generated world', () => {
  let server: TestServer;
  let everything: ListedService[];

  beforeEach(async () => {
    server = await startTestServer();
    const response = await server.request('GET', '/v1/services?take=100');
    everything = response.body.services;
  });

  afterEach(async () => {
    await server.close();
  });

  it('splits the list by project', async () => {
    const projectIds = [...new Set(everything.map((service) => service.projectId))];
    let total = 0;

    for (const projectId of projectIds) {
      const response = await server.request('GET', `/v1/services?projectId=${projectId}&take=100`);
      const expected = everything.filter((service) => service.projectId === projectId).map((service) => service.id);
      expect(idsOf(response.body), `services of ${projectId}`).toEqual(expected);
      expect(response.body.count, `count of ${projectId}`).toBe(expected.length);
      total += response.body.count;
    }

    expect(projectIds.length).toBe(2);
    expect(total).toBe(everything.length);
  });

  it('splits the list by environment type', async () => {
    const standard = await server.request('GET', '/v1/services?environmentType=standard&take=100');
    const preview = await server.request('GET', '/v1/services?environmentType=preview&take=100');

    expect(standard.body.count).toBeGreaterThan(0);
    expect(preview.body.count).toBeGreaterThan(0);
    expect(standard.body.count + preview.body.count).toBe(everything.length);
    for (const service of standard.body.services as ListedService[]) {
      expect(service.previewEnvironmentId, service.id).toBeNull();
    }
    for (const service of preview.body.services as ListedService[]) {
      expect(service.previewEnvironmentId, service.id).toBe(service.environmentId);
    }
  });

  it('filters by each preview environment', async () => {
    const previewEnvironmentIds = [...new Set(everything.flatMap((service) => (service.previewEnvironmentId === null ? [] : [service.previewEnvironmentId])))];

    for (const previewEnvironmentId of previewEnvironmentIds) {
      const response = await server.request('GET', `/v1/services?previewEnvironmentId=${previewEnvironmentId}&take=100`);
      const expected = everything.filter((service) => service.environmentId === previewEnvironmentId).map((service) => service.id);
      expect(idsOf(response.body), `services of ${previewEnvironmentId}`).toEqual(expected);
      expect(response.body.count, `count of ${previewEnvironmentId}`).toBe(expected.length);
    }
    expect(previewEnvironmentIds.length).toBe(2);
  });

  it('filters by each service type', async () => {
    const types = [...new Set(everything.map((service) => service.type))];

    for (const type of types) {
      const response = await server.request('GET', `/v1/services?type=${type}&take=100`);
      const expected = everything.filter((service) => service.type === type).map((service) => service.id);
      expect(idsOf(response.body), `services of type ${type}`).toEqual(expected);
      expect(response.body.count, `count of type ${type}`).toBe(expected.length);
    }
    expect(types.length).toBeGreaterThan(3);
  });
});

describe('service list validation', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startFixtureServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it.each([
    ['take=0', 'take'],
    ['take=101', 'take'],
    ['take=-1', 'take'],
    ['take=1e2', 'take'],
    ['take=17.02', 'take'],
    ['take=', 'take'],
    ['take=5&take=10', 'take'],
    ['take=ten', 'take'],
    ['skip=-5', 'skip'],
    ['skip=2.5', 'skip'],
    ['environmentType=STANDARD', 'environmentType'],
    ['environmentType=', 'environmentType'],
  ])('rejects %s', async (query, field) => {
    const response = await server.request('GET', `/v1/services?${query}`);

    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe(VALIDATION_ERROR);
    expect(fieldPaths(response.body)).toEqual([field]);
    expect(response.body.errors[0].in).toBe('query');
    expect(response.body.message).toContain(field);
  });

  it('lists every failing field', async () => {
    const response = await server.request('GET', '/v1/services?take=0&skip=-5&environmentType=STANDARD&projectId=prj_1');

    expect(response.status).toBe(400);
    expect(response.body.errorCode).toBe(VALIDATION_ERROR);
    expect(fieldPaths(response.body).sort()).toEqual(['environmentType', 'skip', 'take']);
    expect(response.body.message).toContain('take');
    expect(response.body.message).toContain('skip');
    expect(response.body.message).toContain('environmentType');
  });

  it('rejects a valid filter with a bad take', async () => {
    const response = await server.request('GET', '/v1/services?type=web&take=500');

    expect(response.status).toBe(400);
    expect(fieldPaths(response.body)).toEqual(['take']);
  });
});

describe('services of a created environment', () => {
  let server: TestServer;

  beforeEach(async () => {
    server = await startFixtureServer();
  });

  afterEach(async () => {
    await server.close();
  });

  it('appear in the service list', async () => {
    const before = await server.request('GET', '/v1/services');
    const created = await server.request('POST', '/v1/projects/prj_1/environments', {
      json: {
        name: 'QA',
        region: 'us-east-1',
        services: [
          { id: 'api', name: 'API', type: 'web' },
          { id: 'jobs', name: 'Jobs', type: 'worker' },
        ],
      },
    });
    const after = await server.request('GET', '/v1/services');
    const environmentId: string = created.body.environmentId;

    expect(created.status).toBe(200);
    expect(after.body.count).toBe(before.body.count + 2);

    const added = after.body.services.filter((service: ListedService) => service.environmentId === environmentId);
    expect(added.map((service: { givenId: string }) => service.givenId)).toEqual(['api', 'jobs']);
    for (const service of added) {
      expect(service.projectId).toBe('prj_1');
      expect(service.previewEnvironmentId).toBeNull();
      expect(service.createdAt).toBe('2026-03-01T12:00:00.000Z');
    }
    expect(added.map((service: { type: string }) => service.type)).toEqual(['web', 'worker']);
    expect(added.map((service: { name: string }) => service.name)).toEqual(['API', 'Jobs']);
  });

  it('match their environment filter', async () => {
    const created = await server.request('POST', '/v1/projects/prj_1/environments', {
      json: { name: 'QA', region: 'us-east-1', services: [{ id: 'api', name: 'API', type: 'web' }] },
    });
    const response = await server.request('GET', `/v1/services?environmentId=${created.body.environmentId}`);
    const standard = await server.request('GET', '/v1/services?environmentType=standard');

    expect(response.body.count).toBe(1);
    expect(response.body.services[0].givenId).toBe('api');
    expect(standard.body.count).toBe(6);
  });
});

describe('service list determinism', () => {
  it('repeats identical bodies', async () => {
    const server = await startTestServer();
    try {
      const first = await server.request('GET', '/v1/services?take=100');
      const second = await server.request('GET', '/v1/services?take=100');
      server.advance(3_600_000);
      const later = await server.request('GET', '/v1/services?take=100');

      expect(second.rawBody).toBe(first.rawBody);
      expect(later.rawBody).toBe(first.rawBody);
    } finally {
      await server.close();
    }
  });

  it('lists the same services per seed', async () => {
    const first = await startTestServer({ seed: 42 });
    const second = await startTestServer({ seed: 42 });
    try {
      const firstList = await first.request('GET', '/v1/services?take=100');
      const secondList = await second.request('GET', '/v1/services?take=100');

      expect(firstList.body.count).toBeGreaterThan(0);
      expect(secondList.rawBody).toBe(firstList.rawBody);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('lists other services per seed', async () => {
    const first = await startTestServer({ seed: 42 });
    const second = await startTestServer({ seed: 43 });
    try {
      const firstList = await first.request('GET', '/v1/services?take=100');
      const secondList = await second.request('GET', '/v1/services?take=100');

      expect(idsOf(secondList.body)).not.toEqual(idsOf(firstList.body));
    } finally {
      await first.close();
      await second.close();
    }
  });
});
