import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { assertResponseMatchesContract } from './helpers/contract-check.js';

// The journey of a real CI client, against the server started exactly as the README's
// quick start does it: `npm start`, here with a free port and a manual clock so that the
// test can poll "every 10 seconds" without waiting.
const PROJECT_ROOT = new URL('..', import.meta.url).pathname;
const POLL_LIMIT = 100;

interface Banner {
  baseUrl: string;
  apiKey: string;
  hookUrl: string;
  cloudfrontServiceId: string;
}

describe('client journey over a started process', () => {
  let child: ChildProcess;
  let banner: Banner;
  let output = '';

  beforeAll(async () => {
    child = spawn('npm', ['start', '--', '--port', '0', '--clock', 'manual', '--log-level', 'warn'], {
      cwd: PROJECT_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
    banner = await waitForBanner(() => output, child);
  }, 30_000);

  afterAll(() => {
    if (child.exitCode === null) child.kill('SIGKILL');
  });

  async function call(method: string, url: string, body?: unknown, authorized = true) {
    const headers: Record<string, string> = {};
    if (authorized) headers.Authorization = `Bearer ${banner.apiKey}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';

    const response = await fetch(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const rawBody = await response.text();
    const parsed: unknown = rawBody === '' ? undefined : JSON.parse(rawBody);
    const path = url.slice(banner.baseUrl.length);
    await assertResponseMatchesContract({
      method,
      path,
      status: response.status,
      headers: Object.fromEntries(response.headers),
      body: parsed,
      rawBody,
    });
    return { status: response.status, body: parsed as any };
  }

  const advanceTenSeconds = () => call('POST', `${banner.baseUrl}/__mock/clock`, { advanceMs: 10_000 });

  it('deploys through the hook and polls to SUCCESS', async () => {
    const hook = await call('GET', banner.hookUrl, undefined, false);
    expect(hook.status).toBe(200);
    expect(hook.body.success).toBe(true);

    const seen: string[] = [];
    for (let attempt = 0; attempt < POLL_LIMIT; attempt++) {
      const deployment = await call('GET', `${banner.baseUrl}/v1/deployments/${hook.body.deploymentId}`);
      expect(deployment.status).toBe(200);
      if (seen.at(-1) !== deployment.body.status) seen.push(deployment.body.status);
      if (deployment.body.status === 'SUCCESS') break;
      await advanceTenSeconds();
    }
    expect(seen).toEqual(['PENDING', 'INPROGRESS', 'BUILDING', 'DEPLOYING', 'SUCCESS']);
  });

  it('invalidates /* and polls to Completed', async () => {
    const created = await call('POST', `${banner.baseUrl}/v1/services/${banner.cloudfrontServiceId}/cloudfront/invalidation`, { paths: ['/*'] });
    expect(created.status).toBe(200);

    const seen: string[] = [];
    for (let attempt = 0; attempt < POLL_LIMIT; attempt++) {
      const status = await call('GET', `${banner.baseUrl}/v1/cloudfront/invalidation/${created.body.invalidationId}`);
      expect(status.status).toBe(200);
      if (seen.at(-1) !== status.body.status) seen.push(status.body.status);
      if (status.body.status === 'Completed') break;
      await advanceTenSeconds();
    }
    expect(seen).toEqual(['InProgress', 'Completed']);
  });

  it('pages through every service once', async () => {
    const ids: string[] = [];
    let skip: number | null = 0;
    let total = -1;
    for (let page = 0; skip !== null && page < POLL_LIMIT; page++) {
      const response = await call('GET', `${banner.baseUrl}/v1/services?skip=${skip}&take=10`);
      expect(response.status).toBe(200);
      total = response.body.count;
      ids.push(...response.body.services.map((service: { id: string }) => service.id));
      skip = response.body.nextPage;
    }
    expect(total).toBeGreaterThan(25);
    expect(ids).toHaveLength(total);
    expect(new Set(ids).size).toBe(total);
  });

  it('stops cleanly on SIGTERM', async () => {
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    const [code] = (await exited) as [number | null];
    expect(code).toBe(0);
  });
});

/** Waits until the banner is printed and reads the URL, key, first hook and a CloudFront service from it. */
async function waitForBanner(read: () => string, child: ChildProcess): Promise<Banner> {
  const deadline = Date.now() + 25_000;
  while (Date.now() < deadline) {
    const text = read();
    const base = /serving the Flightcontrol API at (http:\/\/\S+)/.exec(text);
    const key = /API key\s+(\S+)/.exec(text);
    const hook = /: (http:\/\/\S+\/api\/deploy-hook\/\d+\/[a-z0-9]+)\n/.exec(text);
    const site = /CloudFront\s+service (\S+)/.exec(text);
    if (base?.[1] && key?.[1] && hook?.[1] && site?.[1]) {
      return { baseUrl: base[1], apiKey: key[1], hookUrl: hook[1], cloudfrontServiceId: site[1] };
    }
    if (child.exitCode !== null) throw new Error(`The server exited with code ${child.exitCode}:\n${text}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`No banner within 25 seconds:\n${read()}`);
}
