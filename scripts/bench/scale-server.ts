// A mock server filled with many tenants and objects before it listens, for the scale
// benchmark. Arguments: tenants, objects per tenant (half deployments, half
// invalidations), services of the first tenant. Prints its URL and the ids to read.
import { createDeployment } from '../../src/state/deployments.js';
import { createInvalidation } from '../../src/state/invalidations.js';
import { createMockServer } from '../../src/server/mock-server.js';
import type { Scenario } from '../../src/scenarios/scenario.js';

const [tenantCount = 1, objectsPerTenant = 0, firstTenantServices = 6] = process.argv.slice(2).map(Number);

// The first two services are deployed. The rest sit in a second environment, so that a
// deployment covers two services while the services list of the first tenant is long.
const services = Array.from({ length: Math.max(firstTenantServices, 2) }, (_, index) => ({
  id: `svc_${index}`,
  environmentId: index < 2 ? 'env_1' : 'env_2',
  projectId: 'prj_1',
  givenId: `service-${index}`,
  name: `Service ${index}`,
  type: index === 0 ? 'static' : 'web',
  cloudfront: true,
  desiredCount: 1,
}));
const scenario: Scenario = {
  name: 'scale',
  world: {
    apiKeys: ['bench-key-0'],
    explicit: {
      projects: [{ id: 'prj_1', name: 'Bench' }],
      environments: [{ id: 'env_1', projectId: 'prj_1', givenId: 'production', name: 'Production', type: 'standard', region: 'us-east-1', deployHook: { envId: 1, secret: 'bench-secret' } }],
      services: services.slice(0, 2),
    },
  },
  keys: { accept: 'any' },
  deployments: { serviceJitter: 0 },
  invalidations: { duration: 0 },
};

const mock = await createMockServer({ scenario, clock: { mode: 'manual', startMs: Date.parse('2026-01-01T00:00:00Z') } });

// Every tenant gets the two-service world of a CI job's fresh key. The first one also
// gets the long list of services in a second environment.
const largeWorld = {
  ...mock.scenario.world,
  environments: [...mock.scenario.world.environments, { id: 'env_2', projectId: 'prj_1', givenId: 'catalog', name: 'Catalog', type: 'standard' as const, region: 'us-east-1' }],
  services,
};
mock.registry.loadScenario(mock.tenant, { ...mock.scenario, world: largeWorld });
let firstDeployment = '';
let firstInvalidation = '';
for (let index = 0; index < tenantCount; index++) {
  const tenant = index === 0 ? mock.tenant : resolveTenant(`bench-key-${index}`);
  const environment = tenant.world.environments.get('env_1');
  if (environment === undefined) throw new Error('The bench world lost its environment.');

  for (let count = 0; count < objectsPerTenant / 2; count++) {
    const deployment = createDeployment(tenant, environment, { force: false });
    const invalidation = createInvalidation(tenant, 'svc_0', ['/index.html']);
    tenant.clock.advance(1);
    if (index === 0 && count === 0) {
      firstDeployment = deployment.id;
      firstInvalidation = invalidation.id;
    }
  }
}

function resolveTenant(key: string) {
  const resolution = mock.registry.authenticate(key);
  if ('error' in resolution) throw new Error(`The bench key ${key} was rejected as invalid.`);
  return resolution.tenant;
}

const address = await mock.app.listen({ port: 0, host: '127.0.0.1' });
process.stdout.write(`listening ${address} ${firstDeployment} ${firstInvalidation}\n`);
process.on('SIGTERM', () => void mock.app.close().then(() => process.exit(0)));
