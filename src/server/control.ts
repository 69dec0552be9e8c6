import type { FastifyInstance } from 'fastify';

import { ClockError } from '../state/clock.js';
import type { TenantRegistry } from '../state/tenants.js';
import { validationError } from './errors.js';
import { authHook, sendError } from './pipeline.js';

/**
 * The control API under /__mock/, which no Flightcontrol path uses. Each call acts on the
 * caller's own tenant, chosen by the same API key as the Flightcontrol API.
 */
export function registerControlRoutes(app: FastifyInstance, registry: TenantRegistry): void {
  const onRequest = authHook(registry);

  app.post('/__mock/reset', { onRequest }, (request, reply) => {
    const tenant = request.tenant;
    if (tenant === null) throw new Error('The reset route ran without a tenant.');
    registry.reset(tenant);
    request.log.info({ tenant: tenant.id }, 'tenant reset');
    return reply.code(200).send({ reset: true, now: new Date(tenant.clock.now()).toISOString() });
  });

  app.post('/__mock/clock', { onRequest }, (request, reply) => {
    const tenant = request.tenant;
    if (tenant === null) throw new Error('The clock route ran without a tenant.');
    const body = (request.body ?? {}) as Record<string, unknown>;
    const advanceMs = body.advanceMs;
    const setTo = body.setTo;

    if (advanceMs === undefined && setTo === undefined) {
      return sendError(reply, validationError([{ path: 'body', in: 'body', message: 'must contain advanceMs (milliseconds) or setTo (an RFC 3339 time)' }]));
    }
    try {
      if (advanceMs !== undefined) {
        if (typeof advanceMs !== 'number' || !Number.isSafeInteger(advanceMs) || advanceMs < 0) {
          return sendError(reply, validationError([{ path: 'advanceMs', in: 'body', message: `must be a whole number of milliseconds of 0 or more, got ${JSON.stringify(advanceMs)}` }]));
        }
        tenant.clock.advance(advanceMs);
      }
      if (setTo !== undefined) {
        const epochMs = typeof setTo === 'string' ? Date.parse(setTo) : Number.NaN;
        if (Number.isNaN(epochMs)) {
          return sendError(reply, validationError([{ path: 'setTo', in: 'body', message: `must be an RFC 3339 time such as 2026-01-01T00:00:00Z, got ${JSON.stringify(setTo)}` }]));
        }
        tenant.clock.set(epochMs);
      }
    } catch (error) {
      if (!(error instanceof ClockError)) throw error;
      return sendError(reply, validationError([{ path: setTo === undefined ? 'advanceMs' : 'setTo', in: 'body', message: error.message }]));
    }
    return reply.code(200).send({ now: new Date(tenant.clock.now()).toISOString(), mode: tenant.clock.mode });
  });
}
