import { toCurl } from './http-exchange.js';
import type { ContractRun } from './run-contract.js';
import type { CheckResult } from './results.js';

interface OperationSummary {
  operationId: string;
  passed: number;
  failed: number;
  skipped: number;
  reasons: Set<string>;
}

export function summarize(results: readonly CheckResult[]): OperationSummary[] {
  const byOperation = new Map<string, OperationSummary>();
  for (const result of results) {
    let summary = byOperation.get(result.operationId);
    if (summary === undefined) {
      summary = { operationId: result.operationId, passed: 0, failed: 0, skipped: 0, reasons: new Set() };
      byOperation.set(result.operationId, summary);
    }
    summary[result.outcome]++;
    if (result.outcome === 'skipped' && result.reason !== undefined) summary.reasons.add(result.reason);
  }
  return [...byOperation.values()];
}

/** Formats the report for a terminal: a table by operation, then each failure with a curl command to reproduce it. */
export function formatConsoleReport(run: ContractRun): string {
  const summaries = summarize(run.results);
  const width = Math.max(9, ...summaries.map((summary) => summary.operationId.length));
  const lines = [`Contract check of ${run.baseUrl} against the ${run.contract} contract`, ''];
  lines.push(`${'operation'.padEnd(width)}  passed  failed  skipped`);
  for (const summary of summaries) {
    const reasons = summary.reasons.size > 0 ? `  (skipped: ${[...summary.reasons].join('; ')})` : '';
    lines.push(`${summary.operationId.padEnd(width)}  ${String(summary.passed).padStart(6)}  ${String(summary.failed).padStart(6)}  ${String(summary.skipped).padStart(7)}${reasons}`);
  }

  const failures = run.results.filter((result) => result.outcome === 'failed');
  for (const [index, failure] of failures.entries()) {
    lines.push('', `FAIL ${index + 1}/${failures.length} ${failure.operationId}: ${failure.check}`, `  ${failure.reason ?? ''}`);
    for (const violation of failure.violations) lines.push(`  at ${violation.pointer}: ${violation.message}`);
    if (failure.exchange !== undefined) {
      lines.push(`  request: ${toCurl(failure.exchange.request)}`);
      const body = failure.exchange.rawBody.length > 500 ? `${failure.exchange.rawBody.slice(0, 500)}…` : failure.exchange.rawBody;
      lines.push(`  response: ${failure.exchange.error ?? `${failure.exchange.status} ${body}`}`);
    }
  }

  const totals = countOutcomes(run.results);
  lines.push('', `${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return `${lines.join('\n')}\n`;
}

export function countOutcomes(results: readonly CheckResult[]): { passed: number; failed: number; skipped: number } {
  return {
    passed: results.filter((result) => result.outcome === 'passed').length,
    failed: results.filter((result) => result.outcome === 'failed').length,
    skipped: results.filter((result) => result.outcome === 'skipped').length,
  };
}

/** Formats JUnit XML: one test suite per operation, one test case per check. */
export function formatJunit(run: ContractRun): string {
  const totals = countOutcomes(run.results);
  const lines = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="flightcontrol contract (${run.contract})" tests="${run.results.length}" failures="${totals.failed}" skipped="${totals.skipped}">`];
  for (const summary of summarize(run.results)) {
    const cases = run.results.filter((result) => result.operationId === summary.operationId);
    lines.push(`  <testsuite name="${xml(summary.operationId)}" tests="${cases.length}" failures="${summary.failed}" skipped="${summary.skipped}">`);
    for (const result of cases) {
      lines.push(`    <testcase classname="${xml(result.operationId)}" name="${xml(result.check)}">`);
      if (result.outcome === 'skipped') lines.push(`      <skipped message="${xml(result.reason ?? '')}"/>`);
      if (result.outcome === 'failed') {
        const details = [
          ...result.violations.map((violation) => `at ${violation.pointer}: ${violation.message}`),
          result.exchange === undefined ? '' : `request: ${toCurl(result.exchange.request)}`,
          result.exchange === undefined ? '' : `response: ${result.exchange.error ?? `${result.exchange.status} ${result.exchange.rawBody.slice(0, 2000)}`}`,
        ].filter((line) => line !== '');
        lines.push(`      <failure message="${xml(result.reason ?? '')}">${xml(details.join('\n'))}</failure>`);
      }
      lines.push('    </testcase>');
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>');
  return `${lines.join('\n')}\n`;
}

/** Formats the JSON report: totals, then every check with its request and response. */
export function formatJson(run: ContractRun): string {
  const report = {
    baseUrl: run.baseUrl,
    contract: run.contract,
    totals: countOutcomes(run.results),
    operations: summarize(run.results).map((summary) => ({ ...summary, reasons: [...summary.reasons] })),
    results: run.results.map((result) => ({
      operationId: result.operationId,
      check: result.check,
      outcome: result.outcome,
      reason: result.reason ?? null,
      violations: result.violations,
      request: result.exchange?.request ?? null,
      curl: result.exchange === undefined ? null : toCurl(result.exchange.request),
      response: result.exchange === undefined ? null : { status: result.exchange.status, body: result.exchange.rawBody, error: result.exchange.error ?? null },
    })),
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

// XML 1.0 forbids these characters even as character references, so they are written as
// visible \uXXXX text. Tab, line feed and carriage return are allowed and stay.
// eslint-disable-next-line no-control-regex -- finding control characters is the purpose.
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

function xml(text: string): string {
  return text
    .replace(XML_FORBIDDEN, (character) => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
