import type { Tenant } from './state/tenants.js';

/**
 * Formats the start-up banner: where the server listens, a working API key, the deploy-hook URLs
 * of the seeded environments, a CloudFront-fronted service to invalidate, and how to stop.
 */
export function formatBanner(address: string, tenant: Tenant, version: string): string {
  const base = address.replace('://0.0.0.0', '://127.0.0.1').replace('://[::]', '://127.0.0.1');
  const key = tenant.definition.apiKeys[0] ?? '';
  const world = tenant.world;
  const lines = [
    `flightcontrol-mock ${version} is serving the Flightcontrol API at ${base}`,
    '',
    `  API key        ${key}`,
    `                 send it as: Authorization: Bearer ${key}`,
    '',
    '  Deploy hooks',
  ];

  for (const environment of world.environments.values()) {
    const hook = environment.deployHook;
    if (hook == null) continue;
    const project = world.projects.get(environment.projectId)?.name ?? environment.projectId;
    const url = `${base}/api/deploy-hook/${hook.envId}/${hook.secret}`;
    const suffix = environment.type === 'preview' ? '/PR_NUMBER/COMMIT_SHA' : '';
    lines.push(`    ${project} / ${environment.name}: ${url}${suffix}`);
  }

  const sites = [...world.services.values()].filter((service) => service.cloudfront);
  const site = sites.find((service) => service.type === 'static') ?? sites[0];
  if (site !== undefined) {
    lines.push(
      '',
      `  CloudFront     service ${site.id} (${site.name}, ${site.type}) fronts a distribution; invalidate it with:`,
      `    curl -X POST ${base}/v1/services/${site.id}/cloudfront/invalidation \\`,
      `      -H 'Authorization: Bearer ${key}' -H 'Content-Type: application/json' -d '{"paths":["/*"]}'`,
    );
  }

  lines.push(
    '',
    `  Scenario       ${tenant.scenario.name}${tenant.scenario.keys.acceptAny ? '; any other key of 8 to 128 letters, digits, _ - or . gets a fresh world' : ''}`,
  );
  lines.push('', `  Clock          ${describeClock(tenant)}`, '  Stop           press Ctrl+C, or send SIGTERM', '');
  return `${lines.join('\n')}\n`;
}

function describeClock(tenant: Tenant): string {
  if (tenant.clock.mode === 'manual') return 'manual: time moves only through POST /__mock/clock';
  if (tenant.clock.mode === 'scaled') return 'scaled: simulated time runs faster than real time';
  return 'real time';
}
