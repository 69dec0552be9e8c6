import { assertResponseMatchesContract, type ResponseRecord } from './contract-check.js';
import { assertControlResponseMatchesContract } from './control-check.js';

export interface ClientRequestOptions {
  /** API key sent as "Authorization: Bearer KEY"; the client's key unless null. */
  key?: string | null;
  /** A JSON body, sent with Content-Type: application/json. */
  json?: unknown;
}

export interface ClientResponse extends ResponseRecord {
  // Tests read fields of JSON bodies freely; the contract checks have already vetted them.
  body: any;
}

export type MockRequest = (method: string, target: string, options?: ClientRequestOptions) => Promise<ClientResponse>;

/**
 * Creates a fetch-based client of a running mock, as a user's test would write one. The
 * target is a path such as /v1/services or a full URL on the mock, such as a deploy-hook
 * URL. Each response is checked against spec/control-api.yml under /__mock/ and against
 * the Flightcontrol contract everywhere else.
 */
export function createMockClient(baseUrl: string, apiKey: string): MockRequest {
  return async (method, target, options = {}) => {
    const url = target.startsWith('http') ? target : `${baseUrl}${target}`;
    if (!url.startsWith(`${baseUrl}/`)) throw new Error(`${url} is not on the mock at ${baseUrl}`);
    const path = url.slice(baseUrl.length);

    const headers: Record<string, string> = {};
    const key = options.key === undefined ? apiKey : options.key;
    if (key !== null) headers.Authorization = `Bearer ${key}`;
    if (options.json !== undefined) headers['Content-Type'] = 'application/json';

    const response = await fetch(url, { method, headers, body: options.json === undefined ? undefined : JSON.stringify(options.json) });
    const rawBody = await response.text();
    let body: unknown;
    try {
      body = rawBody === '' ? undefined : JSON.parse(rawBody);
    } catch {
      throw new Error(`${method} ${path} -> ${response.status}: the body is not JSON: ${rawBody.slice(0, 200)}`);
    }
    const record: ClientResponse = { method, path, status: response.status, headers: Object.fromEntries(response.headers), body, rawBody };

    if (path.startsWith('/__mock/')) await assertControlResponseMatchesContract(record);
    else await assertResponseMatchesContract(record);
    return record;
  };
}
