import { getScaling, updateScaling, type ScalingOperation } from '../../state/scaling.js';
import { checkProjectAccess, ok, stringParam, tenantOf, type OperationHandler } from './types.js';

export const updateScalingHandler: OperationHandler = (request) => {
  const body = request.body as { operation: ScalingOperation; count: number };
  checkProjectAccess(request, tenantOf(request).world.services.get(stringParam(request.path, 'serviceId'))?.projectId);
  const result = updateScaling(tenantOf(request), stringParam(request.path, 'serviceId'), body.operation, body.count);
  return ok({
    serviceId: result.service.id,
    previousDesiredCount: result.previousDesiredCount,
    newDesiredCount: result.newDesiredCount,
    autoscalingEnabled: result.autoscalingEnabled,
  });
};

export const getScalingHandler: OperationHandler = (request) => {
  checkProjectAccess(request, tenantOf(request).world.services.get(stringParam(request.path, 'serviceId'))?.projectId);
  const snapshot = getScaling(tenantOf(request), stringParam(request.path, 'serviceId'));
  return ok({
    serviceId: snapshot.service.id,
    currentInstances: snapshot.runningInstances + snapshot.pendingInstances,
    desiredInstances: snapshot.scaling.desiredCount,
    runningInstances: snapshot.runningInstances,
    pendingInstances: snapshot.pendingInstances,
    autoscalingEnabled: snapshot.scaling.autoscalingEnabled,
    // Without autoscaling the desired count is both bounds, as ECS keeps exactly that many.
    minInstances: snapshot.scaling.autoscalingEnabled ? snapshot.scaling.minInstances : snapshot.scaling.desiredCount,
    maxInstances: snapshot.scaling.autoscalingEnabled ? snapshot.scaling.maxInstances : snapshot.scaling.desiredCount,
  });
};
