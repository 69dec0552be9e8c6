// The vitest example from the README, kept here so that it keeps working. Only the import
// differs: a user imports from 'flightcontrol-mock'.
import { afterAll, beforeAll, expect, it } from 'vitest';

import { startMock, type Mock } from '../src/index.js';

let mock: Mock;

beforeAll(async () => {
  mock = await startMock({ scenario: 'build-error' });
});

afterAll(async () => {
  await mock.close();
});

it('reports a failed build', async () => {
  const hook = (await fetch(mock.deployHookUrl('production')).then((response) => response.json())) as { deploymentId: string };

  mock.clock.advance('10m');
  const deployment = await fetch(`${mock.url}/v1/deployments/${hook.deploymentId}`, {
    headers: { Authorization: `Bearer ${mock.apiKey}` },
  }).then((response) => response.json() as Promise<{ status: string }>);

  expect(deployment.status).toBe('BUILD_ERROR');
  expect(mock.journal.entries({ operationId: 'getDeployment' })).toHaveLength(1);
});
