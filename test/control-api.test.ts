import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { loadContract, startMock, type Mock } from '../src/index.js';
import { createMockClient, type MockRequest } from './helpers/mock-client.js';

// startMock's manual clock starts here and moves only when a test moves it.
const START = '2026-01-01T00:00:00.000Z';
const VALIDATION_ERROR = 'FC:Request:Error:VALIDATION_ERROR';

let mock: Mock;
let request: MockRequest;

beforeEach(async () => {
  mock = await startMock();
  request = createMockClient(mock.url, mock.apiKey);
});

afterEach(async () => {
  await mock.close();
});

interface WorldEnvironment {
  id: string;
  givenId: string;
  type: string;
  deployHook: { envId: number; url: string } | null;
}

interface WorldService {
  id: string;
  environmentId: string;
  type: string;
  cloudfront: boolean;
  desiredCount: number | null;
}

async function readWorld(): Promise<{ environments: WorldEnvironment[]; services: WorldService[]; counts: Record<string, number>; [key: string]: unknown }> {
  return (await request('GET', '/__mock/world')).body;
}

async function productionEnvironment(): Promise<WorldEnvironment> {
  const environment = (await readWorld()).environments.find((candidate) => candidate.givenId === 'production');
  if (environment?.deployHook == null) throw new Error('The generated world has no production environment with a deploy hook.');
  return environment;
}

async function triggerProductionHook(): Promise<string> {
  const environment = await productionEnvironment();
  const response = await request('GET', environment.deployHook?.url ?? '', { key: null });
  if (response.status !== 200) throw new Error(`The deploy hook returned status ${response.status}: ${response.rawBody}`);
  return response.body.deploymentId;
}

async function firstService(predicate: (service: WorldService) => boolean): Promise<WorldService> {
  const service = (await readWorld()).services.find(predicate);
  if (service === undefined) throw new Error('The generated world has no service of the kind this test needs.');
  return service;
}

function moveClock(json: unknown) {
  return request('POST', '/__mock/clock', { json });
}

function readJournal(query = '') {
  return request('GET', `/__mock/journal${query}`);
}

describe('POST /__mock/reset', () => {
  it('removes created deployments', async () => {
    const deploymentId = await triggerProductionHook();

    const reset = await request('POST', '/__mock/reset');
    const deployment = await request('GET', `/v1/deployments/${deploymentId}`);

    expect(reset.status).toBe(200);
    expect(deployment.status).toBe(404);
  });

  it('removes created invalidations', async () => {
    const site = await firstService((service) => service.cloudfront);
    const created = await request('POST', `/v1/services/${site.id}/cloudfront/invalidation`, { json: { paths: ['/*'] } });

    await request('POST', '/__mock/reset');
    const status = await request('GET', `/v1/cloudfront/invalidation/${created.body.invalidationId}`);

    expect(created.status).toBe(200);
    expect(status.status).toBe(404);
  });

  it('restores scaling counts', async () => {
    const web = await firstService((service) => service.type === 'web');
    await request('POST', `/v1/services/${web.id}/scaling`, { json: { operation: 'set', count: 9 } });

    await request('POST', '/__mock/reset');
    const scaling = await request('GET', `/v1/services/${web.id}/scaling`);

    expect(scaling.body.desiredInstances).toBe(web.desiredCount);
  });

  it('zeroes the world counts', async () => {
    await triggerProductionHook();

    await request('POST', '/__mock/reset');
    const world = await readWorld();

    expect(world.counts.deployments).toBe(0);
    expect(world.counts.deploymentsInProgress).toBe(0);
  });

  it('clears the journal', async () => {
    await triggerProductionHook();
    await request('GET', '/v1/services');

    await request('POST', '/__mock/reset');
    const journal = await readJournal();

    expect(journal.body.entries).toEqual([]);
  });

  it('reuses no ids', async () => {
    const before = await triggerProductionHook();

    await request('POST', '/__mock/reset');
    const after = await triggerProductionHook();
    const stale = await request('GET', `/v1/deployments/${before}`);

    expect(after).not.toBe(before);
    expect(stale.status).toBe(404);
  });

  it('accepts a request without body', async () => {
    // As curl sends it with only -X POST and an Authorization header: no body, no Content-Type.
    const reset = await request('POST', '/__mock/reset');

    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ reset: true, now: START, scenario: 'default' });
  });

  it('keeps the clock time', async () => {
    await moveClock({ advance: '1h' });

    const reset = await request('POST', '/__mock/reset');

    expect(reset.body.now).toBe('2026-01-01T01:00:00.000Z');
  });
});

describe('/__mock/clock', () => {
  it('reads the manual clock', async () => {
    const clock = await request('GET', '/__mock/clock');

    expect(clock.status).toBe(200);
    expect(clock.body).toEqual({ now: START, mode: 'manual' });
  });

  it('advances by advanceMs', async () => {
    const moved = await moveClock({ advanceMs: 600_000 });

    expect(moved.status).toBe(200);
    expect(moved.body.now).toBe('2026-01-01T00:10:00.000Z');
  });

  it('advances by a duration', async () => {
    const moved = await moveClock({ advance: '10m' });

    expect(moved.status).toBe(200);
    expect(moved.body.now).toBe('2026-01-01T00:10:00.000Z');
  });

  it('takes fractional durations', async () => {
    const moved = await moveClock({ advance: '1.5s' });

    expect(moved.body.now).toBe('2026-01-01T00:00:01.500Z');
  });

  it('sets a later time', async () => {
    const moved = await moveClock({ setTo: '2026-03-01T12:00:00Z' });
    const clock = await request('GET', '/__mock/clock');

    expect(moved.status).toBe(200);
    expect(clock.body.now).toBe('2026-03-01T12:00:00.000Z');
  });

  it('applies advance before setTo', async () => {
    const moved = await moveClock({ advance: '1h', setTo: '2026-01-01T02:00:00Z' });

    expect(moved.body.now).toBe('2026-01-01T02:00:00.000Z');
  });

  it('rejects an earlier setTo', async () => {
    await moveClock({ advance: '1h' });

    const moved = await moveClock({ setTo: START });
    const clock = await request('GET', '/__mock/clock');

    expect(moved.status).toBe(400);
    expect(moved.body.errorCode).toBe(VALIDATION_ERROR);
    expect(moved.body.errors).toEqual([expect.objectContaining({ path: 'setTo', in: 'body' })]);
    expect(moved.body.errors[0].message).toContain('never goes backwards');
    expect(clock.body.now).toBe('2026-01-01T01:00:00.000Z');
  });

  it('moves nothing on rejection', async () => {
    const moved = await moveClock({ advanceMs: 60_000, setTo: START });
    const clock = await request('GET', '/__mock/clock');

    expect(moved.status).toBe(400);
    expect(clock.body.now).toBe(START);
  });

  it('rejects a time past Date range', async () => {
    const moved = await moveClock({ advanceMs: Number.MAX_SAFE_INTEGER });
    const clock = await request('GET', '/__mock/clock');

    expect(moved.status).toBe(400);
    expect(moved.body.errors).toEqual([expect.objectContaining({ path: 'advanceMs', in: 'body' })]);
    expect(clock.status).toBe(200);
    expect(clock.body.now).toBe(START);
  });

  it('drives deployments to completion', async () => {
    const deploymentId = await triggerProductionHook();

    await moveClock({ advance: '10m' });
    const deployment = await request('GET', `/v1/deployments/${deploymentId}`);

    expect(deployment.body.status).toBe('SUCCESS');
  });
});

describe('/__mock/scenario', () => {
  it('reads the default scenario', async () => {
    const scenario = await request('GET', '/__mock/scenario');

    expect(scenario.status).toBe(200);
    expect(scenario.body.name).toBe('default');
    expect(scenario.body.scenario).toEqual(expect.objectContaining({ name: 'default' }));
  });

  it('loads a built-in by name', async () => {
    const loaded = await request('PUT', '/__mock/scenario', { json: { name: 'build-error' } });
    const current = await request('GET', '/__mock/scenario');

    expect(loaded.status).toBe(200);
    expect(loaded.body.name).toBe('build-error');
    expect(current.body.name).toBe('build-error');
  });

  it('applies a loaded built-in', async () => {
    await request('PUT', '/__mock/scenario', { json: { name: 'build-error' } });
    const deploymentId = await triggerProductionHook();

    await moveClock({ advance: '10m' });
    const deployment = await request('GET', `/v1/deployments/${deploymentId}`);

    expect(deployment.body.status).toBe('BUILD_ERROR');
  });

  it('loads a scenario object', async () => {
    const scenario = { name: 'one-project', description: 'One project that fails to deploy.', world: { projects: 1 }, deployments: { outcome: 'DEPLOY_ERROR' } };

    const loaded = await request('PUT', '/__mock/scenario', { json: { scenario } });
    const world = await readWorld();

    expect(loaded.status).toBe(200);
    expect(loaded.body).toEqual({ name: 'one-project', description: 'One project that fails to deploy.', scenario });
    expect(world.counts.projects).toBe(1);
  });

  it('applies a scenario object', async () => {
    await request('PUT', '/__mock/scenario', { json: { scenario: { name: 'deploy-fails', deployments: { outcome: 'DEPLOY_ERROR' } } } });
    const deploymentId = await triggerProductionHook();

    await moveClock({ advance: '10m' });
    const deployment = await request('GET', `/v1/deployments/${deploymentId}`);

    expect(deployment.body.status).toBe('DEPLOY_ERROR');
  });

  it('keeps the seed in effect', async () => {
    await mock.close();
    mock = await startMock({ seed: 7 });
    request = createMockClient(mock.url, mock.apiKey);
    const before = await readWorld();

    await request('PUT', '/__mock/scenario', { json: { name: 'build-error' } });
    const after = await readWorld();

    expect(after.projects).toEqual(before.projects);
  });

  it('keeps the API key', async () => {
    await request('PUT', '/__mock/scenario', { json: { scenario: { name: 'other-keys', world: { apiKeys: ['fc_other_key_0001'] } } } });

    const clock = await request('GET', '/__mock/clock');

    expect(clock.status).toBe(200);
  });

  it('clears the journal on load', async () => {
    await request('GET', '/v1/services');

    await request('PUT', '/__mock/scenario', { json: { name: 'deploy-error' } });
    const journal = await readJournal();

    expect(journal.body.entries).toEqual([]);
  });

  it('rejects an unknown name', async () => {
    const loaded = await request('PUT', '/__mock/scenario', { json: { name: 'no-such-scenario' } });

    expect(loaded.status).toBe(400);
    expect(loaded.body.errorCode).toBe(VALIDATION_ERROR);
    expect(loaded.body.errors).toEqual([expect.objectContaining({ path: 'name', in: 'body' })]);
    expect(loaded.body.errors[0].message).toContain("Unknown scenario 'no-such-scenario'");
    expect(loaded.body.errors[0].message).toContain('build-error');
  });

  it('rejects a file path as name', async () => {
    const loaded = await request('PUT', '/__mock/scenario', { json: { name: './package.json' } });

    expect(loaded.status).toBe(400);
    expect(loaded.body.errors).toEqual([expect.objectContaining({ path: 'name', in: 'body' })]);
    expect(loaded.body.errors[0].message).toContain("Unknown scenario './package.json'");
  });

  it('rejects an invalid scenario object', async () => {
    const loaded = await request('PUT', '/__mock/scenario', { json: { scenario: { name: 'bad', faults: [{ status: 503, probability: 2 }] } } });

    expect(loaded.status).toBe(400);
    expect(loaded.body.errorCode).toBe(VALIDATION_ERROR);
    expect(loaded.body.errors).toEqual([expect.objectContaining({ path: 'scenario', in: 'body' })]);
    expect(loaded.body.errors[0].message).toContain('faults[0].probability');
  });

  it('names an unknown scenario field', async () => {
    const loaded = await request('PUT', '/__mock/scenario', { json: { scenario: { name: 'typo', fautls: [] } } });

    expect(loaded.status).toBe(400);
    expect(loaded.body.errors[0].message).toContain("unknown field 'fautls'");
  });

  it('names an unknown fault operation', async () => {
    const loaded = await request('PUT', '/__mock/scenario', { json: { scenario: { name: 'typo', faults: [{ operations: ['getDeployments'], status: 503 }] } } });

    expect(loaded.status).toBe(400);
    expect(loaded.body.errors[0].message).toContain("unknown operationId 'getDeployments'");
  });

  it('keeps the scenario after rejection', async () => {
    await request('PUT', '/__mock/scenario', { json: { name: 'no-such-scenario' } });

    const current = await request('GET', '/__mock/scenario');

    expect(current.body.name).toBe('default');
  });
});

describe('GET /__mock/world', () => {
  it('lists the generated world', async () => {
    const world = await readWorld();

    expect(world.now).toBe(START);
    expect(world.projects).toHaveLength(2);
    expect(world.environments).toHaveLength(6);
    expect(world.services).toHaveLength(34);
  });

  it('counts what it lists', async () => {
    const world = await readWorld();

    expect(world.counts.projects).toBe(2);
    expect(world.counts.environments).toBe(world.environments.length);
    expect(world.counts.services).toBe(world.services.length);
  });

  it('gives working deploy-hook URLs', async () => {
    const standard = (await readWorld()).environments.filter((environment) => environment.type === 'standard');

    for (const environment of standard) {
      const hook = await request('GET', environment.deployHook?.url ?? '', { key: null });
      expect(hook.status, environment.givenId).toBe(200);
    }
    const world = await readWorld();
    expect(world.counts.deployments).toBe(standard.length);
  });

  it('gives preview hook URL templates', async () => {
    const preview = (await readWorld()).environments.find((environment) => environment.type === 'preview');
    const template = preview?.deployHook?.url ?? '';

    const hook = await request('GET', template.replace('{prNumber}', '42').replace('{commitSHA}', 'a1b2c3d'), { key: null });

    expect(template).toMatch(/\/\{prNumber\}\/\{commitSHA\}$/);
    expect(hook.status).toBe(200);
  });

  it('counts work in progress', async () => {
    const site = await firstService((service) => service.cloudfront);
    await triggerProductionHook();
    await request('POST', `/v1/services/${site.id}/cloudfront/invalidation`, { json: { paths: ['/*'] } });

    const during = await readWorld();
    await moveClock({ advance: '1h' });
    const after = await readWorld();

    expect(during.counts.deploymentsInProgress).toBe(1);
    expect(during.counts.invalidationsInProgress).toBe(1);
    expect(after.counts.deploymentsInProgress).toBe(0);
    expect(after.counts.invalidationsInProgress).toBe(0);
    expect(after.counts.deployments).toBe(1);
    expect(after.counts.invalidations).toBe(1);
  });

  it('shows scaling changes', async () => {
    const web = await firstService((service) => service.type === 'web');

    await request('POST', `/v1/services/${web.id}/scaling`, { json: { operation: 'set', count: 7 } });
    const scaled = (await readWorld()).services.find((service) => service.id === web.id);

    expect(scaled?.desiredCount).toBe(7);
  });
});

describe('GET /__mock/journal', () => {
  // Three Flightcontrol calls a minute apart: a deploy hook, a 200 and a 404.
  async function makeThreeCalls(): Promise<string> {
    const deploymentId = await triggerProductionHook();
    await moveClock({ advance: '1m' });
    await request('GET', `/v1/deployments/${deploymentId}`);
    await moveClock({ advance: '1m' });
    await request('GET', '/v1/deployments/no-such-deployment');
    return deploymentId;
  }

  it('lists requests oldest first', async () => {
    const deploymentId = await makeThreeCalls();

    const journal = await readJournal();
    const entries = journal.body.entries;

    expect(entries.map((entry: any) => entry.operationId)).toEqual(['triggerDeployHook', 'getDeployment', 'getDeployment']);
    expect(entries.map((entry: any) => entry.status)).toEqual([200, 200, 404]);
    expect(entries.map((entry: any) => entry.at)).toEqual([START, '2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z']);
    expect(entries[1].url).toBe(`/v1/deployments/${deploymentId}`);
    expect(entries[1].method).toBe('GET');
    expect(entries[1].fault).toBeNull();
  });

  it('numbers entries in order', async () => {
    await makeThreeCalls();

    const sequences = (await readJournal()).body.entries.map((entry: any) => entry.sequence);

    expect(sequences[1]).toBe(sequences[0] + 1);
    expect(sequences[2]).toBe(sequences[1] + 1);
  });

  it('leaves out control calls', async () => {
    await request('GET', '/__mock/world');
    await moveClock({ advance: '1m' });

    const journal = await readJournal();

    expect(journal.body.entries).toEqual([]);
  });

  it('filters by operationId', async () => {
    await makeThreeCalls();

    const journal = await readJournal('?operationId=triggerDeployHook');

    expect(journal.body.entries).toHaveLength(1);
    expect(journal.body.entries[0].operationId).toBe('triggerDeployHook');
  });

  it('filters by exact status', async () => {
    await makeThreeCalls();

    const journal = await readJournal('?status=404');

    expect(journal.body.entries).toHaveLength(1);
    expect(journal.body.entries[0].url).toBe('/v1/deployments/no-such-deployment');
  });

  it('filters by status class', async () => {
    await makeThreeCalls();
    await request('GET', '/v1/services?take=0');

    const clientErrors = await readJournal('?status=4xx');
    const successes = await readJournal('?status=2xx');

    expect(clientErrors.body.entries.map((entry: any) => entry.status)).toEqual([404, 400]);
    expect(successes.body.entries.map((entry: any) => entry.status)).toEqual([200, 200]);
  });

  it('filters by since', async () => {
    await makeThreeCalls();

    const journal = await readJournal('?since=2026-01-01T00:01:00Z');

    expect(journal.body.entries.map((entry: any) => entry.at)).toEqual(['2026-01-01T00:01:00.000Z', '2026-01-01T00:02:00.000Z']);
  });

  it('filters by until', async () => {
    await makeThreeCalls();

    const journal = await readJournal('?until=2026-01-01T00:01:00Z');

    expect(journal.body.entries.map((entry: any) => entry.at)).toEqual([START, '2026-01-01T00:01:00.000Z']);
  });

  it('filters by since and until', async () => {
    await makeThreeCalls();

    const journal = await readJournal('?since=2026-01-01T00:00:30Z&until=2026-01-01T00:01:30Z');

    expect(journal.body.entries).toHaveLength(1);
    expect(journal.body.entries[0].at).toBe('2026-01-01T00:01:00.000Z');
  });

  it('limits to the last entries', async () => {
    await makeThreeCalls();

    const journal = await readJournal('?limit=2');

    expect(journal.body.entries.map((entry: any) => entry.status)).toEqual([200, 404]);
  });

  it('combines filters before the limit', async () => {
    await makeThreeCalls();

    const journal = await readJournal('?operationId=getDeployment&status=2xx&limit=1');

    expect(journal.body.entries).toHaveLength(1);
    expect(journal.body.entries[0].at).toBe('2026-01-01T00:01:00.000Z');
  });

  it('redacts managed secret values', async () => {
    const environment = await productionEnvironment();
    const written = await request('POST', `/v1/environments/${environment.id}/env-variables`, {
      json: {
        plainText: { LOG_LEVEL: 'info' },
        parameterStore: { DB_PASSWORD: 'parameter-store-value-7f3a' },
        secretsManager: { STRIPE_KEY: 'secrets-manager-value-91bc' },
      },
    });

    const journal = await readJournal('?operationId=createEnvironmentEnvVariables');

    expect(written.status).toBe(202);
    expect(journal.rawBody).not.toContain('parameter-store-value-7f3a');
    expect(journal.rawBody).not.toContain('secrets-manager-value-91bc');
    expect(journal.body.entries[0].body).toEqual({
      plainText: { LOG_LEVEL: 'info' },
      parameterStore: { DB_PASSWORD: '[redacted]' },
      secretsManager: { STRIPE_KEY: '[redacted]' },
    });
  });

  it('keeps secrets out of the world', async () => {
    const environment = await productionEnvironment();
    await request('POST', `/v1/environments/${environment.id}/env-variables`, { json: { parameterStore: { DB_PASSWORD: 'parameter-store-value-7f3a' } } });

    const world = await request('GET', '/__mock/world');

    expect(world.rawBody).not.toContain('parameter-store-value-7f3a');
  });

  it('redacts deploy-hook secrets', async () => {
    const environments = (await readWorld()).environments;
    const standard = environments.find((environment) => environment.type === 'standard');
    const preview = environments.find((environment) => environment.type === 'preview');
    const standardUrl = standard?.deployHook?.url ?? '';
    const previewUrl = (preview?.deployHook?.url ?? '').replace('{prNumber}', '7').replace('{commitSHA}', 'abc1234');
    await request('GET', standardUrl, { key: null });
    await request('GET', previewUrl, { key: null });

    const journal = await readJournal();
    const secrets = [standardUrl, previewUrl].map((url) => new URL(url).pathname.split('/')[4] ?? '');

    expect(secrets.every((secret) => secret.length > 0)).toBe(true);
    for (const secret of secrets) expect(journal.rawBody).not.toContain(secret);
    expect(journal.body.entries.map((entry: any) => entry.url)).toEqual([
      `/api/deploy-hook/${standard?.deployHook?.envId}/[redacted]`,
      `/api/deploy-hook/${preview?.deployHook?.envId}/[redacted]/7/abc1234`,
    ]);
  });
});

describe('DELETE /__mock/journal', () => {
  it('clears entries, coverage and violations', async () => {
    await request('GET', '/v1/services');
    await request('GET', '/v1/services?take=0');

    const cleared = await request('DELETE', '/__mock/journal');
    const journal = await readJournal();
    const coverage = await request('GET', '/__mock/coverage');
    const violations = await request('GET', '/__mock/violations');

    expect(cleared.status).toBe(200);
    expect(cleared.body).toEqual({ cleared: true });
    expect(journal.body.entries).toEqual([]);
    expect(coverage.body.exercised).toBe(0);
    expect(violations.body.violations).toEqual([]);
  });

  it('keeps the world', async () => {
    const deploymentId = await triggerProductionHook();

    await request('DELETE', '/__mock/journal');
    const deployment = await request('GET', `/v1/deployments/${deploymentId}`);

    expect(deployment.status).toBe(200);
  });
});

describe('GET /__mock/coverage', () => {
  it('counts exercised statuses', async () => {
    const deploymentId = await triggerProductionHook();
    await request('GET', `/v1/deployments/${deploymentId}`);
    await request('GET', `/v1/deployments/${deploymentId}`);
    await request('GET', '/v1/deployments/no-such-deployment');

    const coverage = await request('GET', '/__mock/coverage');
    const operations = new Map(coverage.body.operations.map((operation: any) => [operation.operationId, operation]));

    expect(coverage.status).toBe(200);
    expect(coverage.body.exercised).toBe(2);
    expect(operations.get('getDeployment')).toEqual(expect.objectContaining({ method: 'GET', path: '/v1/deployments/{deploymentId}', statuses: { 200: 2, 404: 1 } }));
    expect(operations.get('triggerDeployHook')).toEqual(expect.objectContaining({ statuses: { 200: 1 } }));
    expect(operations.get('getServices')).toEqual(expect.objectContaining({ statuses: {} }));
  });

  it('lists every contract operation', async () => {
    const contract = await loadContract('documented');

    const coverage = await request('GET', '/__mock/coverage');

    expect(coverage.body.total).toBe(contract.operations.length);
    expect(coverage.body.operations.map((operation: any) => operation.operationId)).toEqual(contract.operations.map((operation) => operation.operationId));
  });

  it('lists declared statuses', async () => {
    const coverage = await request('GET', '/__mock/coverage');
    const getDeployment = coverage.body.operations.find((operation: any) => operation.operationId === 'getDeployment');

    expect(getDeployment.declaredStatuses).toEqual(expect.arrayContaining([200, 401, 404]));
  });
});

describe('GET /__mock/violations', () => {
  it('lists a rejected request', async () => {
    const rejected = await request('GET', '/v1/services?take=0');

    const violations = await request('GET', '/__mock/violations');
    const entry = (await readJournal()).body.entries[0];

    expect(rejected.status).toBe(400);
    expect(violations.status).toBe(200);
    expect(violations.body.violations).toHaveLength(1);
    expect(violations.body.violations[0]).toEqual(
      expect.objectContaining({ kind: 'request', method: 'GET', url: '/v1/services?take=0', operationId: 'getServices', at: START }),
    );
    expect(violations.body.violations[0].problems).toEqual([expect.objectContaining({ path: 'take', in: 'query' })]);
    expect(violations.body.violations[0].sequence).toBe(entry.sequence);
  });

  it('names every failing field', async () => {
    const web = await firstService((service) => service.type === 'web');
    await request('POST', `/v1/services/${web.id}/scaling`, { json: { operation: 'double', count: 'two' } });

    const violations = await request('GET', '/__mock/violations');
    const fields = violations.body.violations[0].problems.map((problem: any) => problem.path).sort();

    expect(fields).toEqual(['count', 'operation']);
  });

  it('stays empty for valid requests', async () => {
    await request('GET', '/v1/services');
    await triggerProductionHook();

    const violations = await request('GET', '/__mock/violations');

    expect(violations.body.violations).toEqual([]);
  });
});

describe('control API input validation', () => {
  it.each([
    { name: 'negative advanceMs', json: { advanceMs: -1 }, field: 'advanceMs' },
    { name: 'advanceMs as text', json: { advanceMs: '10' }, field: 'advanceMs' },
    { name: 'fractional advanceMs', json: { advanceMs: 1.5 }, field: 'advanceMs' },
    { name: 'advance without unit', json: { advance: '10' }, field: 'advance' },
    { name: 'setTo not a date-time', json: { setTo: 'tomorrow' }, field: 'setTo' },
    { name: 'unknown field', json: { advanceBy: 1000 }, field: 'advanceBy' },
    { name: 'empty body', json: {}, field: 'body' },
  ])('rejects clock move with $name', async ({ json, field }) => {
    const moved = await moveClock(json);

    expect(moved.status).toBe(400);
    expect(moved.body.errorCode).toBe(VALIDATION_ERROR);
    expect(moved.body.errors).toContainEqual(expect.objectContaining({ path: field, in: 'body' }));
  });

  it.each([
    { name: 'status=abc', query: '?status=abc', field: 'status' },
    { name: 'status=4XX', query: '?status=4XX', field: 'status' },
    { name: 'limit=0', query: '?limit=0', field: 'limit' },
    { name: 'limit=10001', query: '?limit=10001', field: 'limit' },
    { name: 'limit=ten', query: '?limit=ten', field: 'limit' },
    { name: 'since=yesterday', query: '?since=yesterday', field: 'since' },
  ])('rejects journal query $name', async ({ query, field }) => {
    const journal = await readJournal(query);

    expect(journal.status).toBe(400);
    expect(journal.body.errorCode).toBe(VALIDATION_ERROR);
    expect(journal.body.errors).toContainEqual(expect.objectContaining({ path: field, in: 'query' }));
  });

  it.each([
    { name: 'both name and scenario', json: { name: 'default', scenario: { name: 'default' } } },
    { name: 'an empty body', json: {} },
    { name: 'an empty name', json: { name: '' } },
    { name: 'a scenario string', json: { scenario: 'build-error' } },
  ])('rejects scenario with $name', async ({ json }) => {
    const loaded = await request('PUT', '/__mock/scenario', { json });

    expect(loaded.status).toBe(400);
    expect(loaded.body.errorCode).toBe(VALIDATION_ERROR);
    expect(loaded.body.errors.length).toBeGreaterThan(0);
  });

  it('records no control violations', async () => {
    await moveClock({ advanceMs: -1 });

    const violations = await request('GET', '/__mock/violations');

    expect(violations.body.violations).toEqual([]);
  });
});

describe('control API keys', () => {
  it.each([
    ['POST', '/__mock/reset', undefined],
    ['GET', '/__mock/clock', undefined],
    ['POST', '/__mock/clock', { advanceMs: 1000 }],
    ['GET', '/__mock/scenario', undefined],
    ['PUT', '/__mock/scenario', { name: 'build-error' }],
    ['GET', '/__mock/world', undefined],
    ['GET', '/__mock/journal', undefined],
    ['DELETE', '/__mock/journal', undefined],
    ['GET', '/__mock/coverage', undefined],
    ['GET', '/__mock/violations', undefined],
  ])('%s %s needs a key', async (method, path, json) => {
    const response = await request(method, path, { key: null, json });

    expect(response.status).toBe(401);
    expect(response.body.error).toBe('Please use an API key for this request');
  });

  it('rejects a malformed key', async () => {
    const response = await request('GET', '/__mock/world', { key: 'not a key' });

    expect(response.status).toBe(401);
    expect(response.body.error).toBe('Invalid API key');
  });

  it('changes nothing without a key', async () => {
    await request('POST', '/__mock/clock', { key: null, json: { advance: '1h' } });

    const clock = await request('GET', '/__mock/clock');

    expect(clock.body.now).toBe(START);
  });

  it('gives another key its own tenant', async () => {
    // The default scenario gives every key of the documented form a world of its own.
    const otherKey = 'fc_other_tenant_key_01';
    await request('POST', '/__mock/clock', { key: otherKey, json: { advance: '1h' } });
    await request('GET', '/v1/services', { key: otherKey });

    const ownClock = await request('GET', '/__mock/clock');
    const ownJournal = await readJournal();
    const otherJournal = await request('GET', '/__mock/journal', { key: otherKey });

    expect(ownClock.body.now).toBe(START);
    expect(ownJournal.body.entries).toEqual([]);
    expect(otherJournal.body.entries).toHaveLength(1);
  });

  it('serves openapi.json without a key', async () => {
    const contract = await loadContract('control');

    const document = await request('GET', '/__mock/openapi.json', { key: null });

    expect(document.status).toBe(200);
    expect(document.body).toEqual(contract.document);
  });

  it('serves scenario.schema.json without a key', async () => {
    const schema = await request('GET', '/__mock/scenario.schema.json', { key: null });

    expect(schema.status).toBe(200);
    expect(schema.body.required).toEqual(['name']);
    expect(Object.keys(schema.body.properties)).toEqual(expect.arrayContaining(['name', 'world', 'deployments', 'faults', 'keys']));
  });
});
