import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { startMock, type Mock } from '../src/index.js';
import { createMockClient, type MockRequest } from './helpers/mock-client.js';

const START = '2026-01-01T00:00:00.000Z';

async function triggerHook(request: MockRequest, mock: Mock, environment?: string): Promise<string> {
  const response = await request('GET', mock.deployHookUrl(environment), { key: null });
  if (response.status !== 200) throw new Error(`The deploy hook returned status ${response.status}: ${response.rawBody}`);
  return response.body.deploymentId;
}

describe('startMock', () => {
  let mock: Mock;
  let request: MockRequest;

  beforeEach(async () => {
    mock = await startMock();
    request = createMockClient(mock.url, mock.apiKey);
  });

  afterEach(async () => {
    await mock.close();
  });

  it('listens on a free loopback port', () => {
    const url = new URL(mock.url);

    expect(url.protocol).toBe('http:');
    expect(url.hostname).toBe('127.0.0.1');
    expect(Number(url.port)).toBeGreaterThan(0);
  });

  it('serves requests with its key', async () => {
    const services = await request('GET', '/v1/services');

    expect(mock.apiKey).not.toBe('');
    expect(services.status).toBe(200);
  });

  it('returns its handles', () => {
    expect(typeof mock.clock.now).toBe('function');
    expect(typeof mock.clock.advance).toBe('function');
    expect(typeof mock.clock.set).toBe('function');
    expect(typeof mock.scenario.load).toBe('function');
    expect(typeof mock.journal.entries).toBe('function');
    expect(typeof mock.reset).toBe('function');
    expect(typeof mock.close).toBe('function');
  });

  it('starts the default scenario', () => {
    expect(mock.scenario.name).toBe('default');
  });

  it('starts a manual clock', async () => {
    const clock = await request('GET', '/__mock/clock');

    expect(mock.clock.now().toISOString()).toBe(START);
    expect(clock.body).toEqual({ now: START, mode: 'manual' });
  });

  describe('clock', () => {
    it('advances by a duration', async () => {
      mock.clock.advance('5m');
      const clock = await request('GET', '/__mock/clock');

      expect(mock.clock.now().toISOString()).toBe('2026-01-01T00:05:00.000Z');
      expect(clock.body.now).toBe('2026-01-01T00:05:00.000Z');
    });

    it('advances by milliseconds', () => {
      mock.clock.advance(1_500);

      expect(mock.clock.now().toISOString()).toBe('2026-01-01T00:00:01.500Z');
    });

    it.each([
      ['RFC 3339 text', '2026-02-01T00:00:00Z'],
      ['a Date', new Date('2026-02-01T00:00:00Z')],
      ['epoch milliseconds', Date.parse('2026-02-01T00:00:00Z')],
    ])('sets a later time from %s', (_form, time) => {
      mock.clock.set(time);

      expect(mock.clock.now().toISOString()).toBe('2026-02-01T00:00:00.000Z');
    });

    it('rejects an earlier time', () => {
      mock.clock.advance('1h');

      expect(() => mock.clock.set(START)).toThrow(/never goes backwards/);
      expect(mock.clock.now().toISOString()).toBe('2026-01-01T01:00:00.000Z');
    });

    it('rejects a negative duration', () => {
      expect(() => mock.clock.advance(-1)).toThrow(RangeError);
      expect(mock.clock.now().toISOString()).toBe(START);
    });

    it('rejects a malformed duration', () => {
      expect(() => mock.clock.advance('5 minutes')).toThrow(/Invalid duration '5 minutes'/);
    });

    it('rejects a time past Date range', async () => {
      expect(() => mock.clock.advance(Number.MAX_SAFE_INTEGER)).toThrow(RangeError);
      expect(() => mock.clock.set(Number.MAX_SAFE_INTEGER)).toThrow(RangeError);

      const clock = await request('GET', '/__mock/clock');
      expect(clock.status).toBe(200);
      expect(clock.body.now).toBe(START);
    });

    it('moves deployments forward', async () => {
      const deploymentId = await triggerHook(request, mock, 'production');

      mock.clock.advance('10m');
      const deployment = await request('GET', `/v1/deployments/${deploymentId}`);

      expect(deployment.body.status).toBe('SUCCESS');
    });
  });

  describe('scenario', () => {
    it('loads a built-in by name', async () => {
      await mock.scenario.load('build-error');

      expect(mock.scenario.name).toBe('build-error');
    });

    it('changes deployment outcomes', async () => {
      await mock.scenario.load('build-error');
      const deploymentId = await triggerHook(request, mock, 'production');

      mock.clock.advance('10m');
      const deployment = await request('GET', `/v1/deployments/${deploymentId}`);

      expect(deployment.body.status).toBe('BUILD_ERROR');
    });

    it('loads a scenario object', async () => {
      await mock.scenario.load({ name: 'empty', world: { projects: 0 } });
      const services = await request('GET', '/v1/services');

      expect(mock.scenario.name).toBe('empty');
      expect(services.body.services).toEqual([]);
      expect(services.body.count).toBe(0);
    });

    it('rejects an unknown name', async () => {
      await expect(mock.scenario.load('no-such-scenario')).rejects.toThrow(/Unknown scenario 'no-such-scenario'/);
      expect(mock.scenario.name).toBe('default');
    });

    it('keeps the seed in effect', async () => {
      await mock.close();
      mock = await startMock({ scenario: { name: 'seeded', seed: 7 } });
      const before = mock.world().projects;

      await mock.scenario.load('build-error');

      expect(mock.world().projects).toEqual(before);
    });

    it('keeps the API key', async () => {
      await mock.scenario.load('deploy-error');
      const services = await request('GET', '/v1/services');

      expect(services.status).toBe(200);
    });
  });

  describe('journal', () => {
    it('lists requests by operationId', async () => {
      const deploymentId = await triggerHook(request, mock);
      await request('GET', `/v1/deployments/${deploymentId}`);
      await request('GET', '/v1/services');

      const entries = mock.journal.entries({ operationId: 'getDeployment' });

      expect(entries).toHaveLength(1);
      expect(entries[0]?.url).toBe(`/v1/deployments/${deploymentId}`);
      expect(entries[0]?.status).toBe(200);
    });

    it('filters by status class', async () => {
      await request('GET', '/v1/services');
      await request('GET', '/v1/deployments/no-such-deployment');

      const entries = mock.journal.entries({ status: '4xx' });

      expect(entries.map((entry) => entry.status)).toEqual([404]);
    });

    it('keeps the last entries', async () => {
      await request('GET', '/v1/services');
      await request('GET', '/v1/deployments/no-such-deployment');

      expect(mock.journal.entries({ limit: 1 }).map((entry) => entry.status)).toEqual([404]);
      expect(mock.journal.entries({ limit: 0 })).toEqual([]);
    });

    it('lists violations', async () => {
      await request('GET', '/v1/services?take=0');

      const violations = mock.journal.violations();

      expect(violations).toHaveLength(1);
      expect(violations[0]?.problems).toEqual([expect.objectContaining({ path: 'take', in: 'query' })]);
    });

    it('clears entries', async () => {
      await request('GET', '/v1/services');

      mock.journal.clear();

      expect(mock.journal.entries()).toEqual([]);
    });
  });

  describe('deployHookUrl', () => {
    it('finds an environment by givenId', () => {
      const staging = (mock.world().environments as { givenId: string; deployHook: { url: string } }[]).find((environment) => environment.givenId === 'staging');

      expect(mock.deployHookUrl('staging')).toBe(staging?.deployHook.url);
    });

    it('gives preview URL templates', async () => {
      const template = mock.deployHookUrl('preview');
      const hook = await request('GET', template.replace('{prNumber}', '12').replace('{commitSHA}', 'abcdef1'), { key: null });

      expect(template).toMatch(/\/\{prNumber\}\/\{commitSHA\}$/);
      expect(hook.status).toBe(200);
    });

    it('rejects an unknown environment', () => {
      expect(() => mock.deployHookUrl('no-such-environment')).toThrow(/No environment no-such-environment/);
    });
  });

  describe('reset', () => {
    it('removes created deployments', async () => {
      const deploymentId = await triggerHook(request, mock);

      mock.reset();
      const deployment = await request('GET', `/v1/deployments/${deploymentId}`);

      expect(deployment.status).toBe(404);
    });

    it('clears the journal', async () => {
      await request('GET', '/v1/services');

      mock.reset();

      expect(mock.journal.entries()).toEqual([]);
    });

    it('reuses no ids', async () => {
      const before = await triggerHook(request, mock);

      mock.reset();
      const after = await triggerHook(request, mock);

      expect(after).not.toBe(before);
    });
  });
});

describe('startMock options', () => {
  it('starts at startTime', async () => {
    const mock = await startMock({ startTime: '2030-06-01T08:00:00Z' });

    try {
      expect(mock.clock.now().toISOString()).toBe('2030-06-01T08:00:00.000Z');
    } finally {
      await mock.close();
    }
  });

  it('rejects an invalid startTime', async () => {
    await expect(startMock({ startTime: 'next monday' })).rejects.toThrow(/Invalid startTime 'next monday'/);
  });

  it('starts a named scenario', async () => {
    const mock = await startMock({ scenario: 'empty-account' });

    try {
      expect(mock.scenario.name).toBe('empty-account');
      expect(mock.world().projects).toEqual([]);
    } finally {
      await mock.close();
    }
  });
});

describe('close', () => {
  it('frees the port', async () => {
    const first = await startMock();
    const port = Number(new URL(first.url).port);

    await first.close();
    const second = await startMock({ port });

    try {
      expect(second.url).toBe(first.url);
    } finally {
      await second.close();
    }
  });

  it('refuses new connections', async () => {
    const mock = await startMock();

    await mock.close();

    await expect(fetch(`${mock.url}/v1/services`)).rejects.toThrow();
  });
});

describe('mocks side by side', () => {
  const COUNT = 10;
  let mocks: Mock[] = [];

  beforeAll(async () => {
    mocks = await Promise.all(Array.from({ length: COUNT }, () => startMock()));
  });

  afterAll(async () => {
    await Promise.all(mocks.map((mock) => mock.close()));
  });

  it('listen on distinct ports', () => {
    expect(new Set(mocks.map((mock) => mock.url)).size).toBe(COUNT);
  });

  it('keep their state apart', async () => {
    // Mock i triggers i + 1 deployments and moves its clock i minutes, all at once.
    await Promise.all(
      mocks.map(async (mock, index) => {
        const request = createMockClient(mock.url, mock.apiKey);
        for (let count = 0; count <= index; count++) await triggerHook(request, mock);
        await request('POST', '/__mock/clock', { json: { advanceMs: index * 60_000 } });
      }),
    );

    for (const [index, mock] of mocks.entries()) {
      const world = mock.world() as { counts: { deployments: number } };
      expect(world.counts.deployments, `mock ${index}`).toBe(index + 1);
      expect(mock.journal.entries(), `mock ${index}`).toHaveLength(index + 1);
      expect(mock.clock.now().getTime() - Date.parse(START), `mock ${index}`).toBe(index * 60_000);
    }
  });
});

// The vitest example from the README's "Use in tests" section. Two changes: the import
// comes from the source instead of 'flightcontrol-mock', and the JSON bodies get a type,
// because this project's TypeScript setup has no DOM library, so response.json() returns unknown.
// The example reads responses with plain fetch. startMock's strict mode has the server
// check each one against the contract, and the last test confirms that none broke it.
describe('README example', () => {
  let mock: Mock;

  beforeAll(async () => {
    mock = await startMock({ scenario: 'build-error' });
  });

  afterAll(async () => {
    await mock.close();
  });

  it('reports a failed build', async () => {
    const hook = await fetch(mock.deployHookUrl('production')).then((response) => response.json() as Promise<{ deploymentId: string }>);

    mock.clock.advance('10m');
    const deployment = await fetch(`${mock.url}/v1/deployments/${hook.deploymentId}`, {
      headers: { Authorization: `Bearer ${mock.apiKey}` },
    }).then((response) => response.json() as Promise<{ status: string }>);

    expect(deployment.status).toBe('BUILD_ERROR');
    expect(mock.journal.entries({ operationId: 'getDeployment' })).toHaveLength(1);
  });

  it('breaks no contract', () => {
    expect(mock.journal.entries()).toHaveLength(2);
    expect(mock.journal.violations()).toEqual([]);
  });
});
