import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';

import { formatConsoleReport, formatJson, formatJunit, countOutcomes } from '../contract/report.js';
import { runContract } from '../contract/run-contract.js';
import { toMilliseconds } from '../scenarios/duration.js';
import { OPERATION_IDS } from '../server/operation-ids.js';
import { integerOption, UsageError } from './usage-error.js';

export const CONTRACT_HELP = `Usage: flightcontrol-mock contract --base-url URL --api-key KEY [options]

Checks a server that claims to speak the Flightcontrol API (this mock, the real API or
another mock) against the contract: a valid request, the auth checks and the invalid
variants of every operation, derived from the schemas, then stateful flows. It creates
deployments, an environment and invalidations on the server, so point it at a sandbox.

Options:
  --base-url URL          Server to check, such as http://127.0.0.1:4010 (required)
  --api-key KEY           API key for the Authorization header (required; or
                          FLIGHTCONTROL_API_KEY)
  --deploy-hook-url URL   A deploy hook of a standard environment (default: read from
                          the control API when the server is flightcontrol-mock;
                          otherwise none, and the deploy-hook checks are skipped)
  --contract NAME         documented (the seed spec with the documented additions) or
                          seed (the seed spec alone) (default documented)
  --seed N                Seed of the generated request values, an integer from 0 to
                          4294967295 (default 1)
  --only OPERATION        Check only these operationIds, comma-separated or repeated
                          (default: all)
  --junit FILE            Also write a JUnit XML report to FILE (default: none)
  --json FILE             Also write a JSON report to FILE (default: none)
  --timeout DURATION      Limit for each polling flow, such as 90s or 10m (default 5m)
  --help                  Print this help and exit

Exit status: 0 when no check failed, 1 when any failed, 2 when the run could not start
(invalid option, unreachable server, refused key).
`;

/** Runs the contract command and returns the exit status. */
export async function contractCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      'base-url': { type: 'string' },
      'api-key': { type: 'string' },
      'deploy-hook-url': { type: 'string' },
      contract: { type: 'string' },
      seed: { type: 'string' },
      only: { type: 'string', multiple: true },
      junit: { type: 'string' },
      json: { type: 'string' },
      timeout: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help === true) {
    process.stdout.write(CONTRACT_HELP);
    return 0;
  }

  const baseUrl = values['base-url'];
  if (baseUrl === undefined) throw new UsageError('missing --base-url, for example --base-url http://127.0.0.1:4010');
  if (!/^https?:\/\/[^/]+/.test(baseUrl)) throw new UsageError(`invalid --base-url '${baseUrl}': expected an http or https URL`);
  const apiKey = values['api-key'] ?? process.env.FLIGHTCONTROL_API_KEY;
  if (apiKey === undefined || apiKey === '') throw new UsageError('missing --api-key (or FLIGHTCONTROL_API_KEY)');
  const contract = values.contract ?? 'documented';
  if (contract !== 'documented' && contract !== 'seed') throw new UsageError(`invalid --contract '${contract}': expected documented or seed`);

  const only = values.only?.flatMap((item) => item.split(',')).map((item) => item.trim()).filter((item) => item !== '');
  const unknown = (only ?? []).filter((item) => !(OPERATION_IDS as readonly string[]).includes(item));
  if (unknown.length > 0) throw new UsageError(`unknown operation in --only: ${unknown.join(', ')} (known: ${OPERATION_IDS.join(', ')})`);

  let timeoutMs: number;
  try {
    timeoutMs = toMilliseconds(values.timeout ?? '5m');
  } catch {
    timeoutMs = 0;
  }
  // A zero limit would fail every polling flow before its first poll.
  if (timeoutMs <= 0) throw new UsageError(`invalid --timeout '${values.timeout ?? ''}': expected a duration greater than 0, such as 90s or 10m`);

  const progress = createProgress();
  let run;
  try {
    run = await runContract({
      baseUrl,
      apiKey,
      deployHookUrl: values['deploy-hook-url'],
      contract,
      seed: integerOption('--seed', values.seed, 1, 0, 4294967295),
      only,
      timeoutMs,
      onProgress: progress.update,
    });
  } catch (error) {
    progress.end();
    throw error;
  }
  progress.end();

  process.stdout.write(formatConsoleReport(run));
  if (values.junit !== undefined) await writeFile(values.junit, formatJunit(run));
  if (values.json !== undefined) await writeFile(values.json, formatJson(run));
  return countOutcomes(run.results).failed > 0 ? 1 : 0;
}

/** Shows which check runs: one rewritten line on a terminal, a line every 25 checks otherwise. */
function createProgress(): { update: (done: number, label: string) => void; end: () => void } {
  const terminal = process.stderr.isTTY;
  let shown = false;
  return {
    update: (done, label) => {
      if (terminal) {
        process.stderr.write(`\r\x1b[K[${done}] ${label.slice(0, (process.stderr.columns || 100) - 10)}`);
        shown = true;
      } else if (done % 25 === 0) {
        process.stderr.write(`checked ${done}: ${label}\n`);
      }
    },
    end: () => {
      if (shown) process.stderr.write('\r\x1b[K');
    },
  };
}
