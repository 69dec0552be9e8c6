import type { Mock } from '../../src/index.js';
import { assertResponseMatchesContract } from './contract-check.js';
import type { TestResponse } from './test-server.js';

/** Where a mock listens and the key it accepts: a started Mock, or a CLI server read from its banner. */
export type MockAddress = Pick<Mock, 'url' | 'apiKey'>;

export interface CallOptions {
  /** API key sent as "Authorization: Bearer KEY". The mock's own key by default, and null sends no header. */
  key?: string | null;
  /** A JSON body, sent with Content-Type: application/json. */
  json?: unknown;
}

/**
 * Calls a running mock with fetch, the way a client under test would, and checks the
 * response against the contract before returning it. `target` is a path such as
 * "/v1/services" or a full URL that the mock handed out, such as a deploy-hook URL.
 * A dropped connection rejects, as it does for any fetch caller.
 */
export async function callMock(mock: MockAddress, method: string, target: string, options: CallOptions = {}): Promise<TestResponse> {
  const url = new URL(target, mock.url);
  if (url.origin !== new URL(mock.url).origin) throw new Error(`callMock sends only to the mock at ${mock.url}, not to ${url.origin}`);

  const headers: Record<string, string> = {};
  const key = options.key === undefined ? mock.apiKey : options.key;
  if (key !== null) headers.Authorization = `Bearer ${key}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['Content-Type'] = 'application/json';
  }

  const response = await fetch(url, { method, headers, body });
  const rawBody = await response.text();
  let parsed: unknown = rawBody;
  try {
    parsed = rawBody === '' ? undefined : JSON.parse(rawBody);
  } catch {
    // Left as text: the contract check reports a body that is not JSON.
  }

  const record: TestResponse = {
    method,
    path: `${url.pathname}${url.search}`,
    status: response.status,
    headers: Object.fromEntries(response.headers.entries()),
    body: parsed,
    rawBody,
  };
  await assertResponseMatchesContract(record);
  return record;
}

export const FINAL_STATUSES: readonly string[] = ['SUCCESS', 'NO_CHANGE', 'BUILD_ERROR', 'DEPLOY_ERROR', 'ERROR', 'CANCELLED'];

/**
 * Polls a deployment, moving the mock's clock 10 s after each read that is not final,
 * and returns the first final body. Gives up after `maxPolls` reads.
 */
export async function pollDeployment(mock: Mock, deploymentId: string, maxPolls = 120): Promise<TestResponse> {
  for (let poll = 0; poll < maxPolls; poll++) {
    const response = await callMock(mock, 'GET', `/v1/deployments/${deploymentId}`);
    if (response.status !== 200) throw new Error(`GET /v1/deployments/${deploymentId} returned ${response.status}: ${response.rawBody}`);
    if (FINAL_STATUSES.includes(response.body.status)) return response;
    mock.clock.advance('10s');
  }
  throw new Error(`Deployment ${deploymentId} did not reach a final status within ${maxPolls} polls of 10 s.`);
}

/** Triggers a deploy hook URL that the mock handed out and returns the new deployment's id. */
export async function triggerDeploy(mock: Mock, hookUrl: string): Promise<string> {
  const response = await callMock(mock, 'GET', hookUrl, { key: null });
  if (response.status !== 200) throw new Error(`Deploy hook returned ${response.status}: ${response.rawBody}`);
  return response.body.deploymentId as string;
}
