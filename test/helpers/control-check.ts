import type { Operation } from 'openapi-backend';

import { loadContract } from '../../src/server/contract.js';
import type { ResponseRecord } from './contract-check.js';

interface ControlRoute {
  method: string;
  pattern: RegExp;
  operation: Operation;
}

let cachedRoutes: Promise<ControlRoute[]> | undefined;

function loadRoutes(): Promise<ControlRoute[]> {
  cachedRoutes ??= loadContract('control').then((contract) =>
    contract.operations.map((operation) => ({
      method: operation.method.toUpperCase(),
      pattern: new RegExp(`^${operation.path.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      operation,
    })),
  );
  return cachedRoutes;
}

/**
 * Throws an error that names the operation, status and failing fields when a /__mock/
 * response breaks spec/control-api.yml. The Flightcontrol contract check skips these
 * paths, so every control response a test receives goes through here instead.
 */
export async function assertControlResponseMatchesContract(response: ResponseRecord): Promise<void> {
  const where = `${response.method} ${response.path} -> ${response.status}`;
  const pathOnly = response.path.split('?')[0] ?? response.path;
  if (!pathOnly.startsWith('/__mock/')) throw new Error(`${where}: not a control API path`);

  if (response.status >= 500) throw new Error(`${where}: the server returned ${response.status}: ${response.rawBody}`);
  const contentType = String(response.headers['content-type'] ?? '');
  if (!contentType.startsWith('application/json')) throw new Error(`${where}: content-type is '${contentType}', not application/json`);

  const routes = await loadRoutes();
  const route = routes.find((candidate) => candidate.method === response.method && candidate.pattern.test(pathOnly));
  if (route === undefined) throw new Error(`${where}: no operation of the control API matches`);

  const declared = Object.keys(route.operation.responses ?? {});
  if (!declared.includes(String(response.status))) {
    throw new Error(`${where}: status ${response.status} is not declared for ${route.operation.operationId} (declared: ${declared.join(', ')})`);
  }

  const contract = await loadContract('control');
  const result = contract.api.validator.validateResponse(response.body, route.operation, response.status);
  if (!result.valid) {
    throw new Error(`${where}: body does not match the control contract for ${route.operation.operationId}: ${JSON.stringify(result.errors)}\nbody: ${response.rawBody.slice(0, 2000)}`);
  }
}
