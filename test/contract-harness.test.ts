import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { countOutcomes, formatConsoleReport, formatJson, formatJunit } from '../src/contract/report.js';
import type { CheckResult } from '../src/contract/results.js';
import { runContract, type ContractRun } from '../src/contract/run-contract.js';
import { startMock, type Mock } from '../src/index.js';
import { loadContract } from '../src/server/contract.js';
import { startWrongServer, type WrongServer, type WrongServerFault } from './helpers/wrong-server.js';

const DEPLOYMENT_FLOW = 'flow: deploy hook, then poll the deployment to a final status';
const INVALIDATION_FLOW = 'flow: create an invalidation, then poll it to Completed';
const SCALING_FLOW = 'flow: change scaling, then confirm the new count';
const PAGING_FLOW = 'flow: page through the services, each exactly once';

// Short limits keep a broken run from stalling the suite. The mock responds in milliseconds,
// and the wrong server finishes a deployment or an invalidation on its second read.
const RUN_LIMITS = { seed: 1, timeoutMs: 5_000, requestTimeoutMs: 2_000, pollIntervalMs: 10 };

/** One failed check as (operationId, check, JSON pointers), with array indices replaced by `*`. */
type FailureKey = [operationId: string, check: string, pointers: string[]];

function failureKeys(results: readonly CheckResult[]): FailureKey[] {
  return results
    .filter((result) => result.outcome === 'failed')
    .map((result): FailureKey => [result.operationId, result.check, [...new Set(result.violations.map((violation) => violation.pointer.replace(/\/\d+(?=\/|$)/g, '/*')))].sort()]);
}

function outcomeOf(run: ContractRun, operationId: string, check: string): string | undefined {
  return run.results.find((result) => result.operationId === operationId && result.check === check)?.outcome;
}

describe('contract harness against the mock', () => {
  let mock: Mock;
  let documentedRun: ContractRun;
  let seedRun: ContractRun;

  beforeAll(async () => {
    mock = await startMock({ clock: 'manual' });
    documentedRun = await runContract({ baseUrl: mock.url, apiKey: mock.apiKey, contract: 'documented', ...RUN_LIMITS });
    mock.reset();
    seedRun = await runContract({ baseUrl: mock.url, apiKey: mock.apiKey, contract: 'seed', ...RUN_LIMITS });
    mock.reset();
  });

  afterAll(async () => {
    await mock.close();
  });

  it('passes the documented contract', () => {
    const totals = countOutcomes(documentedRun.results);
    expect(failureKeys(documentedRun.results)).toEqual([]);
    expect(totals.failed).toBe(0);
    expect(totals.skipped).toBe(0);
    expect(totals.passed).toBe(documentedRun.results.length);
  });

  it('checks every documented operation', async () => {
    const contract = await loadContract('documented');
    const checked = new Set(documentedRun.results.map((result) => result.operationId));
    for (const operation of contract.operations) expect(checked, operation.operationId).toContain(operation.operationId);
  });

  it('runs every stateful flow', () => {
    const checks = documentedRun.results.map((result) => result.check);
    for (const flow of [DEPLOYMENT_FLOW, INVALIDATION_FLOW, SCALING_FLOW, PAGING_FLOW]) expect(checks).toContain(flow);
    expect(checks.filter((check) => check.startsWith('flow: '))).toHaveLength(5);
  });

  it('fails seed only on known deviations', () => {
    // Where the seed spec disagrees with the public documentation, the mock follows the documentation:
    // a boolean success, the documented createdAt form, null paging and preview fields, and
    // {id, value} objects as fromService values.
    const expected: FailureKey[] = [
      ['createEnvironmentEnvVariables', 'valid request', []],
      ['getDeployment', DEPLOYMENT_FLOW, ['/createdAt']],
      ['getDeployment', 'valid request', ['/createdAt']],
      ['getServices', PAGING_FLOW, ['/previousPage', '/services/*/previewEnvironmentId']],
      ['getServices', 'valid request', ['/previousPage', '/services/*/previewEnvironmentId']],
      ['triggerDeployHook', 'valid request', ['/success']],
      ['triggerPreviewDeployHook', 'valid request', ['/success']],
    ];
    const byKey = (a: FailureKey, b: FailureKey) => `${a[0]} ${a[1]}`.localeCompare(`${b[0]} ${b[1]}`);
    expect(failureKeys(seedRun.results).sort(byKey)).toEqual(expected.sort(byKey));
    expect(countOutcomes(seedRun.results).skipped).toBe(0);
  });

  it('rejects seed fromService strings', () => {
    const failure = seedRun.results.find((result) => result.operationId === 'createEnvironmentEnvVariables' && result.outcome === 'failed');
    expect(failure?.exchange?.status).toBe(400);
    expect(failure?.exchange?.request.body).toMatch(/"fromService":\{"[A-Z0-9_]+":"[^"]*"\}/);
    expect(failure?.exchange?.rawBody).toContain('fromService');
  });

  it('leaves unselected flows unrun', async () => {
    const run = await runContract({ baseUrl: mock.url, apiKey: mock.apiKey, contract: 'documented', only: ['getServices'], ...RUN_LIMITS });

    expect(new Set(run.results.map((result) => result.operationId))).toEqual(new Set(['getServices']));
    expect(countOutcomes(run.results).failed).toBe(0);
    expect(mock.journal.entries({ operationId: 'triggerDeployHook' })).toEqual([]);
    expect(mock.journal.entries({ operationId: 'createCloudFrontInvalidation' })).toEqual([]);
    expect(mock.journal.entries({ operationId: 'createEnvironmentEnvVariables' })).toEqual([]);
  });
});

interface FaultCase {
  fault: WrongServerFault;
  only: string[];
  /** Every check the run must fail, and no other. */
  failures: FailureKey[];
}

const FAULT_CASES: FaultCase[] = [
  {
    fault: 'services-count-as-string',
    only: ['getServices'],
    failures: [
      ['getServices', 'valid request', ['/count']],
      ['getServices', PAGING_FLOW, ['/count']],
    ],
  },
  {
    fault: 'deployment-without-id',
    only: ['triggerDeployHook', 'getDeployment'],
    failures: [
      ['getDeployment', 'valid request', ['/deploymentId']],
      ['getDeployment', DEPLOYMENT_FLOW, ['/deploymentId']],
    ],
  },
  {
    fault: 'scaling-answers-201',
    only: ['updateScaling'],
    failures: [
      ['updateScaling', 'valid request', []],
      ['updateScaling', SCALING_FLOW, []],
    ],
  },
  {
    fault: 'deployment-read-with-other-id',
    only: ['triggerDeployHook', 'getDeployment'],
    failures: [['getDeployment', DEPLOYMENT_FLOW, []]],
  },
  {
    fault: 'invalidation-status-with-other-id',
    only: ['createCloudFrontInvalidation', 'getCloudFrontInvalidationStatus'],
    failures: [['getCloudFrontInvalidationStatus', INVALIDATION_FLOW, []]],
  },
  {
    fault: 'scaling-change-forgotten',
    only: ['updateScaling', 'getScaling'],
    failures: [['updateScaling', SCALING_FLOW, []]],
  },
  {
    fault: 'services-repeated-across-pages',
    only: ['getServices'],
    failures: [['getServices', PAGING_FLOW, []]],
  },
  {
    fault: 'malformed-json-answers-500',
    only: ['updateScaling'],
    failures: [['updateScaling', 'malformed JSON body', []]],
  },
];

// The reason each fault must give, so that a failure for some other cause does not pass.
const FAULT_REASONS: Record<WrongServerFault, RegExp> = {
  'services-count-as-string': /does not match the schema declared for 200/,
  'deployment-without-id': /does not match the schema declared for 200/,
  'scaling-answers-201': /201/,
  'deployment-read-with-other-id': /the read did not reflect the write: the hook created deployment dep_\d+, but reading it returned deploymentId "dep_other"/,
  'invalidation-status-with-other-id': /the read did not reflect the write: invalidation inv_\d+ was created, but its status reports invalidationId "inv_other"/,
  'scaling-change-forgotten': /the read did not reflect the write: after 'set 3', getScaling reported desiredInstances 2/,
  'services-repeated-across-pages': /the pages repeat services: 11 entries for 10 services/,
  'malformed-json-answers-500': /server error 500 on invalid input/,
};

/** Runs the documented contract against a wrong server; `withHook: false` leaves its deploy hook unknown. */
function runAgainst(server: WrongServer, only: string[], withHook = true): Promise<ContractRun> {
  return runContract({ baseUrl: server.url, apiKey: server.apiKey, deployHookUrl: withHook ? server.deployHookUrl : undefined, contract: 'documented', only, ...RUN_LIMITS });
}

describe('contract harness against a wrong server', () => {
  let correctServer: WrongServer;
  let correctRun: ContractRun;

  beforeAll(async () => {
    correctServer = await startWrongServer();
    correctRun = await runAgainst(correctServer, [...new Set(FAULT_CASES.flatMap((faultCase) => faultCase.only))]);
  });

  afterAll(async () => {
    await correctServer.close();
  });

  it('passes the correct server', () => {
    const totals = countOutcomes(correctRun.results);
    expect(failureKeys(correctRun.results)).toEqual([]);
    expect(totals.skipped).toBe(0);
    expect(totals.passed).toBeGreaterThan(0);
  });

  it.each(FAULT_CASES)('reports $fault', async ({ fault, only, failures }) => {
    const server = await startWrongServer(fault);
    let run: ContractRun;
    try {
      run = await runAgainst(server, only);
    } finally {
      await server.close();
    }

    expect(failureKeys(run.results)).toEqual(failures);
    for (const result of run.results.filter((candidate) => candidate.outcome === 'failed')) expect(result.reason).toMatch(FAULT_REASONS[fault]);
    for (const [operationId, check] of failures) expect(outcomeOf(correctRun, operationId, check), `${operationId}: ${check} on the correct server`).toBe('passed');
  });

  it('runs a flow selected alone', async () => {
    // Selecting only the reading operation still reports the flow that failed on it.
    const server = await startWrongServer('deployment-read-with-other-id');
    let run: ContractRun;
    try {
      run = await runAgainst(server, ['getDeployment']);
    } finally {
      await server.close();
    }

    expect(outcomeOf(run, 'getDeployment', DEPLOYMENT_FLOW)).toBe('failed');
    expect(outcomeOf(run, 'getDeployment', 'valid request')).toBe('skipped');
  });
});

/** Lists what keeps an XML document from being well formed: unbalanced, crossed or stray tags. */
function xmlStructureProblems(document: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  let roots = 0;
  const body = document.replace(/^<\?xml[^>]*\?>\s*/, '');
  if (body.length === document.length) problems.push('no XML declaration');
  if (/&(?!amp;|lt;|gt;|quot;|apos;)/.test(body)) problems.push('an unescaped &');

  for (const match of body.matchAll(/<(\/?)([A-Za-z][\w.-]*)((?:\s+[\w.-]+="[^"<]*")*)\s*(\/?)>|<|>/g)) {
    const [token, closing, name, , selfClosing] = match;
    if (name === undefined) {
      problems.push(`a stray ${token} at ${match.index}`);
      continue;
    }
    if (closing === '/') {
      const open = stack.pop();
      if (open !== name) problems.push(`</${name}> closes <${open ?? 'nothing'}>`);
      continue;
    }
    if (stack.length === 0) roots++;
    if (selfClosing !== '/') stack.push(name);
  }
  if (stack.length > 0) problems.push(`unclosed ${stack.join(', ')}`);
  if (roots !== 1) problems.push(`${roots} root elements`);
  return problems;
}

describe('contract reports', () => {
  let run: ContractRun;

  beforeAll(async () => {
    // Without a deploy-hook URL the hook's checks are skipped, so the run has all three outcomes.
    const server = await startWrongServer('services-count-as-string');
    try {
      run = await runAgainst(server, ['getServices', 'triggerDeployHook'], false);
    } finally {
      await server.close();
    }
  });

  it('covers all three outcomes', () => {
    const totals = countOutcomes(run.results);
    expect(totals.passed).toBeGreaterThan(0);
    expect(totals.failed).toBe(2);
    expect(totals.skipped).toBe(1);
  });

  it('writes well-formed JUnit XML', () => {
    expect(xmlStructureProblems(formatJunit(run))).toEqual([]);
  });

  it('writes one testsuite per operation', () => {
    const junit = formatJunit(run);
    const suites = [...junit.matchAll(/<testsuite name="([^"]*)" tests="(\d+)" failures="(\d+)" skipped="(\d+)">/g)].map((match) => match.slice(1));
    const expected = ['getServices', 'triggerDeployHook'].map((operationId) => {
      const results = run.results.filter((result) => result.operationId === operationId);
      const totals = countOutcomes(results);
      return [operationId, String(results.length), String(totals.failed), String(totals.skipped)];
    });
    expect(suites.sort()).toEqual(expected);
  });

  it('writes a JUnit element per outcome', () => {
    const junit = formatJunit(run);
    const totals = countOutcomes(run.results);
    expect(junit.match(/<testcase /g)).toHaveLength(run.results.length);
    expect(junit.match(/<failure message="/g)).toHaveLength(totals.failed);
    expect(junit.match(/<skipped message="/g)).toHaveLength(totals.skipped);
    expect(junit).toMatch(/<testsuites [^>]*tests="\d+" failures="2" skipped="1">/);
  });

  it('names the pointer in JUnit failures', () => {
    const junit = formatJunit(run);
    expect(junit).toContain('<testcase classname="getServices" name="valid request">');
    expect(junit).toMatch(/<failure message="the body does not match the schema declared for 200">at \/count: must be integer, got &quot;10&quot;/);
  });

  it('escapes control characters in JUnit', () => {
    // XML 1.0 forbids most control characters even as references, so a server that
    // colours its error text must not break the report.
    const failure = run.results.find((result) => result.outcome === 'failed');
    if (failure?.exchange === undefined) throw new Error('the run has no failure with a response');
    const coloured: ContractRun = { ...run, results: [{ ...failure, exchange: { ...failure.exchange, rawBody: '\u001b[31mboom\u001b[0m \u0000' } }] };

    const junit = formatJunit(coloured);
    // eslint-disable-next-line no-control-regex -- finding control characters is the purpose.
    expect(junit).not.toMatch(/[\u0000-\u0008\u000B\u000C\u000E-\u001F]/);
    expect(junit).toContain('\\u001b[31mboom\\u001b[0m \\u0000');
    expect(xmlStructureProblems(junit)).toEqual([]);
  });

  it('writes JSON totals that match', () => {
    const report = JSON.parse(formatJson(run)) as { totals: Record<string, number>; results: { outcome: string; curl: string | null }[] };
    expect(report.totals).toEqual(countOutcomes(run.results));
    expect(report.results).toHaveLength(run.results.length);
    expect(report.results.filter((result) => result.outcome === 'failed')).toHaveLength(report.totals.failed ?? -1);
    expect(report.results.filter((result) => result.outcome === 'skipped')).toHaveLength(report.totals.skipped ?? -1);
  });

  it('ends the console report with totals', () => {
    const totals = countOutcomes(run.results);
    const lines = formatConsoleReport(run).trimEnd().split('\n');
    expect(lines.at(-1)).toBe(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  });

  it('shows curl for a console failure', () => {
    const report = formatConsoleReport(run);
    expect(report).toContain('FAIL 1/2 getServices: valid request');
    expect(report).toMatch(/\n {2}request: curl -i -X GET 'http:\/\/127\.0\.0\.1:\d+\/v1\/services' -H 'Authorization: Bearer wrong-server-key'\n/);
    expect(report).toContain('  at /count: must be integer, got "10"');
  });
});
