#!/usr/bin/env node
import { readFileSync } from 'node:fs';

import { contractCommand } from './commands/contract.js';
import { serveCommand } from './commands/serve.js';
import { ContractRunError } from './contract/run-contract.js';
import { UsageError } from './commands/usage-error.js';
import { ScenarioError } from './scenarios/load-scenario.js';
import { DataFileError } from './state/store.js';
import { WorldFixtureError } from './state/world-fixture.js';

const VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Picks the command: `contract`, or `serve`, which is also the default. */
async function main(argv: string[]): Promise<number> {
  if (argv[0] === 'contract') return contractCommand(argv.slice(1));
  return serveCommand(argv[0] === 'serve' ? argv.slice(1) : argv, VERSION);
}

main(process.argv.slice(2)).then(
  (code) => {
    // A running server returns -1 and keeps the process alive until a signal stops it.
    if (code >= 0) process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof WorldFixtureError || error instanceof ScenarioError || error instanceof ContractRunError || error instanceof DataFileError) {
      process.stderr.write(`flightcontrol-mock: ${error.message}\n`);
      process.exit(2);
    }
    if (error instanceof UsageError || isParseArgsError(error)) {
      process.stderr.write(`flightcontrol-mock: ${(error as Error).message} (see --help)\n`);
      process.exit(2);
    }
    process.stderr.write(`flightcontrol-mock: failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS');
}
