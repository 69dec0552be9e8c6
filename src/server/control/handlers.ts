import type { Document } from 'openapi-backend';

import { BUILTIN_SCENARIOS } from '../../scenarios/builtin.js';
import { compileScenario } from '../../scenarios/compile-scenario.js';
import { checkScenario, SCENARIO_SCHEMA, ScenarioError, type LocatedScenario } from '../../scenarios/load-scenario.js';
import { DomainError } from '../../state/errors.js';
import { WorldFixtureError } from '../../state/world-fixture.js';
import { formatIsoTime } from '../../state/timestamps.js';
import type { Contract } from '../contract.js';
import { ok, tenantOf, type OperationHandler } from '../handlers/types.js';
import { clockMoveTarget, type ClockMove } from './clock-move.js';
import type { ControlOperationId } from './control-ids.js';
import { describeActivity } from './activity.js';
import { describeWorld } from './world-view.js';

export interface ControlContext {
  /** The Flightcontrol contract, whose operations coverage is measured against. */
  contract: Contract;
  /** The control API's own document, served at /__mock/openapi.json. */
  controlDocument: Document;
}

/** Builds the handlers of the control API, keyed by its operationIds. */
export function createControlHandlers(context: ControlContext): Record<ControlOperationId, OperationHandler> {
  return {
    resetTenant: (request) => {
      const tenant = tenantOf(request);
      request.registry.reset(tenant);
      return ok({ reset: true, now: formatIsoTime(tenant.clock.now()), scenario: tenant.scenario.name });
    },

    getClock: (request) => {
      const tenant = tenantOf(request);
      return ok({ now: formatIsoTime(tenant.clock.now()), mode: tenant.clock.mode });
    },

    moveClock: (request) => {
      const tenant = tenantOf(request);
      const nowMs = tenant.clock.now();
      const targetMs = clockMoveTarget(nowMs, request.body as ClockMove);
      // An offset from the time read above, so a real or scaled clock that ticked meanwhile still moves.
      tenant.clock.advance(targetMs - nowMs);
      return ok({ now: formatIsoTime(tenant.clock.now()), mode: tenant.clock.mode });
    },

    getScenario: (request) => {
      const tenant = tenantOf(request);
      return ok({ name: tenant.scenario.name, description: tenant.scenario.scenario.description ?? null, scenario: tenant.scenario.scenario });
    },

    putScenario: async (request) => {
      const tenant = tenantOf(request);
      const body = request.body as { name?: string; scenario?: unknown };
      try {
        const located =
          body.name !== undefined
            ? builtinScenario(body.name)
            : { scenario: checkScenario(body.scenario, 'in the request body'), baseDirectory: process.cwd(), source: 'in the request body' };
        // The seed in effect stays, as with startMock's scenario.load, unless the scenario sets its own.
        const compiled = await compileScenario(located, { seed: located.scenario.seed === undefined ? tenant.scenario.seed : undefined });
        request.registry.loadScenario(tenant, compiled);
      } catch (error) {
        if (error instanceof ScenarioError || error instanceof WorldFixtureError) {
          const field = body.name !== undefined ? 'name' : 'scenario';
          throw new DomainError('INVALID_INPUT', error.message, [{ path: field, in: 'body', message: error.message }]);
        }
        throw error;
      }
      return ok({ name: tenant.scenario.name, description: tenant.scenario.scenario.description ?? null, scenario: tenant.scenario.scenario });
    },

    getWorld: (request) => ok(describeWorld(tenantOf(request), request.origin)),

    getActivity: (request) => ok(describeActivity(tenantOf(request))),

    getJournal: (request) => {
      const query = request.query as { operationId?: string; status?: string; since?: string; until?: string; limit?: number };
      const entries = tenantOf(request).journal.entries({
        operationId: query.operationId,
        status: query.status,
        sinceMs: query.since === undefined ? undefined : Date.parse(query.since),
        untilMs: query.until === undefined ? undefined : Date.parse(query.until),
        limit: query.limit,
      });
      return ok({ entries });
    },

    clearJournal: (request) => {
      tenantOf(request).journal.clear();
      return ok({ cleared: true });
    },

    getCoverage: (request) => {
      const counts = tenantOf(request).journal.coverage();
      const operations = context.contract.operations.map((operation) => {
        const statuses = counts.get(operation.operationId ?? '') ?? new Map<number, number>();
        return {
          operationId: operation.operationId ?? '',
          method: operation.method.toUpperCase(),
          path: operation.path,
          declaredStatuses: Object.keys(operation.responses ?? {}).map(Number).filter(Number.isInteger),
          statuses: Object.fromEntries([...statuses].map(([status, count]) => [String(status), count])),
        };
      });
      const exercised = operations.filter((operation) => Object.keys(operation.statuses).length > 0).length;
      return ok({ exercised, total: operations.length, operations });
    },

    getViolations: (request) => ok({ violations: tenantOf(request).journal.violations() }),

    getControlApiDocument: () => ok(context.controlDocument),

    getScenarioSchema: () => ok(SCENARIO_SCHEMA),
  };
}

/**
 * Finds a built-in scenario by name. Unlike the CLI, the control API does not take a file
 * path as a name: spec/control-api.yml documents `name` as a built-in scenario, and a
 * custom one comes as an object in `scenario`.
 * NOTE: such an object's `world.fixture` is still read from the server's disk, relative
 * to its working directory.
 */
function builtinScenario(name: string): LocatedScenario {
  const scenario = Object.hasOwn(BUILTIN_SCENARIOS, name) ? BUILTIN_SCENARIOS[name] : undefined;
  if (scenario === undefined) {
    throw new ScenarioError(
      `Unknown scenario '${name}': expected a built-in name (${Object.keys(BUILTIN_SCENARIOS).join(', ')}), or send your own scenario as {"scenario": {...}}.`,
    );
  }
  return { scenario, baseDirectory: process.cwd(), source: `built-in scenario ${name}` };
}
