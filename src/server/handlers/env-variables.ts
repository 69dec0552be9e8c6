import { writeEnvVariables, type EnvVariableScope, type EnvVariablesInput } from '../../state/env-variables.js';
import type { OperationHandler, OperationRequest, OperationResponse } from './types.js';
import { checkProjectAccess, stringParam, tenantOf } from './types.js';

export const createEnvironmentEnvVariablesHandler: OperationHandler = (request) =>
  write(request, { kind: 'environment', id: stringParam(request.path, 'environmentId') });

export const createServiceEnvVariablesHandler: OperationHandler = (request) =>
  write(request, { kind: 'service', id: stringParam(request.path, 'serviceId') });

/** Responds 200 when everything was saved at once, and 202 while managed secrets are written. */
function write(request: OperationRequest, scope: EnvVariableScope): OperationResponse {
  const world = tenantOf(request).world;
  checkProjectAccess(request, scope.kind === 'environment' ? world.environments.get(scope.id)?.projectId : world.services.get(scope.id)?.projectId);
  const result = writeEnvVariables(tenantOf(request), scope, request.body as EnvVariablesInput);
  if (result.kind === 'completed') return { status: 200, body: { status: 'completed', savedCount: result.savedCount } };
  return {
    status: 202,
    body: {
      status: 'processing',
      runId: result.runId,
      savedCount: result.savedCount,
      processingCount: result.processingCount,
    },
  };
}
