import type { Operation } from 'openapi-backend';

import type { Contract } from '../server/contract.js';
import type { Fixtures } from './fixtures.js';
import { serviceFor } from './fixtures.js';
import type { Exchange } from './http-exchange.js';
import { checkResponse } from './response-check.js';
import { failed, passed, skipped, type CheckResult } from './results.js';

/** The inputs of a flow: the contract, a way to call the server, and how long it may poll. */
export interface FlowContext {
  contract: Contract;
  fixtures: Fixtures;
  call(method: string, path: string, body?: unknown): Promise<Exchange>;
  callHook(path: string): Promise<Exchange>;
  /** Waits for the next poll: advances the mock's clock, or sleeps on another server. */
  waitForNextPoll(): Promise<void>;
  timeoutMs: number;
}

const IN_PROGRESS = ['PENDING', 'INPROGRESS', 'PENDING_DEPENDENCY', 'PROVISIONING', 'BUILDING', 'DEPLOYING'];
const FINAL = ['SUCCESS', 'NO_CHANGE', 'ERROR', 'BUILD_ERROR', 'DEPLOY_ERROR', 'CANCELLED'];

type Flow = (context: FlowContext, operations: Map<string, Operation>) => Promise<CheckResult>;

// Each flow with the operationId it checks, which selects it.
const FLOWS: [operationId: string, flow: Flow][] = [
  ['getDeployment', deploymentFlow],
  ['getCloudFrontInvalidationStatus', invalidationFlow],
  ['updateScaling', scalingFlow],
  ['getServices', pagingFlow],
  ['createEnvironmentEnvVariables', envVariablesFlow],
];

/**
 * Runs the stateful flows of the selected operations. A flow creates deployments,
 * invalidations or env variables on the server, so an unselected flow does not run.
 */
export async function runFlows(context: FlowContext, isSelected: (operationId: string) => boolean = () => true): Promise<CheckResult[]> {
  const operations = new Map(context.contract.operations.map((operation) => [operation.operationId ?? '', operation]));
  const results: CheckResult[] = [];
  for (const [operationId, flow] of FLOWS) {
    if (isSelected(operationId)) results.push(await flow(context, operations));
  }
  return results;
}

/** Triggers a deploy hook, then polls the deployment until it reaches a final status. */
async function deploymentFlow(context: FlowContext, operations: Map<string, Operation>): Promise<CheckResult> {
  const name = 'flow: deploy hook, then poll the deployment to a final status';
  const getDeployment = operations.get('getDeployment');
  const hook = context.fixtures.hook;
  if (getDeployment === undefined) return skipped('getDeployment', name, 'the contract has no getDeployment');
  if (hook === undefined) return skipped('getDeployment', name, 'no deploy hook is known; pass --deploy-hook-url');

  const triggered = await context.callHook(`/api/deploy-hook/${hook.envId}/${encodeURIComponent(hook.secret)}`);
  const deploymentId = (triggered.json as { deploymentId?: unknown } | undefined)?.deploymentId;
  if (typeof deploymentId !== 'string') return failed('triggerDeployHook', name, 'the deploy hook returned no deploymentId', triggered);

  const seen: string[] = [];
  const deadline = Date.now() + context.timeoutMs;
  let last: Exchange | undefined;
  while (Date.now() < deadline) {
    last = await context.call('GET', `/v1/deployments/${encodeURIComponent(deploymentId)}`);
    const verdict = checkResponse(context.contract, getDeployment, last, 'success');
    if (!verdict.ok) return failed('getDeployment', name, `reading deployment ${deploymentId} created by the hook: ${verdict.reason ?? ''}`, last, verdict.violations);

    const body = last.json as { deploymentId?: unknown; status?: unknown };
    if (body.deploymentId !== deploymentId) {
      return failed('getDeployment', name, `the read did not reflect the write: the hook created deployment ${deploymentId}, but reading it returned deploymentId ${JSON.stringify(body.deploymentId)}`, last);
    }
    const status = String(body.status);
    const previous = seen.at(-1);
    if (previous !== status) seen.push(status);
    if (previous !== undefined && IN_PROGRESS.includes(status) && IN_PROGRESS.indexOf(status) < IN_PROGRESS.indexOf(previous)) {
      return failed('getDeployment', name, `the status went back from ${previous} to ${status}`, last);
    }
    if (FINAL.includes(status)) return passed('getDeployment', name, last, `statuses seen: ${seen.join(' → ')}`);
    if (!IN_PROGRESS.includes(status)) return failed('getDeployment', name, `unknown deployment status ${status}`, last);
    await context.waitForNextPoll();
  }
  return failed('getDeployment', name, `deployment ${deploymentId} did not reach a final status within the timeout; statuses seen: ${seen.join(' → ')}`, last);
}

/** Creates an invalidation of /*, then polls it until it is Completed. */
async function invalidationFlow(context: FlowContext, operations: Map<string, Operation>): Promise<CheckResult> {
  const name = 'flow: create an invalidation, then poll it to Completed';
  const getStatus = operations.get('getCloudFrontInvalidationStatus');
  const serviceId = serviceFor('createCloudFrontInvalidation', context.fixtures);
  if (getStatus === undefined) return skipped('getCloudFrontInvalidationStatus', name, 'the contract has no getCloudFrontInvalidationStatus');
  if (serviceId === undefined) return skipped('getCloudFrontInvalidationStatus', name, 'no service with a CloudFront distribution is known');

  const created = await context.call('POST', `/v1/services/${encodeURIComponent(serviceId)}/cloudfront/invalidation`, { paths: ['/*'] });
  const invalidationId = (created.json as { invalidationId?: unknown } | undefined)?.invalidationId;
  if (typeof invalidationId !== 'string') return failed('createCloudFrontInvalidation', name, 'creating the invalidation returned no invalidationId', created);

  const deadline = Date.now() + context.timeoutMs;
  let last: Exchange | undefined;
  while (Date.now() < deadline) {
    last = await context.call('GET', `/v1/cloudfront/invalidation/${encodeURIComponent(invalidationId)}`);
    const verdict = checkResponse(context.contract, getStatus, last, 'success');
    if (!verdict.ok) return failed('getCloudFrontInvalidationStatus', name, `reading invalidation ${invalidationId}: ${verdict.reason ?? ''}`, last, verdict.violations);

    const body = (last.json ?? {}) as { invalidationId?: unknown; status?: unknown };
    if (body.invalidationId !== undefined && body.invalidationId !== invalidationId) {
      return failed('getCloudFrontInvalidationStatus', name, `the read did not reflect the write: invalidation ${invalidationId} was created, but its status reports invalidationId ${JSON.stringify(body.invalidationId)}`, last);
    }
    if (body.status === 'Completed') return passed('getCloudFrontInvalidationStatus', name, last);
    if (body.status !== 'InProgress') {
      return failed('getCloudFrontInvalidationStatus', name, `expected status InProgress or Completed, got ${JSON.stringify(body.status)}`, last);
    }
    await context.waitForNextPoll();
  }
  return failed('getCloudFrontInvalidationStatus', name, `invalidation ${invalidationId} was not Completed within the timeout`, last);
}

/** Sets a scalable service's desired count, then reads it back. */
async function scalingFlow(context: FlowContext, operations: Map<string, Operation>): Promise<CheckResult> {
  const name = 'flow: change scaling, then confirm the new count';
  const serviceId = serviceFor('updateScaling', context.fixtures);
  if (!operations.has('updateScaling')) return skipped('updateScaling', name, 'the contract has no updateScaling');
  if (serviceId === undefined) return skipped('updateScaling', name, 'no scalable service is known');

  const path = `/v1/services/${encodeURIComponent(serviceId)}/scaling`;
  const before = await context.call('POST', path, { operation: 'add', count: 0 });
  const current = (before.json as { newDesiredCount?: unknown } | undefined)?.newDesiredCount;
  const target = typeof current === 'number' && current < 100 ? current + 1 : 1;

  const changed = await context.call('POST', path, { operation: 'set', count: target });
  if (changed.status !== 200) return failed('updateScaling', name, `setting the count to ${target} answered ${changed.status}`, changed);

  // The documented contract reads scaling directly; the seed contract only through a no-op change.
  const read = operations.has('getScaling') ? await context.call('GET', path) : await context.call('POST', path, { operation: 'add', count: 0 });
  const body = (read.json ?? {}) as { desiredInstances?: unknown; previousDesiredCount?: unknown };
  const reported = operations.has('getScaling') ? body.desiredInstances : body.previousDesiredCount;
  if (reported !== target) {
    return failed('updateScaling', name, `the read did not reflect the write: after 'set ${target}', ${operations.has('getScaling') ? 'getScaling reported desiredInstances' : "a following 'add 0' reported previousDesiredCount"} ${JSON.stringify(reported)}`, read);
  }
  return passed('updateScaling', name, read);
}

/** Pages through the services list and checks that the pages contain every service exactly once. */
async function pagingFlow(context: FlowContext, operations: Map<string, Operation>): Promise<CheckResult> {
  const name = 'flow: page through the services, each exactly once';
  const getServices = operations.get('getServices');
  if (getServices === undefined) return skipped('getServices', name, 'the contract has no getServices');

  const take = 7;
  const ids: string[] = [];
  let skip: number | null = 0;
  let count: number | undefined;
  let last: Exchange | undefined;
  for (let page = 0; skip !== null && page < 1_000; page++) {
    last = await context.call('GET', `/v1/services?skip=${skip}&take=${take}`);
    const verdict = checkResponse(context.contract, getServices, last, 'success');
    if (!verdict.ok) return failed('getServices', name, `page at skip ${skip}: ${verdict.reason ?? ''}`, last, verdict.violations);

    const body = last.json as { count?: unknown; nextPage?: unknown; services?: { id?: unknown }[] };
    count ??= typeof body.count === 'number' ? body.count : undefined;
    const services = body.services ?? [];
    if (services.length > take) return failed('getServices', name, `page at skip ${skip} holds ${services.length} services, more than take=${take}`, last);
    ids.push(...services.map((service) => String(service.id)));
    if (typeof body.nextPage === 'number' && body.nextPage <= skip) {
      return failed('getServices', name, `nextPage ${body.nextPage} does not move past skip ${skip}, so a client paging through would loop`, last);
    }
    skip = typeof body.nextPage === 'number' && services.length > 0 ? body.nextPage : null;
  }

  const unique = new Set(ids);
  if (unique.size !== ids.length) return failed('getServices', name, `the pages repeat services: ${ids.length} entries for ${unique.size} services`, last);
  if (count !== undefined && ids.length !== count) return failed('getServices', name, `the pages hold ${ids.length} services, but count says ${count}`, last);
  return passed('getServices', name, last, `${ids.length} services in pages of ${take}`);
}

/** Writes env variables twice and checks that each write reports what it saved. */
async function envVariablesFlow(context: FlowContext, operations: Map<string, Operation>): Promise<CheckResult> {
  const name = 'flow: write env variables, then confirm the save with a second write';
  const environmentId = context.fixtures.services[0]?.environmentId;
  if (!operations.has('createEnvironmentEnvVariables')) return skipped('createEnvironmentEnvVariables', name, 'the contract has no createEnvironmentEnvVariables');
  if (environmentId === undefined) return skipped('createEnvironmentEnvVariables', name, 'no environment is known');

  const path = `/v1/environments/${encodeURIComponent(environmentId)}/env-variables`;
  const variables = { CONTRACT_CHECK_A: 'one', CONTRACT_CHECK_B: 'two' };
  const first = await context.call('POST', path, { plainText: variables });
  const second = await context.call('POST', path, { plainText: variables });
  for (const [label, exchange] of [['first', first], ['second', second]] as const) {
    const body = (exchange.json ?? {}) as { status?: unknown; savedCount?: unknown };
    if (exchange.status !== 200 || body.status !== 'completed' || body.savedCount !== 2) {
      return failed('createEnvironmentEnvVariables', name, `the ${label} write of 2 plain-text variables answered ${exchange.status} ${exchange.rawBody.slice(0, 200)}, expected 200 with status completed and savedCount 2`, exchange);
    }
  }
  if (!context.fixtures.controlApi) return passed('createEnvironmentEnvVariables', name, second, 'the contract has no read of env variables, so only the write answers were checked');

  const world = await context.call('GET', '/__mock/world');
  const environment = ((world.json as { environments?: { id: string; envVariables?: string[] }[] } | undefined)?.environments ?? []).find((item) => item.id === environmentId);
  const saved = environment?.envVariables ?? [];
  if (!saved.includes('CONTRACT_CHECK_A') || !saved.includes('CONTRACT_CHECK_B')) {
    return failed('createEnvironmentEnvVariables', name, `the read did not reflect the write: the control API lists ${JSON.stringify(saved)} for environment ${environmentId}`, world);
  }
  return passed('createEnvironmentEnvVariables', name, second);
}
