import type { FastifyInstance } from 'fastify';

import { compileScenario } from './scenarios/compile-scenario.js';
import { toMilliseconds } from './scenarios/duration.js';
import { checkScenario, loadScenario } from './scenarios/load-scenario.js';
import type { Duration, Scenario } from './scenarios/scenario.js';
import { LATEST_TIME_MS } from './server/control/clock-move.js';
import { deployHookUrl, describeWorld } from './server/control/world-view.js';
import type { LogLevel } from './server/logging.js';
import { createMockServer } from './server/mock-server.js';
import type { ClockOptions } from './state/clock.js';
import type { JournalEntry, JournalFilter, Violation } from './state/journal.js';
import type { Tenant } from './state/tenants.js';

export interface StartMockOptions {
  /** A built-in scenario name, a path to a YAML or JSON scenario file, or a scenario object. */
  scenario?: string | Scenario;
  /** Seed of the world and of every random draw; overrides the scenario's. */
  seed?: number;
  /** A world fixture file with exact ids, used instead of the scenario's world. */
  worldFile?: string;
  /** `manual` (the default) moves only through `clock.advance`; `real` follows the wall clock; `{ speed }` runs faster. */
  clock?: 'manual' | 'real' | { speed: number };
  /** Start of the simulated time, as RFC 3339 text or epoch milliseconds; 2026-01-01T00:00:00Z by default. */
  startTime?: string | number;
  /** Check every response against the contract and respond 500 on a mismatch; on by default. */
  strict?: boolean;
  logLevel?: LogLevel;
  /** Address to listen on; 127.0.0.1 by default. */
  host?: string;
  /** Port to listen on; a free port by default. */
  port?: number;
}

/** A running mock, with handles on its clock, scenario and journal. */
export interface Mock {
  /** Base URL, such as http://127.0.0.1:41234, for both the API and the deploy hooks. */
  url: string;
  /** An API key of the scenario's own world; send it as "Authorization: Bearer KEY". */
  apiKey: string;
  clock: {
    now(): Date;
    /** Moves time forward by milliseconds or a duration such as "10m". */
    advance(duration: Duration): void;
    /** Moves time forward to an RFC 3339 time, epoch milliseconds or a Date; never backwards. */
    set(time: string | number | Date): void;
  };
  scenario: {
    readonly name: string;
    /** Replaces the scenario and resets the world to it. */
    load(scenario: string | Scenario): Promise<void>;
  };
  journal: {
    entries(filter?: JournalFilter): JournalEntry[];
    violations(): Violation[];
    clear(): void;
  };
  /**
   * The URL of an environment's deploy hook, found by id or givenId; the first one by
   * default. A preview environment's URL ends in {prNumber}/{commitSHA} placeholders.
   */
  deployHookUrl(environment?: string): string;
  /** The world as the control API describes it: projects, environments with hook URLs, services. */
  world(): Record<string, unknown>;
  /** Restores the world the scenario starts with and clears the journal. */
  reset(): void;
  close(): Promise<void>;
  /** The Fastify instance, for inject() or hooks. */
  server: FastifyInstance;
  tenant: Tenant;
}

const DEFAULT_START = '2026-01-01T00:00:00.000Z';

/**
 * Starts a mock server for a test: in-process, on a free port of 127.0.0.1, with a manual
 * clock, so that time moves only when the test moves it. Many can run at once in one process.
 */
export async function startMock(options: StartMockOptions = {}): Promise<Mock> {
  const startMs = typeof options.startTime === 'number' ? options.startTime : Date.parse(options.startTime ?? DEFAULT_START);
  if (Number.isNaN(startMs)) throw new RangeError(`Invalid startTime '${String(options.startTime)}': expected RFC 3339 text such as ${DEFAULT_START}.`);

  const mock = await createMockServer({
    scenario: options.scenario,
    seed: options.seed,
    worldFile: options.worldFile,
    clock: clockOptions(options.clock ?? 'manual', startMs),
    validateResponses: options.strict ?? true,
    logLevel: options.logLevel ?? 'silent',
  });
  const url = await mock.app.listen({ port: options.port ?? 0, host: options.host ?? '127.0.0.1' });
  const tenant = mock.tenant;

  return {
    url,
    apiKey: tenant.keys[0] ?? '',
    clock: {
      now: () => new Date(tenant.clock.now()),
      advance: (duration) => {
        const ms = toMilliseconds(duration);
        checkClockTarget(tenant.clock.now() + ms);
        tenant.clock.advance(ms);
      },
      set: (time) => {
        let epochMs: number;
        if (time instanceof Date) epochMs = time.getTime();
        else if (typeof time === 'number') epochMs = time;
        else epochMs = Date.parse(time);
        checkClockTarget(epochMs);
        tenant.clock.set(epochMs);
      },
    },
    scenario: {
      get name() {
        return tenant.scenario.name;
      },
      load: async (scenario) => {
        const located =
          typeof scenario === 'string'
            ? await loadScenario(scenario)
            : { scenario: checkScenario(scenario, `scenario '${scenario.name}'`), baseDirectory: process.cwd(), source: `scenario '${scenario.name}'` };
        // options.seed wins; otherwise the seed in effect stays unless the new scenario sets its own.
        const seed = options.seed ?? (located.scenario.seed === undefined ? tenant.scenario.seed : undefined);
        mock.registry.loadScenario(tenant, await compileScenario(located, { seed }));
      },
    },
    journal: {
      entries: (filter) => tenant.journal.entries(filter),
      violations: () => tenant.journal.violations(),
      clear: () => tenant.journal.clear(),
    },
    deployHookUrl: (environment) => {
      const match = [...tenant.world.environments.values()].find(
        (candidate) => candidate.deployHook !== null && (environment === undefined || candidate.id === environment || candidate.givenId === environment),
      );
      if (match?.deployHook == null) throw new Error(`No environment ${environment ?? ''} with a deploy hook in this world.`);
      return deployHookUrl(url, match, match.deployHook);
    },
    world: () => describeWorld(tenant, url),
    reset: () => mock.registry.reset(tenant),
    close: () => mock.app.close(),
    server: mock.app,
    tenant,
  };
}

/** Rejects a time that a Date cannot represent, which would break every later response. */
function checkClockTarget(epochMs: number): void {
  if (epochMs > LATEST_TIME_MS) {
    throw new RangeError(`Invalid clock time ${epochMs}: the latest time a Date can represent is ${new Date(LATEST_TIME_MS).toISOString()}; use an earlier time.`);
  }
}

function clockOptions(clock: NonNullable<StartMockOptions['clock']>, startMs: number): ClockOptions {
  if (clock === 'manual') return { mode: 'manual', startMs };
  if (clock === 'real') return { mode: 'real' };
  return { mode: 'scaled', speed: clock.speed, startMs };
}
