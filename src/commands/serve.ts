import { parseArgs } from 'node:util';

import { formatBanner } from '../banner.js';
import { BUILTIN_SCENARIOS } from '../scenarios/builtin.js';
import type { ClockOptions } from '../state/clock.js';
import type { LogLevel } from '../server/logging.js';
import { createMockServer, DEFAULT_SEED } from '../server/mock-server.js';
import { integerOption, UsageError } from './usage-error.js';

export const SERVE_HELP = `Usage: flightcontrol-mock [serve] [options]
       flightcontrol-mock contract --base-url URL --api-key KEY [options]

Serves a stateful mock of the Flightcontrol management API. The contract command
checks a server against the contract; see flightcontrol-mock contract --help.

Options (each also read from the environment variable in brackets):
  --port N            TCP port to listen on; 0 picks a free port (PORT, default 4010)
  --host ADDRESS      Address to listen on (HOST, default 127.0.0.1)
  --scenario NAME|FILE
                      Built-in scenario (${Object.keys(BUILTIN_SCENARIOS).join(', ')})
                      or a YAML or JSON scenario file (SCENARIO, default default)
  --seed N            Seed of the generated world and of every random draw, an
                      integer from 0 to 4294967295; overrides the scenario's seed
                      (SEED, default ${DEFAULT_SEED})
  --world FILE        World fixture (JSON) with exact ids, used instead of the
                      generated world (WORLD)
  --min-services N    Add generated services until the world has at least N
                      (MIN_SERVICES, default: none added)
  --clock MODE        real or manual; a manual clock moves only through
                      POST /__mock/clock (CLOCK, default real)
  --clock-speed N     Simulated seconds per real second, greater than 0; for
                      example 60 runs a minute each second (CLOCK_SPEED, default 1)
  --data FILE         JSON file that keeps every tenant's world across restarts;
                      written at most every 250 ms (DATA_PATH, default: memory only)
  --strict            Check every response against the contract and answer 500
                      on a mismatch (STRICT=1, default off)
  --log-level LEVEL   fatal, error, warn, info, debug, trace or silent
                      (LOG_LEVEL, default info)
  --log-format FORMAT pretty (one readable line per request) or json (one JSON
                      object per line) (LOG_FORMAT, default pretty on a terminal,
                      json otherwise)
  --help              Print this help and exit
  --version           Print the version and exit
`;

const LOG_LEVELS: readonly LogLevel[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Runs the serve command; resolves once the server listens, and the process then stays up. */
export async function serveCommand(args: string[], version: string): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      scenario: { type: 'string' },
      seed: { type: 'string' },
      world: { type: 'string' },
      'min-services': { type: 'string' },
      clock: { type: 'string' },
      'clock-speed': { type: 'string' },
      data: { type: 'string' },
      strict: { type: 'boolean' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      help: { type: 'boolean' },
      version: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    process.stdout.write(SERVE_HELP);
    return 0;
  }
  if (values.version === true) {
    process.stdout.write(`${version}\n`);
    return 0;
  }

  const env = process.env;
  const port = integerOption('--port', values.port ?? env.PORT, 4010, 0, 65535);
  const host = values.host ?? env.HOST ?? '127.0.0.1';
  const seedText = values.seed ?? env.SEED;
  const seed = seedText === undefined ? undefined : integerOption('--seed', seedText, DEFAULT_SEED, 0, 4294967295);
  const minServicesText = values['min-services'] ?? env.MIN_SERVICES;
  const minServices = minServicesText === undefined ? undefined : integerOption('--min-services', minServicesText, 0, 0, 100_000);
  const logLevel = (values['log-level'] ?? env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new UsageError(`invalid --log-level '${logLevel}': expected one of ${LOG_LEVELS.join(', ')}`);

  const logFormat = values['log-format'] ?? env.LOG_FORMAT ?? (process.stdout.isTTY ? 'pretty' : 'json');
  if (logFormat !== 'pretty' && logFormat !== 'json') throw new UsageError(`invalid --log-format '${logFormat}': expected pretty or json`);

  const server = await createMockServer({
    logFormat,
    scenario: values.scenario ?? env.SCENARIO,
    seed,
    worldFile: values.world ?? env.WORLD,
    minServices,
    clock: clockOption(values.clock ?? env.CLOCK, values['clock-speed'] ?? env.CLOCK_SPEED),
    logLevel,
    dataFile: values.data ?? env.DATA_PATH,
    validateResponses: values.strict === true || env.STRICT === '1' || env.STRICT === 'true',
  });

  const address = await server.app.listen({ port, host });
  process.stdout.write(formatBanner(address, server.tenant, version));

  let closing = false;
  const shutdown = (signal: string): void => {
    if (closing) return;
    closing = true;
    server.app.log.info({ signal }, 'shutting down');
    server.app.close().then(
      () => process.exit(0),
      (error: unknown) => {
        server.app.log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  return -1;
}

function clockOption(mode: string | undefined, speedText: string | undefined): ClockOptions {
  if (mode !== undefined && mode !== 'real' && mode !== 'manual') {
    throw new UsageError(`invalid --clock '${mode}': expected real or manual`);
  }
  if (speedText === undefined) return { mode: mode ?? 'real' };

  const speed = Number(speedText);
  if (speedText.trim() === '' || !Number.isFinite(speed) || speed <= 0) {
    throw new UsageError(`invalid --clock-speed '${speedText}': expected a number greater than 0, such as 60`);
  }
  if (mode === 'manual') throw new UsageError('--clock-speed cannot be combined with --clock manual');
  return speed === 1 ? { mode: 'real' } : { mode: 'scaled', speed };
}

