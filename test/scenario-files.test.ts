import { spawn } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { Ajv } from 'ajv';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import { startMock, type Mock, type Scenario } from '../src/index.js';
import { callMock, pollDeployment, triggerDeploy } from './helpers/scenario-client.js';
import { FIXTURE_WORLD } from './helpers/test-server.js';

const PROJECT_ROOT = new URL('..', import.meta.url).pathname;
const SCHEMA_FILE = join(PROJECT_ROOT, 'spec/scenario.schema.json');

// Stage times of the YAML scenario's default plan, in ms after the deploy hook call:
// pending 1s, inProgress 2s, building 10m, deploying 90s, and no per-service jitter.
const YAML_SCENARIO = `# Releases fail to build, except on the worker.
name: release-checks
description: Release builds fail, hotfixes fail to deploy.
seed: 7
world:
  fixture: ../fixtures/world.json
deployments:
  stages:
    pending: 1s
    inProgress: 2s
    building: 10m
    deploying: 90s
  serviceJitter: 0s
  rules:
    - match:
        environment: production
        branch: release
        commit: abc1
      outcome: BUILD_ERROR
      services:
        worker:
          outcome: SUCCESS
        svc_cron:
          outcome: DEPLOY_ERROR
          stages:
            deploying: 30s
    - match:
        environment: env_1
        branch: hotfix
      stages:
        building: 30s
      outcome: DEPLOY_ERROR
invalidations:
  duration: 10m
`;

const JSON_SCENARIO = {
  $schema: 'https://flightcontrol-mock.dev/scenario.schema.json',
  name: 'numeric-durations',
  world: { fixture: 'fixtures/world.json' },
  deployments: {
    stages: { pending: 2_000, inProgress: 3_000, building: 60_000, deploying: 45_000 },
    serviceJitter: 0,
    rules: [{ match: { environment: 'production' }, services: { db: { outcome: 'ERROR' } } }],
  },
  invalidations: { duration: 90_000 },
};

let folder: string;
let yamlFile: string;
let jsonFile: string;

beforeAll(async () => {
  folder = await mkdtemp(join(tmpdir(), 'fc-mock-scenarios-'));
  await mkdir(join(folder, 'fixtures'));
  await mkdir(join(folder, 'yaml'));
  await copyFile(FIXTURE_WORLD, join(folder, 'fixtures/world.json'));

  yamlFile = join(folder, 'yaml/release-checks.yaml');
  jsonFile = join(folder, 'numeric-durations.json');
  await writeFile(yamlFile, YAML_SCENARIO);
  await writeFile(jsonFile, JSON.stringify(JSON_SCENARIO, null, 2));
});

afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Reads a deployment after setting the clock to `offsetMs` past `startMs`. */
async function deploymentAt(mock: Mock, deploymentId: string, startMs: number, offsetMs: number) {
  mock.clock.set(startMs + offsetMs);
  const response = await callMock(mock, 'GET', `/v1/deployments/${deploymentId}`);
  expect(response.status).toBe(200);
  return response.body;
}

function serviceStatuses(deployment: { serviceDeployments: { service: { serviceId: string }; status: string }[] }): Record<string, string> {
  return Object.fromEntries(deployment.serviceDeployments.map((item) => [item.service.serviceId, item.status]));
}

function serviceErrors(deployment: { serviceDeployments: { service: { serviceId: string }; error: string | null }[] }): Record<string, string | null> {
  return Object.fromEntries(deployment.serviceDeployments.map((item) => [item.service.serviceId, item.error]));
}

describe('YAML scenario file', () => {
  let mock: Mock;
  let startMs: number;

  afterEach(async () => {
    await mock.close();
  });

  async function start(): Promise<Mock> {
    mock = await startMock({ scenario: yamlFile });
    startMs = mock.clock.now().getTime();
    return mock;
  }

  async function deploy(query = ''): Promise<string> {
    return triggerDeploy(mock, `${mock.deployHookUrl('production')}${query}`);
  }

  it('loads the fixture beside it', async () => {
    await start();

    const services = await callMock(mock, 'GET', '/v1/services');

    expect(mock.scenario.name).toBe('release-checks');
    expect(mock.apiKey).toBe('test-key');
    expect(services.status).toBe(200);
    expect(services.body.services.map((service: { id: string }) => service.id)).toContain('svc_worker');
  });

  it('applies string stage durations', async () => {
    await start();
    const id = await deploy();

    expect((await deploymentAt(mock, id, startMs, 999)).status).toBe('PENDING');
    expect((await deploymentAt(mock, id, startMs, 1_000)).status).toBe('INPROGRESS');
    expect((await deploymentAt(mock, id, startMs, 2_999)).status).toBe('INPROGRESS');
    expect((await deploymentAt(mock, id, startMs, 3_000)).status).toBe('BUILDING');
    expect((await deploymentAt(mock, id, startMs, 602_999)).status).toBe('BUILDING');
    expect((await deploymentAt(mock, id, startMs, 603_000)).status).toBe('DEPLOYING');
    expect((await deploymentAt(mock, id, startMs, 692_999)).status).toBe('DEPLOYING');
    expect((await deploymentAt(mock, id, startMs, 693_000)).status).toBe('SUCCESS');
  });

  it('matches givenId, branch and commit prefix', async () => {
    await start();
    const id = await deploy('?branch=release&commit=abc1f00dcafe');

    const final = (await pollDeployment(mock, id)).body;

    expect(final.status).toBe('BUILD_ERROR');
    expect(serviceStatuses(final)).toEqual({
      svc_1: 'BUILD_ERROR',
      svc_static: 'BUILD_ERROR',
      svc_db: 'BUILD_ERROR',
      svc_worker: 'SUCCESS',
      svc_cron: 'DEPLOY_ERROR',
    });
    expect(serviceErrors(final).svc_worker).toBeNull();
    expect(serviceErrors(final).svc_1).toEqual(expect.stringContaining('Build failed'));
    expect(serviceErrors(final).svc_cron).toEqual(expect.stringContaining('Deploy failed'));
  });

  it('overrides stages per service', async () => {
    await start();
    const id = await deploy('?branch=release&commit=abc1f00dcafe');

    // The cron override deploys for 30 s, while the worker keeps the scenario's 90 s.
    const midway = await deploymentAt(mock, id, startMs, 633_000);

    expect(serviceStatuses(midway).svc_cron).toBe('DEPLOY_ERROR');
    expect(serviceStatuses(midway).svc_worker).toBe('DEPLOYING');
    expect(midway.status).toBe('DEPLOYING');
  });

  it('ignores a different commit prefix', async () => {
    await start();
    const id = await deploy('?branch=release&commit=abd1f00dcafe');

    const final = (await pollDeployment(mock, id)).body;

    expect(final.status).toBe('SUCCESS');
    expect(new Set(Object.values(serviceStatuses(final)))).toEqual(new Set(['SUCCESS']));
  });

  it('ignores a different branch', async () => {
    await start();
    const id = await deploy('?branch=main&commit=abc1f00dcafe');

    const final = (await pollDeployment(mock, id)).body;

    expect(final.status).toBe('SUCCESS');
  });

  it('matches an environment id', async () => {
    await start();
    const id = await deploy('?branch=hotfix');

    expect((await deploymentAt(mock, id, startMs, 32_999)).status).toBe('BUILDING');
    expect((await deploymentAt(mock, id, startMs, 33_000)).status).toBe('DEPLOYING');
    expect((await deploymentAt(mock, id, startMs, 122_999)).status).toBe('DEPLOYING');
    expect((await deploymentAt(mock, id, startMs, 123_000)).status).toBe('DEPLOY_ERROR');
  });

  it('sets the invalidation duration', async () => {
    await start();
    const created = await callMock(mock, 'POST', '/v1/services/svc_static/cloudfront/invalidation', { json: { paths: ['/*'] } });
    expect(created.status).toBe(200);
    const statusPath = `/v1/cloudfront/invalidation/${created.body.invalidationId}`;

    mock.clock.set(startMs + 599_999);
    const before = await callMock(mock, 'GET', statusPath);
    mock.clock.set(startMs + 600_000);
    const after = await callMock(mock, 'GET', statusPath);

    expect(before.body.status).toBe('InProgress');
    expect(after.body.status).toBe('Completed');
  });
});

describe('JSON scenario file', () => {
  let mock: Mock;
  let startMs: number;

  afterEach(async () => {
    await mock.close();
  });

  async function start(): Promise<Mock> {
    mock = await startMock({ scenario: jsonFile });
    startMs = mock.clock.now().getTime();
    return mock;
  }

  it('loads the fixture beside it', async () => {
    await start();

    const services = await callMock(mock, 'GET', '/v1/services?type=static');

    expect(mock.scenario.name).toBe('numeric-durations');
    expect(services.body.services.map((service: { id: string }) => service.id)).toEqual(['svc_static']);
  });

  it('applies numeric stage durations', async () => {
    await start();
    const id = await triggerDeploy(mock, mock.deployHookUrl('env_1'));

    expect((await deploymentAt(mock, id, startMs, 1_999)).status).toBe('PENDING');
    expect((await deploymentAt(mock, id, startMs, 2_000)).status).toBe('INPROGRESS');
    expect((await deploymentAt(mock, id, startMs, 5_000)).status).toBe('BUILDING');
    expect((await deploymentAt(mock, id, startMs, 65_000)).status).toBe('DEPLOYING');
    expect((await deploymentAt(mock, id, startMs, 109_999)).status).toBe('DEPLOYING');
    expect((await deploymentAt(mock, id, startMs, 110_000)).status).toBe('ERROR');
  });

  it('overrides the outcome of one service', async () => {
    await start();
    const id = await triggerDeploy(mock, mock.deployHookUrl('env_1'));

    const final = (await pollDeployment(mock, id)).body;

    expect(serviceStatuses(final).svc_db).toBe('ERROR');
    expect(serviceErrors(final).svc_db).toEqual(expect.any(String));
    expect(serviceStatuses(final).svc_1).toBe('SUCCESS');
    expect(serviceErrors(final).svc_1).toBeNull();
  });

  it('sets the invalidation duration', async () => {
    await start();
    const created = await callMock(mock, 'POST', '/v1/services/svc_static/cloudfront/invalidation', { json: { paths: ['/index.html'] } });
    const statusPath = `/v1/cloudfront/invalidation/${created.body.invalidationId}`;

    mock.clock.set(startMs + 89_999);
    const before = await callMock(mock, 'GET', statusPath);
    mock.clock.set(startMs + 90_000);
    const after = await callMock(mock, 'GET', statusPath);

    expect(before.body.status).toBe('InProgress');
    expect(after.body.status).toBe('Completed');
  });
});

/** Starts a mock that is expected to fail and returns the error it fails with. */
async function startupError(scenario: string): Promise<Error> {
  let mock: Mock;
  try {
    mock = await startMock({ scenario });
  } catch (error) {
    return error as Error;
  }
  await mock.close();
  throw new Error(`startMock accepted the scenario ${scenario}`);
}

describe('invalid scenario file', () => {
  async function write(name: string, text: string): Promise<string> {
    const file = join(folder, name);
    await writeFile(file, text);
    return file;
  }

  it.each([
    ['unknown field', 'unknown-field.yaml', 'name: typo\ndeployments:\n  stage:\n    pending: 1s\n', 'deployments: ', "unknown field 'stage'"],
    [
      'wrong enum',
      'wrong-enum.yaml',
      'name: enum\ndeployments:\n  rules:\n    - match: { branch: main }\n      outcome: FAILED\n',
      'deployments.rules[0].outcome: ',
      'must be one of "SUCCESS", "NO_CHANGE", "BUILD_ERROR", "DEPLOY_ERROR", "ERROR", "CANCELLED", got "FAILED"',
    ],
    [
      'bad duration string',
      'bad-duration.yaml',
      'name: duration\ninvalidations:\n  duration: 10 minutes\n',
      'invalidations.duration: ',
      'must be a duration in milliseconds or a string such as "90s" or "10m", got "10 minutes"',
    ],
    [
      'negative duration',
      'negative-duration.json',
      '{"name": "negative", "scaling": {"transition": -5}}',
      'scaling.transition: ',
      'must be a duration',
    ],
    [
      'bad latency',
      'bad-latency.yaml',
      'name: latency\nfaults:\n  - latency: { min: 1s }\n',
      'faults[0].latency: ',
      'must be a duration in milliseconds, a string such as "50ms", or a range { min, max } of two durations',
    ],
    [
      'unknown operationId',
      'unknown-operation.yaml',
      'name: operation\nfaults:\n  - operations: [getServices, getDeploymnet]\n    status: 503\n',
      'faults[0].operations[1]: ',
      "unknown operationId 'getDeploymnet'; expected one of getDeployment",
    ],
    [
      'fault without effect',
      'no-effect.yaml',
      'name: no-effect\nfaults:\n  - operations: [getServices]\n    probability: 0.5\n',
      'faults[0]: ',
      'has no effect; set latency, status, drop or rateLimit',
    ],
    [
      'wrong fault status',
      'fault-status.json',
      '{"name": "status", "faults": [{"status": 404}]}',
      'faults[0].status: ',
      'must be one of 429, 500, 502, 503, got 404',
    ],
    ['missing name', 'no-name.yaml', 'seed: 3\n', '(top level): ', "missing required field 'name'"],
  ])('rejects %s', async (_label, name, text, field, expected) => {
    const file = await write(name, text);

    const error = await startupError(file);

    expect(error.message).toContain(file);
    expect(error.message).toContain(field);
    expect(error.message).toContain(expected);
  });

  it('lists every problem at once', async () => {
    const file = await write('two-problems.yaml', 'name: two\nseed: -1\njobs:\n  runing: 30s\n');

    const error = await startupError(file);

    expect(error.message).toContain('seed: must be >= 0, got -1');
    expect(error.message).toContain("jobs: unknown field 'runing'");
  });

  it('explains an invalid latency range', async () => {
    const file = await write('latency-range.yaml', 'name: latency\nfaults:\n  - latency: { min: 80ms, max: 20ms }\n');

    const error = await startupError(file);

    expect(error.message).toContain(file);
    expect(error.message).toContain('faults[0].latency: max (20 ms) is below min (80 ms)');
  });

  it('explains a bad latency bound', async () => {
    const file = await write('latency-bound.yaml', 'name: latency\nfaults:\n  - latency: { min: fast, max: 20ms }\n');

    const error = await startupError(file);

    expect(error.message).toContain('faults[0].latency.min: must be a duration');
    expect(error.message).not.toContain('faults[0].latency: ');
  });

  it('rejects a missing file', async () => {
    const file = join(folder, 'does-not-exist.yaml');

    const error = await startupError(file);

    expect(error.message).toContain(`Cannot read scenario file ${file}`);
    expect(error.message).toContain('ENOENT');
  });

  it('rejects a folder', async () => {
    const error = await startupError(join(folder, 'yaml'));

    expect(error.message).toContain(`Cannot read scenario file ${join(folder, 'yaml')}`);
  });

  it('rejects invalid YAML', async () => {
    const file = await write('broken.yaml', 'name: [unclosed\nseed: 1\n');

    const error = await startupError(file);

    expect(error.message).toContain(`Invalid YAML or JSON in scenario file ${file}`);
    expect(error.message).toMatch(/line \d+, column \d+/);
  });

  it('rejects an empty file', async () => {
    const file = await write('empty.yaml', '');

    const error = await startupError(file);

    expect(error.message).toContain(file);
    expect(error.message).toContain('(top level): must be object');
  });

  it('names a missing fixture path', async () => {
    await mkdir(join(folder, 'nested'), { recursive: true });
    const file = await write('nested/missing-fixture.yaml', 'name: missing-fixture\nworld:\n  fixture: ../no-such-world.json\n');

    const error = await startupError(file);

    expect(error.message).toContain(join(folder, 'no-such-world.json'));
  });

  it('rejects an unknown built-in name', async () => {
    const error = await startupError('flaky');

    expect(error.message).toContain("Unknown scenario 'flaky'");
    expect(error.message).toContain('flaky-network');
  });
});

describe('--scenario with an invalid file', () => {
  it('exits 2 naming the file', { timeout: 30_000 }, async () => {
    const file = join(folder, 'cli-invalid.yaml');
    await writeFile(file, 'name: cli\ndeployments:\n  outcome: MAYBE\n');

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', '--scenario', file, '--port', '0'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    // The CLI exits by itself, so the timer only ends a run that hangs.
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    clearTimeout(timer);

    expect(code).toBe(2);
    expect(stderr).toContain(file);
    expect(stderr).toContain('deployments.outcome: must be one of');
    expect(stderr).not.toContain('    at ');
  });
});

// Every property of T made required, all the way down, so that the object below fails
// the type check when the Scenario type gains a field it does not set.
type Complete<T> = T extends readonly (infer Item)[] ? Complete<Item>[] : T extends object ? { [Key in keyof T]-?: Complete<T[Key]> } : T;

const STAGES = { pending: '5s', inProgress: 10_000, building: '2m', deploying: '1.5m' } as const;

const FULL_SCENARIO: Complete<Scenario> = {
  $schema: 'https://flightcontrol-mock.dev/scenario.schema.json',
  name: 'everything',
  description: 'Sets every field that a scenario has.',
  seed: 7,
  world: {
    fixture: 'fixtures/world.json',
    projects: 2,
    minServices: 40,
    apiKeys: ['fc_full_key_0001'],
    explicit: {
      projects: [{ id: 'prj_1', name: 'Demo' }],
      environments: [{ id: 'env_1', projectId: 'prj_1', givenId: 'production', name: 'Production', type: 'standard', region: 'us-east-1' }],
      services: [{ id: 'svc_1', environmentId: 'env_1', projectId: 'prj_1', givenId: 'web', name: 'Web', type: 'web' }],
    },
  },
  keys: {
    accept: 'listed',
    revoked: ['fc_old_key_0001'],
    limited: [{ key: 'fc_full_key_0001', projects: ['prj_1'] }],
  },
  deployments: {
    stages: STAGES,
    outcome: 'SUCCESS',
    serviceJitter: '5s',
    rules: [
      {
        match: { environment: 'production', branch: 'main', commit: 'abc1' },
        stages: STAGES,
        outcome: 'BUILD_ERROR',
        services: { web: { stages: STAGES, outcome: 'DEPLOY_ERROR' } },
      },
    ],
  },
  invalidations: { duration: '10m' },
  scaling: { transition: '30s' },
  envVariables: { managedSecretDelay: 10_000 },
  jobs: { initializing: '5s', running: '30s' },
  faults: [
    {
      operations: ['getServices'],
      latency: { min: '20ms', max: '80ms' },
      status: 503,
      retryAfterSeconds: 3,
      drop: false,
      probability: 0.5,
      times: 2,
      rateLimit: { requests: 5, window: '10s' },
    },
    {
      operations: ['getDeployment', 'triggerDeployHook'],
      latency: 50,
      status: 429,
      retryAfterSeconds: 10,
      drop: false,
      probability: 1,
      times: 1,
      rateLimit: { requests: 1, window: 1_000 },
    },
  ],
};

type SchemaNode = Record<string, unknown>;

/** Follows a local "#/definitions/..." reference. */
function resolveReference(node: SchemaNode, root: SchemaNode): SchemaNode {
  const reference = node.$ref;
  if (typeof reference !== 'string') return node;
  return reference
    .replace(/^#\//, '')
    .split('/')
    .reduce<SchemaNode>((current, segment) => current[segment] as SchemaNode, root);
}

/**
 * Lists the paths of every property the schema declares, such as
 * "deployments.rules[].services.*.stages.pending", where [] is an array item and * a
 * value of a map keyed by the user.
 */
function schemaPropertyPaths(node: SchemaNode, root: SchemaNode, path: string, paths: Set<string>): Set<string> {
  const schema = resolveReference(node, root);
  for (const [name, child] of Object.entries((schema.properties ?? {}) as Record<string, SchemaNode>)) {
    paths.add(`${path}.${name}`);
    schemaPropertyPaths(child, root, `${path}.${name}`, paths);
  }
  if (typeof schema.items === 'object') schemaPropertyPaths(schema.items as SchemaNode, root, `${path}[]`, paths);
  if (typeof schema.additionalProperties === 'object') schemaPropertyPaths(schema.additionalProperties as SchemaNode, root, `${path}.*`, paths);
  for (const branch of (schema.anyOf ?? []) as SchemaNode[]) schemaPropertyPaths(branch, root, path, paths);
  return paths;
}

/** Lists the schema property paths that a value sets, in the notation of schemaPropertyPaths. */
function valuePropertyPaths(node: SchemaNode, root: SchemaNode, value: unknown, path: string, paths: Set<string>): Set<string> {
  const schema = resolveReference(node, root);
  if (Array.isArray(value)) {
    if (typeof schema.items === 'object') for (const item of value) valuePropertyPaths(schema.items as SchemaNode, root, item, `${path}[]`, paths);
  } else if (typeof value === 'object' && value !== null) {
    const properties = (schema.properties ?? {}) as Record<string, SchemaNode>;
    for (const [name, child] of Object.entries(value)) {
      const declared = properties[name];
      if (declared !== undefined) {
        paths.add(`${path}.${name}`);
        valuePropertyPaths(declared, root, child, `${path}.${name}`, paths);
      } else if (typeof schema.additionalProperties === 'object') {
        valuePropertyPaths(schema.additionalProperties as SchemaNode, root, child, `${path}.*`, paths);
      }
    }
  }
  for (const branch of (schema.anyOf ?? []) as SchemaNode[]) valuePropertyPaths(branch, root, value, path, paths);
  return paths;
}

describe('scenario schema and type', () => {
  let schema: SchemaNode;

  beforeAll(async () => {
    schema = JSON.parse(await readFile(SCHEMA_FILE, 'utf8')) as SchemaNode;
  });

  it('accepts a fully set scenario', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

    const valid = validate(FULL_SCENARIO);

    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('declares only fields the type has', () => {
    const declared = schemaPropertyPaths(schema, schema, '', new Set());
    const used = valuePropertyPaths(schema, schema, FULL_SCENARIO, '', new Set());

    const missing = [...declared].filter((path) => !used.has(path));

    expect(declared.size).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('requires only the name', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);
    const minimal: Scenario = { name: 'minimal' };

    expect(validate(minimal)).toBe(true);
    expect(validate({})).toBe(false);
  });

  it('rejects a field the type lacks', () => {
    const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

    expect(validate({ ...FULL_SCENARIO, deployments: { ...FULL_SCENARIO.deployments, retries: 3 } })).toBe(false);
  });
});
