import { DomainError } from './errors.js';
import type { Scaling, Service } from './model.js';
import type { Tenant } from './tenants.js';

export type ScalingOperation = 'set' | 'add' | 'remove';

// The documented range of both the requested count and the resulting desired count.
export const MIN_COUNT = 0;
export const MAX_COUNT = 100;

export interface ScalingResult {
  service: Service;
  previousDesiredCount: number;
  newDesiredCount: number;
  autoscalingEnabled: boolean;
}

export interface ScalingSnapshot {
  service: Service;
  scaling: Scaling;
  runningInstances: number;
  pendingInstances: number;
}

/**
 * Sets, adds to or removes from a service's desired count. Running instances follow the
 * new count after the scenario's transition time, which get-scaling reports.
 */
export function updateScaling(tenant: Tenant, serviceId: string, operation: ScalingOperation, count: number): ScalingResult {
  const { service, scaling } = scalableService(tenant, serviceId);
  if (count < MIN_COUNT || count > MAX_COUNT) throw countOutOfRange('count', count);

  const previous = scaling.desiredCount;
  let next = count;
  if (operation === 'add') next = previous + count;
  if (operation === 'remove') next = previous - count;
  if (next < MIN_COUNT || next > MAX_COUNT) throw countOutOfRange('count', next, `${operation} ${count} from ${previous}`);

  const now = tenant.clock.now();
  const running = runningAt(scaling, now);
  scaling.desiredCount = next;
  scaling.lastChange = { from: running, to: next, atMs: now, settlesAtMs: now + tenant.rules.scalingTransitionMs };
  service.updatedAt = now;

  return { service, previousDesiredCount: previous, newDesiredCount: next, autoscalingEnabled: scaling.autoscalingEnabled };
}

export function getScaling(tenant: Tenant, serviceId: string): ScalingSnapshot {
  const { service, scaling } = scalableService(tenant, serviceId);
  const now = tenant.clock.now();
  const change = scaling.lastChange;
  const running = runningAt(scaling, now);
  const pending = change !== null && now < change.settlesAtMs && change.to > change.from ? change.to - change.from : 0;
  return { service, scaling, runningInstances: running, pendingInstances: pending };
}

/** Instances that serve traffic: the old count until a change settles, then the new one. */
function runningAt(scaling: Scaling, now: number): number {
  const change = scaling.lastChange;
  if (change === null || now >= change.settlesAtMs) return scaling.desiredCount;
  return change.from;
}

function scalableService(tenant: Tenant, serviceId: string): { service: Service; scaling: Scaling } {
  const service = tenant.world.services.get(serviceId);
  if (service === undefined) throw new DomainError('NOT_FOUND', 'Service not found');
  if (service.scaling === null) {
    throw new DomainError(
      'SERVICE_NOT_SCALABLE',
      `Service ${serviceId} has type ${service.type}, which does not scale. Scaling applies to web, web-private, worker and network-server services.`,
    );
  }
  return { service, scaling: service.scaling };
}

function countOutOfRange(field: string, value: number, detail?: string): DomainError {
  const suffix = detail === undefined ? `got ${value}` : `${detail} gives ${value}`;
  return new DomainError('SCALING_COUNT_OUT_OF_RANGE', `Invalid count: must be between ${MIN_COUNT} and ${MAX_COUNT}`, [
    { path: field, in: 'body', message: `must be between ${MIN_COUNT} and ${MAX_COUNT}, ${suffix}` },
  ]);
}

