import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startMock, type Mock, type Scenario } from '../src/index.js';
import { createMockClient, type ClientRequestOptions, type ClientResponse } from './helpers/mock-client.js';

// Faults with probabilities on most operations, and services of one deployment that start
// up to 40 s apart, so every random stream of the simulation is drawn from.
const SCENARIO: Scenario = {
  name: 'determinism',
  description: 'Random faults and per-service jitter, all drawn from the seed.',
  deployments: { serviceJitter: '40s' },
  faults: [
    { operations: ['getDeployment'], status: 503, probability: 0.25 },
    { operations: ['getCloudFrontInvalidationStatus'], status: 502, probability: 0.3 },
    { operations: ['createCloudFrontInvalidation', 'createEnvironmentEnvVariables', 'updateScaling'], status: 429, retryAfterSeconds: 2, probability: 0.3 },
    { operations: ['getServices', 'getScaling'], drop: true, probability: 0.2 },
    { latency: { min: '1ms', max: '4ms' }, probability: 0.3 },
  ],
};

const SEED = 11;
const OTHER_SEED = 12;
const MAX_ATTEMPTS = 6;
const MAX_POLLS = 20;
const FINAL_DEPLOYMENT_STATUSES = new Set(['SUCCESS', 'NO_CHANGE', 'BUILD_ERROR', 'DEPLOY_ERROR', 'ERROR', 'CANCELLED']);

interface RunRecord {
  /** One line per response or dropped connection, with the mock's origin replaced. */
  transcript: string[];
  /** The journal after the run, without the real-time durationMs of each entry. */
  journal: unknown[];
  deploymentIds: string[];
  projectIds: string[];
}

interface WorldEnvironment {
  id: string;
  givenId: string;
  type: string;
  deployHook: { url: string } | null;
}

interface WorldService {
  id: string;
  type: string;
  cloudfront: boolean;
}

/**
 * Runs the same client against a mock: deploy hooks, deployment polls with clock advances,
 * CloudFront invalidations, an env-variable write with a managed secret, scaling and the
 * services list. It retries faults as a careful client would, a bounded number of times.
 */
async function runScript(mock: Mock): Promise<RunRecord> {
  const request = createMockClient(mock.url, mock.apiKey);
  const transcript: string[] = [];

  // Sends one request; a connection the scenario drops is recorded and returns null.
  async function send(method: string, target: string, options: ClientRequestOptions = {}): Promise<ClientResponse | null> {
    const path = target.replace(mock.url, 'MOCK_URL');
    try {
      const response = await request(method, target, options);
      transcript.push(`${method} ${path} ${response.status} ${response.rawBody.replaceAll(mock.url, 'MOCK_URL')}`);
      return response;
    } catch (error) {
      // Node's fetch rejects with TypeError('fetch failed') when the connection closes without a response.
      if (!(error instanceof TypeError && error.message === 'fetch failed')) throw error;
      transcript.push(`${method} ${path} dropped`);
      return null;
    }
  }

  // Retries injected faults, waiting out Retry-After on the simulated clock.
  async function sendWithRetry(method: string, target: string, options: ClientRequestOptions = {}): Promise<ClientResponse | null> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const response = await send(method, target, options);
      if (response !== null && response.headers['x-mock-fault'] === undefined) return response;
      const retryAfterSeconds = Number(response?.headers['retry-after'] ?? 1);
      await send('POST', '/__mock/clock', { json: { advanceMs: retryAfterSeconds * 1000 } });
    }
    return null;
  }

  const world = (await send('GET', '/__mock/world'))?.body as { projects: { id: string }[]; environments: WorldEnvironment[]; services: WorldService[] };
  const standard = world.environments.filter((environment) => environment.type === 'standard');
  const production = standard.find((environment) => environment.givenId === 'production');
  const sites = world.services.filter((service) => service.cloudfront).slice(0, 2);
  const web = world.services.find((service) => service.type === 'web');
  if (production === undefined || web === undefined || sites.length < 2) throw new Error('The generated world lacks a production environment, a web service or two CloudFront services.');

  const deploymentIds: string[] = [];
  for (const environment of standard) {
    const hook = await sendWithRetry('GET', environment.deployHook?.url ?? '', { key: null });
    if (hook?.status === 200) deploymentIds.push(hook.body.deploymentId);
  }

  const unfinished = new Set(deploymentIds);
  for (let poll = 0; poll < MAX_POLLS && unfinished.size > 0; poll++) {
    await send('POST', '/__mock/clock', { json: { advance: '20s' } });
    for (const deploymentId of [...unfinished]) {
      const deployment = await sendWithRetry('GET', `/v1/deployments/${deploymentId}`);
      if (deployment !== null && FINAL_DEPLOYMENT_STATUSES.has(deployment.body.status)) unfinished.delete(deploymentId);
    }
  }

  for (const site of sites) {
    const created = await sendWithRetry('POST', `/v1/services/${site.id}/cloudfront/invalidation`, { json: { paths: ['/*', '/index.html'] } });
    for (let poll = 0; poll < MAX_POLLS && created?.status === 200; poll++) {
      await send('POST', '/__mock/clock', { json: { advance: '15s' } });
      const status = await sendWithRetry('GET', `/v1/cloudfront/invalidation/${created.body.invalidationId}`);
      if (status?.body.status === 'Completed') break;
    }
  }

  await sendWithRetry('POST', `/v1/environments/${production.id}/env-variables`, {
    json: { plainText: { LOG_LEVEL: 'debug' }, parameterStore: { DB_PASSWORD: 'determinism-secret-4e1d' } },
  });

  await sendWithRetry('POST', `/v1/services/${web.id}/scaling`, { json: { operation: 'set', count: 5 } });
  await send('POST', '/__mock/clock', { json: { advance: '30s' } });
  await sendWithRetry('GET', `/v1/services/${web.id}/scaling`);

  for (let skip = 0; skip < 40; skip += 10) await sendWithRetry('GET', `/v1/services?skip=${skip}&take=10`);

  // Read apart from the transcript, because each entry's durationMs is real time.
  const journal = (await request('GET', '/__mock/journal')).body.entries as { durationMs: number }[];
  return {
    transcript,
    journal: journal.map(({ durationMs: _durationMs, ...entry }) => entry),
    deploymentIds,
    projectIds: world.projects.map((project) => project.id),
  };
}

describe('same scenario and seed', () => {
  let mocks: Mock[] = [];
  let first: RunRecord;
  let second: RunRecord;
  let other: RunRecord;

  beforeAll(async () => {
    mocks = await Promise.all([startMock({ scenario: SCENARIO, seed: SEED }), startMock({ scenario: SCENARIO, seed: SEED }), startMock({ scenario: SCENARIO, seed: OTHER_SEED })]);
    const [firstMock, secondMock, otherMock] = mocks as [Mock, Mock, Mock];
    // One run after another, so that the runs cannot interleave.
    first = await runScript(firstMock);
    second = await runScript(secondMock);
    other = await runScript(otherMock);
  });

  afterAll(async () => {
    await Promise.all(mocks.map((mock) => mock.close()));
  });

  it('gives identical response bodies', () => {
    expect(second.transcript).toHaveLength(first.transcript.length);
    expect(second.transcript).toEqual(first.transcript);
  });

  it('gives identical journals', () => {
    expect(second.journal).toHaveLength(first.journal.length);
    expect(JSON.stringify(second.journal)).toBe(JSON.stringify(first.journal));
  });

  it('injects every kind of fault', () => {
    const journal = first.journal as { status: number; fault: string | null }[];
    const faulted = journal.filter((entry) => entry.fault !== null);

    expect(faulted.some((entry) => entry.status === 503)).toBe(true);
    expect(faulted.some((entry) => entry.status === 502)).toBe(true);
    expect(faulted.some((entry) => entry.status === 429)).toBe(true);
    expect(faulted.some((entry) => entry.fault?.includes('drop'))).toBe(true);
    expect(faulted.some((entry) => entry.fault?.includes('latency'))).toBe(true);
  });

  it('lets services move apart', () => {
    // With jitter, at least one poll finds the services of one deployment at different stages.
    const deploymentBodies = first.transcript.filter((line) => /^GET \/v1\/deployments\/\S+ 200 /.test(line));
    const mixed = deploymentBodies.some((line) => {
      const body = JSON.parse(line.slice(line.indexOf('{'))) as { serviceDeployments: { status: string }[] };
      return new Set(body.serviceDeployments.map((item) => item.status)).size > 1;
    });

    expect(mixed).toBe(true);
  });

  it('finishes every deployment', () => {
    const finished = new Set<string>();
    for (const line of first.transcript.filter((candidate) => /^GET \/v1\/deployments\/\S+ 200 /.test(candidate))) {
      const body = JSON.parse(line.slice(line.indexOf('{'))) as { deploymentId: string; status: string };
      if (body.status === 'SUCCESS') finished.add(body.deploymentId);
    }

    expect(first.deploymentIds).toHaveLength(4);
    expect([...finished].sort()).toEqual([...first.deploymentIds].sort());
  });

  it('keeps managed secrets out', () => {
    expect(first.transcript.join('\n')).not.toContain('determinism-secret-4e1d');
  });

  it('gives other ids for another seed', () => {
    expect(other.projectIds).toHaveLength(first.projectIds.length);
    expect(other.projectIds.filter((id) => first.projectIds.includes(id))).toEqual([]);
    expect(other.deploymentIds).toHaveLength(first.deploymentIds.length);
    expect(other.deploymentIds.filter((id) => first.deploymentIds.includes(id))).toEqual([]);
  });
});
