import { performance } from 'node:perf_hooks';

import { afterEach, describe, expect, it } from 'vitest';

import { startMock, type Fault, type Mock } from '../src/index.js';
import { assertResponseMatchesContract } from './helpers/contract-check.js';
import { send, type RequestOptions, type TestResponse } from './helpers/test-server.js';

// The fixture world has exact ids: svc_1 is a scalable web service with CloudFront, env_1
// has the deploy hook 12, and only the key 'test-key' works.
const WORLD_FILE = 'test/fixtures/world.json';
const SERVICES = '/v1/services';
const SCALING = '/v1/services/svc_1/scaling';
const INVALIDATION = '/v1/services/svc_1/cloudfront/invalidation';
const DEPLOYMENT = '/v1/deployments/cl_unknown_deployment';
const HOOK = '/api/deploy-hook/12/s3cr3t';

const started: Mock[] = [];

afterEach(async () => {
  await Promise.all(started.splice(0).map((mock) => mock.close()));
});

async function startWithFaults(faults: Fault[], seed?: number): Promise<Mock> {
  const mock = await startMock({ scenario: { name: 'faults under test', seed, faults }, worldFile: WORLD_FILE });
  started.push(mock);
  return mock;
}

/** Sends one request with the mock's key and checks the response against the contract. */
async function call(mock: Mock, method: string, path: string, options: RequestOptions = {}): Promise<TestResponse> {
  const response = await send(mock.url, method, path, mock.apiKey, options);
  await assertResponseMatchesContract(response);
  return response;
}

async function timed(request: Promise<TestResponse>): Promise<{ response: TestResponse; elapsedMs: number }> {
  const startedAt = performance.now();
  const response = await request;
  return { response, elapsedMs: performance.now() - startedAt };
}

describe('latency', () => {
  it('delays by a fixed latency', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], latency: 150 }]);

    const { response, elapsedMs } = await timed(call(mock, 'GET', SERVICES));

    expect(response.status).toBe(200);
    expect(elapsedMs).toBeGreaterThanOrEqual(135);
    expect(elapsedMs).toBeLessThan(10_000);
  });

  it('accepts a duration string', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], latency: '150ms' }]);

    const { response, elapsedMs } = await timed(call(mock, 'GET', SERVICES));

    expect(response.status).toBe(200);
    expect(elapsedMs).toBeGreaterThanOrEqual(135);
  });

  it('draws latency within its range', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], latency: { min: 40, max: 90 } }]);

    for (let i = 0; i < 8; i++) {
      const { response, elapsedMs } = await timed(call(mock, 'GET', SERVICES));
      expect(response.status).toBe(200);
      expect(elapsedMs).toBeGreaterThanOrEqual(36);
    }

    const drawn = mock.journal.entries().map((entry) => Number(/^latency (\d+) ms$/.exec(entry.fault ?? '')?.[1]));
    expect(drawn).toHaveLength(8);
    for (const latencyMs of drawn) {
      expect(latencyMs).toBeGreaterThanOrEqual(40);
      expect(latencyMs).toBeLessThanOrEqual(90);
    }
  });

  it('leaves other operations undelayed', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], latency: '1s' }]);

    const response = await call(mock, 'GET', SCALING);

    expect(response.status).toBe(200);
    expect(mock.journal.entries()[0]?.fault).toBeNull();
  });
});

describe('status faults', () => {
  const faults: Fault[] = [
    { operations: ['getServices'], status: 500 },
    { operations: ['getScaling'], status: 502 },
    { operations: ['getDeployment'], status: 503 },
    { operations: ['createCloudFrontInvalidation'], status: 429, retryAfterSeconds: 7 },
  ];

  it('returns 500 for its operation', async () => {
    const mock = await startWithFaults(faults);

    const response = await call(mock, 'GET', SERVICES);

    expect(response.status).toBe(500);
    expect(response.body.message).toBe('There was an unexpected error.');
    expect(response.headers['x-mock-fault']).toBe('status 500');
  });

  it('returns 502 for its operation', async () => {
    const mock = await startWithFaults(faults);

    const response = await call(mock, 'GET', SCALING);

    expect(response.status).toBe(502);
    expect(response.body.errorCode).toBe('FC:Request:Error:BAD_GATEWAY');
    expect(response.body.message).toEqual(expect.any(String));
  });

  it('returns 503 with an errorCode', async () => {
    const mock = await startWithFaults(faults);

    const response = await call(mock, 'GET', DEPLOYMENT);

    expect(response.status).toBe(503);
    expect(response.body.errorCode).toBe('FC:Request:Error:SERVICE_UNAVAILABLE');
    expect(response.body.message).toEqual(expect.any(String));
  });

  it('returns 429 with Retry-After', async () => {
    const mock = await startWithFaults(faults);

    const response = await call(mock, 'POST', INVALIDATION, { json: { paths: ['/*'] } });

    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('7');
    expect(response.body.errorCode).toBe('FC:Request:Error:RATE_LIMITED');
  });

  it('defaults Retry-After to one second', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], status: 429 }]);

    const response = await call(mock, 'GET', SERVICES);

    expect(response.status).toBe(429);
    expect(response.headers['retry-after']).toBe('1');
  });

  it('spares operations not listed', async () => {
    const mock = await startWithFaults(faults);

    const scaling = await call(mock, 'POST', SCALING, { json: { operation: 'add', count: 1 } });
    const hook = await call(mock, 'GET', HOOK, { key: null });

    expect(scaling.status).toBe(200);
    expect(scaling.headers['x-mock-fault']).toBeUndefined();
    expect(hook.status).toBe(200);
    expect(hook.body.success).toBe(true);
  });

  it('hits every operation without a list', async () => {
    const mock = await startWithFaults([{ status: 503 }]);

    const services = await call(mock, 'GET', SERVICES);
    const hook = await call(mock, 'GET', HOOK, { key: null });

    expect(services.status).toBe(503);
    expect(hook.status).toBe(503);
  });

  it('skips a rejected request', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], status: 503 }]);

    const response = await call(mock, 'GET', `${SERVICES}?take=0`);

    expect(response.status).toBe(400);
    expect(response.headers['x-mock-fault']).toBeUndefined();
  });
});

describe('times', () => {
  it('fails exactly the next N calls', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], status: 503, times: 2 }]);

    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await call(mock, 'GET', SERVICES)).status);

    expect(statuses).toEqual([503, 503, 200, 200, 200]);
  });

  it('counts only matching calls', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], status: 503, times: 1 }]);

    const scaling = await call(mock, 'GET', SCALING);
    const first = await call(mock, 'GET', SERVICES);
    const second = await call(mock, 'GET', SERVICES);

    expect(scaling.status).toBe(200);
    expect(first.status).toBe(503);
    expect(second.status).toBe(200);
  });

  it('chains faults in order', async () => {
    const mock = await startWithFaults([
      { operations: ['getServices'], status: 500, times: 1 },
      { operations: ['getServices'], status: 503, times: 1 },
    ]);

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(mock, 'GET', SERVICES)).status);

    expect(statuses).toEqual([500, 503, 200]);
  });

  it('ignores calls the rate limit rejects', async () => {
    const mock = await startWithFaults([
      { rateLimit: { requests: 1, window: '10s' } },
      { operations: ['getServices'], status: 503, times: 1 },
    ]);

    const first = await call(mock, 'GET', SCALING);
    const limited = await call(mock, 'GET', SERVICES);
    mock.clock.advance('10s');
    const faulted = await call(mock, 'GET', SERVICES);

    expect(first.status).toBe(200);
    expect(limited.status).toBe(429);
    expect(faulted.status).toBe(503);
  });

  it('starts counting again after reset', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], status: 503, times: 1 }]);

    const before = await call(mock, 'GET', SERVICES);
    await call(mock, 'POST', '/__mock/reset');
    const afterReset = await call(mock, 'GET', SERVICES);

    expect(before.status).toBe(503);
    expect(afterReset.status).toBe(503);
  });
});

describe('probability', () => {
  const flaky: Fault[] = [{ operations: ['getServices'], status: 503, probability: 0.5 }];

  /** Sends 100 calls and returns one character per call: "x" for a fault, "." for a pass. */
  async function failurePattern(mock: Mock): Promise<string> {
    let pattern = '';
    for (let i = 0; i < 100; i++) {
      const response = await call(mock, 'GET', SERVICES);
      pattern += response.status === 503 ? 'x' : '.';
    }
    return pattern;
  }

  it('repeats the pattern with one seed', async () => {
    const first = await failurePattern(await startWithFaults(flaky, 11));
    const second = await failurePattern(await startWithFaults(flaky, 11));

    expect(first).toContain('x');
    expect(first).toContain('.');
    expect(second).toBe(first);
  });

  it('changes the pattern with another seed', async () => {
    const first = await failurePattern(await startWithFaults(flaky, 11));
    const other = await failurePattern(await startWithFaults(flaky, 12));

    expect(other).toContain('x');
    expect(other).not.toBe(first);
  });

  it('fails about half the calls', async () => {
    const pattern = await failurePattern(await startWithFaults(flaky, 11));
    const failures = pattern.split('').filter((mark) => mark === 'x').length;

    // The seed fixes the draws, so the count is the same on every run. A count outside
    // 26 to 74 of 100 draws at 0.5 would show that the probability is not applied.
    expect(failures).toBeGreaterThan(25);
    expect(failures).toBeLessThan(75);
  });
});

describe('dropped connection', () => {
  it('fails the request with a socket error', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], drop: true, times: 1 }]);

    const error = await send(mock.url, 'GET', SERVICES, mock.apiKey).then(
      () => null,
      (reason: unknown) => reason as NodeJS.ErrnoException,
    );

    expect(error).toBeInstanceOf(Error);
    expect(error?.code).toBe('ECONNRESET');
  });

  it('keeps serving after a drop', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], drop: true, times: 1 }]);

    await expect(send(mock.url, 'GET', SERVICES, mock.apiKey)).rejects.toThrow();
    const next = await call(mock, 'GET', SERVICES);
    const health = await call(mock, 'GET', '/health', { key: null });

    expect(next.status).toBe(200);
    expect(health.status).toBe(200);
  });
});

describe('rate limit', () => {
  const limited: Fault[] = [{ rateLimit: { requests: 3, window: '10s' } }];

  it('lets the limit through', async () => {
    const mock = await startWithFaults(limited);

    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(mock, 'GET', SERVICES)).status);
    const fourth = await call(mock, 'GET', SERVICES);

    expect(statuses).toEqual([200, 200, 200]);
    expect(fourth.status).toBe(429);
    expect(fourth.headers['retry-after']).toBe('10');
  });

  it('reports seconds until a slot frees', async () => {
    const mock = await startWithFaults(limited);

    // Calls at 0 s, 2 s and 4 s fill the window. A call at 5 s must wait 5 s, until the
    // first call leaves the window at 10 s.
    const first = await call(mock, 'GET', SERVICES);
    mock.clock.advance('2s');
    const second = await call(mock, 'GET', SCALING);
    mock.clock.advance('2s');
    const third = await call(mock, 'GET', SERVICES);
    mock.clock.advance('1s');
    const blocked = await call(mock, 'GET', SERVICES);

    expect([first.status, second.status, third.status]).toEqual([200, 200, 200]);
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBe('5');
  });

  it('frees a slot after the window', async () => {
    const mock = await startWithFaults(limited);

    await call(mock, 'GET', SERVICES);
    mock.clock.advance('2s');
    await call(mock, 'GET', SERVICES);
    await call(mock, 'GET', SERVICES);
    mock.clock.advance('8s');
    const freed = await call(mock, 'GET', SERVICES);
    const blocked = await call(mock, 'GET', SERVICES);

    expect(freed.status).toBe(200);
    expect(blocked.status).toBe(429);
    expect(blocked.headers['retry-after']).toBe('2');
  });

  it('does not count rejected calls', async () => {
    const mock = await startWithFaults(limited);

    for (let i = 0; i < 3; i++) await call(mock, 'GET', SERVICES);
    for (let i = 0; i < 5; i++) await call(mock, 'GET', SERVICES);
    mock.clock.advance('10s');
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(mock, 'GET', SERVICES)).status);

    expect(statuses).toEqual([200, 200, 200]);
  });
});

describe('fault journal', () => {
  it('records the fault and status', async () => {
    const mock = await startWithFaults([
      { operations: ['getServices'], status: 503, times: 1 },
      { operations: ['getScaling'], latency: 30 },
    ]);

    await call(mock, 'GET', SERVICES);
    await call(mock, 'GET', SERVICES);
    await call(mock, 'GET', SCALING);
    const entries = mock.journal.entries();

    expect(entries.map((entry) => entry.status)).toEqual([503, 200, 200]);
    expect(entries.map((entry) => entry.fault)).toEqual(['status 503', null, 'latency 30 ms']);
  });

  it('records a drop as status 0', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], drop: true, times: 1 }]);

    await expect(send(mock.url, 'GET', SERVICES, mock.apiKey)).rejects.toThrow();
    await call(mock, 'GET', SERVICES);
    const entries = mock.journal.entries();

    expect(entries).toHaveLength(2);
    expect(entries[0]?.status).toBe(0);
    expect(entries[0]?.fault).toBe('drop');
    expect(entries[1]?.status).toBe(200);
  });

  it('names the rate limit', async () => {
    const mock = await startWithFaults([{ rateLimit: { requests: 1, window: '1m' } }]);

    await call(mock, 'GET', SERVICES);
    await call(mock, 'GET', SERVICES);
    const rejected = mock.journal.entries({ status: '429' });

    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.fault).toMatch(/^rate limit 1 per 60000 ms$/);
  });

  it('serves the journal over HTTP', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], status: 502, times: 1 }]);

    await call(mock, 'GET', SERVICES);
    const journal = await call(mock, 'GET', '/__mock/journal?status=5xx');

    expect(journal.status).toBe(200);
    expect(journal.body.entries).toHaveLength(1);
    expect(journal.body.entries[0].fault).toBe('status 502');
  });
});

describe('control API', () => {
  it('never gets a status fault', async () => {
    const mock = await startWithFaults([{ status: 503 }, { rateLimit: { requests: 1, window: '1h' } }]);

    const controlPaths = ['/__mock/world', '/__mock/clock', '/__mock/journal', '/__mock/scenario', '/__mock/coverage'];
    const responses: TestResponse[] = [];
    for (const path of controlPaths) {
      responses.push(await call(mock, 'GET', path));
      responses.push(await call(mock, 'GET', path));
    }
    const services = await call(mock, 'GET', SERVICES);

    expect(responses.map((response) => response.status)).toEqual(controlPaths.flatMap(() => [200, 200]));
    expect(responses.filter((response) => response.headers['x-mock-fault'] !== undefined)).toEqual([]);
    expect(services.status).toBe(503);
  });

  it('never drops or delays', async () => {
    const mock = await startWithFaults([{ drop: true }, { latency: '5s' }]);

    const { response, elapsedMs } = await timed(call(mock, 'POST', '/__mock/clock', { json: { advanceMs: 1000 } }));

    expect(response.status).toBe(200);
    expect(elapsedMs).toBeLessThan(4000);
  });

  it('leaves control calls out of the journal', async () => {
    const mock = await startWithFaults([{ operations: ['getServices'], status: 503 }]);

    await call(mock, 'GET', '/__mock/world');
    await call(mock, 'GET', SERVICES);

    expect(mock.journal.entries().map((entry) => entry.operationId)).toEqual(['getServices']);
  });
});
