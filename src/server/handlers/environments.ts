import {
  createEnvironment,
  editEnvironment,
  editEnvironmentByName,
  updatePreviewSettings,
  type EnvironmentEdit,
  type EnvironmentInput,
  type PreviewEnvironmentInput,
} from '../../state/environments.js';
import { checkProjectAccess, ok, stringParam, tenantOf, type OperationHandler } from './types.js';

export const createEnvironmentHandler: OperationHandler = (request) => {
  checkProjectAccess(request, stringParam(request.path, 'projectId'));
  const environment = createEnvironment(tenantOf(request), stringParam(request.path, 'projectId'), request.body as EnvironmentInput);
  const hook = environment.deployHook;
  return ok({
    message: 'Environment created successfully',
    environmentId: environment.id,
    projectId: environment.projectId,
    environmentGivenId: environment.givenId,
    name: environment.name,
    region: environment.region,
    deployHook: { envId: hook?.envId ?? 0, url: `${request.origin}/api/deploy-hook/${hook?.envId ?? 0}/${hook?.secret ?? ''}` },
  });
};

/** PATCH form of the seed contract; see editEnvironmentByName for how it finds the environment. */
export const editEnvironmentHandler: OperationHandler = (request) => {
  checkProjectAccess(request, stringParam(request.path, 'projectId'));
  editEnvironmentByName(tenantOf(request), stringParam(request.path, 'projectId'), request.body as EnvironmentInput);
  return ok([{ message: 'Environment updated successfully' }]);
};

export const editEnvironmentByIdHandler: OperationHandler = (request) => {
  checkProjectAccess(request, stringParam(request.path, 'projectId'));
  editEnvironment(
    tenantOf(request),
    stringParam(request.path, 'projectId'),
    stringParam(request.path, 'environmentId'),
    request.body as EnvironmentEdit,
  );
  return ok([{ message: 'Environment updated successfully' }]);
};

export const updatePreviewEnvironmentHandler: OperationHandler = (request) => {
  checkProjectAccess(request, stringParam(request.path, 'projectId'));
  updatePreviewSettings(tenantOf(request), stringParam(request.path, 'projectId'), request.body as PreviewEnvironmentInput);
  return ok([{ message: 'Preview Environment updated successfully' }]);
};
