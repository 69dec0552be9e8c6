import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startMock, type Mock } from '../src/index.js';
import { launchChromium, type Browser } from './helpers/browser.js';

describe('docs page', () => {
  let mock: Mock;
  let browser: Browser;

  beforeAll(async () => {
    mock = await startMock();
    browser = await launchChromium();
  });

  afterAll(async () => {
    await browser.close();
    await mock.close();
  });

  it('serves the effective contract', async () => {
    const response = await fetch(`${mock.url}/docs/json`);
    const document = (await response.json()) as { servers: { url: string }[]; paths: Record<string, Record<string, { operationId?: string; servers?: unknown }>> };

    expect(response.status).toBe(200);
    expect(document.servers).toEqual([{ url: '/', description: 'this flightcontrol-mock server' }]);
    expect(document.paths['/v1/services/{serviceId}/scaling']?.get?.operationId).toBe('getScaling');
    expect(document.paths['/api/deploy-hook/{envId}/{secret}']?.get?.servers).toBeUndefined();
  });

  it('serves Swagger UI', async () => {
    const response = await fetch(`${mock.url}/docs/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
  });

  it('runs Try it out against the mock', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${mock.url}/docs/`);

    await page.getByRole('button', { name: 'Authorize' }).click();
    await page.locator('#auth-bearer-value').fill(mock.apiKey);
    await page.getByRole('button', { name: 'Apply credentials' }).click();
    await page.locator('.modal-ux button.btn-done').click();

    const operation = page.locator('.opblock').filter({ has: page.locator('.opblock-summary-path', { hasText: /^\/v1\/services$/ }) });
    await operation.locator('.opblock-summary').click();
    // The docs open with "Try it out" already on, so Execute is there at once.
    await operation.getByRole('button', { name: 'Execute' }).click();

    const status = operation.locator('.live-responses-table .response .response-col_status').first();
    await expect.poll(async () => (await status.textContent())?.trim(), { timeout: 10_000 }).toBe('200');
    expect(mock.journal.entries({ operationId: 'getServices' }).at(-1)?.status).toBe(200);
    await page.close();
  });

  it('lists the control API too', async () => {
    const page = await browser.context.newPage();
    await page.goto(`${mock.url}/docs/`);
    const select = page.locator('select#select');
    await expect.poll(async () => (await select.locator('option').allTextContents()).join('|'), { timeout: 10_000 }).toContain('flightcontrol-mock control API');
    await page.close();
  });
});
