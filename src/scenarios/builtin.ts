import type { Scenario } from './scenario.js';

/**
 * The built-in scenarios, picked by name with --scenario or startMock({ scenario }). Each
 * covers one situation a client must handle; a test runs a client through each of them.
 */
export const BUILTIN_SCENARIOS: Record<string, Scenario> = {
  default: {
    name: 'default',
    description: 'A generated account where everything succeeds. Any key of the documented form gets its own tenant.',
  },
  'build-error': {
    name: 'build-error',
    description: 'Every deployment fails while building: the services end in BUILD_ERROR.',
    deployments: { outcome: 'BUILD_ERROR' },
  },
  'deploy-error': {
    name: 'deploy-error',
    description: 'Every deployment builds, then fails while deploying: the services end in DEPLOY_ERROR.',
    deployments: { outcome: 'DEPLOY_ERROR' },
  },
  'slow-invalidation': {
    name: 'slow-invalidation',
    description: 'CloudFront invalidations take 15 minutes to complete, beyond a typical 10-minute client timeout.',
    invalidations: { duration: '15m' },
  },
  'flaky-network': {
    name: 'flaky-network',
    description: 'One call in five fails: 503, 502 or a dropped connection, drawn from the seed, after 20 to 80 ms of latency.',
    faults: [
      { latency: { min: '20ms', max: '80ms' } },
      { status: 503, probability: 0.1 },
      { status: 502, probability: 0.05 },
      { drop: true, probability: 0.05 },
    ],
  },
  'rate-limited': {
    name: 'rate-limited',
    description: 'At most 5 calls per simulated 10 seconds per tenant; the rest get 429 with Retry-After.',
    faults: [{ rateLimit: { requests: 5, window: '10s' } }],
  },
  'empty-account': {
    name: 'empty-account',
    description: 'An account with no projects, environments or services.',
    world: { projects: 0 },
  },
  'revoked-key': {
    name: 'revoked-key',
    description: "The tenant's API key was revoked: every call with it gets 401 Invalid API key. Deploy hooks still work.",
    world: { apiKeys: ['fc_revoked_key_0001'] },
    keys: { accept: 'listed', revoked: ['fc_revoked_key_0001'] },
  },
};
