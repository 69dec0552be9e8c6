import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { startMock, type Mock } from '../src/index.js';
import { launchChromium, type Browser } from './helpers/browser.js';
import { createMockClient, type MockRequest } from './helpers/mock-client.js';

// The page polls every second, so a change shows within about two seconds.
const WAIT_MS = 5_000;
const SCREENSHOT = fileURLToPath(new URL('../test-results/dashboard.png', import.meta.url));
// Scripts that run in the page are passed as text, because this project's TypeScript
// configuration has no DOM types.
const READ_STORED_KEY = "localStorage.getItem('flightcontrol-mock.apiKey')";

describe('dashboard page', () => {
  let mock: Mock;
  let request: MockRequest;
  let browser: Browser | undefined;
  let page: Page;
  const alerts: string[] = [];

  beforeAll(async () => {
    mock = await startMock();
    request = createMockClient(mock.url, mock.apiKey);

    browser = await launchChromium();
    page = await browser.context.newPage();
    // Reset and scenario loading ask for confirmation, which the test accepts as a user would.
    page.on('dialog', (dialog) => {
      if (dialog.type() === 'alert') alerts.push(dialog.message());
      void dialog.accept();
    });
    await page.goto(mock.url);
  });

  afterAll(async () => {
    await browser?.close();
    await mock?.close();
  });

  const byTestId = (testId: string): Locator => page.locator(`[data-testid="${testId}"]`);

  /** Waits until an element with the test id, inside `scope`, shows exactly `text`. */
  async function waitForText(testId: string, text: string, scope: Page | Locator = page): Promise<Locator> {
    const exactText = new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`);
    const match = scope.locator(`[data-testid="${testId}"]`).filter({ hasText: exactText }).first();
    await match.waitFor({ timeout: WAIT_MS });
    return match;
  }

  async function enterKey(key: string): Promise<void> {
    await byTestId('api-key').fill(key);
    await byTestId('connect').click();
  }

  it('shows the scenario and clock', async () => {
    await enterKey(mock.apiKey);

    await waitForText('scenario-name', 'default');
    expect(await byTestId('clock-now').textContent()).toBe('2026-01-01 00:00:00');
    expect(await byTestId('clock-mode').textContent()).toBe('manual clock');
    expect(await byTestId('error-line').isHidden()).toBe(true);
  });

  it('remembers the key', async () => {
    const stored = await page.evaluate<string | null>(READ_STORED_KEY);

    expect(stored).toBe(mock.apiKey);
  });

  it('follows a deployment through its stages', async () => {
    const hook = await request('GET', mock.deployHookUrl('production'), { key: null });
    expect(hook.status).toBe(200);

    const deployment = page.locator(`[data-testid="deployment"][data-deployment-id="${hook.body.deploymentId}"]`);
    await waitForText('deployment-status', 'PENDING', deployment);

    await byTestId('advance-10s').click();
    await byTestId('advance-1m').click();
    await waitForText('clock-now', '2026-01-01 00:01:10');
    await waitForText('deployment-status', 'BUILDING', deployment);

    mock.clock.advance('5m');
    await waitForText('deployment-status', 'SUCCESS', deployment);

    const stages = await deployment.locator('[data-testid="stage"]').evaluateAll((items) => items.map((item) => item.getAttribute('data-status')));
    expect(stages).toEqual(['PENDING', 'INPROGRESS', 'BUILDING', 'DEPLOYING', 'SUCCESS']);
    expect(await deployment.locator('[data-testid="stage"] time').first().textContent()).toBe('00:00:00');
    expect(await deployment.locator('[data-testid="stage"] .offset').last().textContent()).toMatch(/^\+\d+ min( \d+ s)?$/);

    const serviceStatuses = await deployment.locator('[data-testid="service-status"]').allTextContents();
    expect(serviceStatuses.length).toBeGreaterThan(0);
    expect(new Set(serviceStatuses)).toEqual(new Set(['SUCCESS']));
  });

  it('shows an invalidation completing', async () => {
    const services = mock.world().services as { id: string; cloudfront: boolean }[];
    const service = services.find((candidate) => candidate.cloudfront);
    expect(service).toBeDefined();

    const created = await request('POST', `/v1/services/${service?.id}/cloudfront/invalidation`, { json: { paths: ['/index.html', '/assets/*'] } });
    expect(created.status).toBe(200);

    const row = page.locator(`[data-testid="invalidation"][data-invalidation-id="${created.body.invalidationId}"]`);
    await row.waitFor({ timeout: WAIT_MS });
    expect(await row.locator('[data-testid="invalidation-paths"] li').allTextContents()).toEqual(['/index.html', '/assets/*']);
    expect(await row.locator('[data-testid="invalidation-status"]').textContent()).toBe('InProgress');

    await byTestId('advance-1m').click();
    await waitForText('invalidation-status', 'Completed', row);
  });

  it('lists requests in the journal', async () => {
    const missing = await request('GET', '/v1/deployments/cnotarealdeployment000000');
    expect(missing.status).toBe(404);

    const hookRow = page.locator('[data-testid="journal-entry"]', { hasText: 'triggerDeployHook' });
    await hookRow.waitFor({ timeout: WAIT_MS });
    const notFoundBadge = page.locator('[data-testid="journal-status"][data-status="404"]');
    await notFoundBadge.waitFor({ timeout: WAIT_MS });

    expect(await hookRow.locator('td').nth(1).textContent()).toBe('GET');
    expect(await hookRow.locator('td').nth(2).textContent()).toContain('/api/deploy-hook/');
    expect(await hookRow.locator('[data-testid="journal-status"]').textContent()).toBe('200');
    expect(await hookRow.locator('[data-testid="journal-status"]').getAttribute('class')).toContain('tone-ok');
    expect(await notFoundBadge.getAttribute('class')).toContain('tone-wait');
  });

  it('saves a screenshot', async () => {
    mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.screenshot({ path: SCREENSHOT, fullPage: true });

    expect(existsSync(SCREENSHOT)).toBe(true);
  });

  it('escapes values from the server', async () => {
    const services = mock.world().services as { id: string; cloudfront: boolean }[];
    const service = services.find((candidate) => candidate.cloudfront);
    const markup = '/<img src=x onerror=alert(1)>.html';
    const created = await request('POST', `/v1/services/${service?.id}/cloudfront/invalidation`, { json: { paths: [markup] } });
    expect(created.status).toBe(200);

    const row = page.locator(`[data-testid="invalidation"][data-invalidation-id="${created.body.invalidationId}"]`);
    await row.waitFor({ timeout: WAIT_MS });

    expect(await row.locator('[data-testid="invalidation-paths"] li').textContent()).toBe(markup);
    expect(await row.locator('img').count()).toBe(0);
    expect(alerts).toEqual([]);
  });

  it('reset empties the deployments', async () => {
    await byTestId('reset').click();

    await byTestId('deployments-empty').waitFor({ timeout: WAIT_MS });
    expect(await byTestId('deployment').count()).toBe(0);
    expect(await byTestId('invalidation').count()).toBe(0);
    expect(await byTestId('journal-entry').count()).toBe(0);
  });

  it('switches the scenario', async () => {
    await byTestId('scenario-select').selectOption('build-error');
    await byTestId('load-scenario').click();

    await waitForText('scenario-name', 'build-error');
    expect(mock.scenario.name).toBe('build-error');
    expect(await byTestId('scenario-description').textContent()).toContain('BUILD_ERROR');
  });

  it('wrong key shows the error line', async () => {
    // Too short for the documented key form, so the server cannot take it as a new tenant.
    await enterKey('nope');

    await byTestId('error-line').waitFor({ state: 'visible', timeout: WAIT_MS });
    const message = await byTestId('error-line').textContent();
    expect(message).toContain('401');
    expect(message).toContain('Check the API key');
    expect(await byTestId('connection').textContent()).toBe('Failing');
  });

  it('recovers with the right key', async () => {
    await enterKey(mock.apiKey);

    await byTestId('error-line').waitFor({ state: 'hidden', timeout: WAIT_MS });
    await waitForText('connection', 'Live');
    expect(await byTestId('scenario-name').textContent()).toBe('build-error');
  });

  it('takes the key from the fragment', async () => {
    // The stored key is wrong, so only the fragment's key can make the second page work.
    await page.evaluate("localStorage.setItem('flightcontrol-mock.apiKey', 'nope')");
    if (browser === undefined) throw new Error('The browser did not start.');
    const second = await browser.context.newPage();
    await second.goto(`${mock.url}/__mock/ui#key=${encodeURIComponent(mock.apiKey)}`);

    await second.locator('[data-testid="scenario-name"]', { hasText: 'build-error' }).waitFor({ timeout: WAIT_MS });
    expect(await second.locator('[data-testid="api-key"]').inputValue()).toBe(mock.apiKey);
    expect(await second.evaluate<string | null>(READ_STORED_KEY)).toBe(mock.apiKey);
    expect(new URL(second.url()).hash).toBe('');
    await second.close();
  });

  it('pauses while the tab is hidden', async () => {
    // Headless Chromium has no tab to switch away from, so the test overrides document.hidden
    // and sends the visibilitychange event that a browser sends on a tab switch.
    const setHidden = (hidden: boolean) =>
      page.evaluate(`
        Object.defineProperty(document, 'hidden', { configurable: true, get: () => ${String(hidden)} });
        document.dispatchEvent(new Event('visibilitychange'));
      `);

    await setHidden(true);
    await waitForText('connection', 'Paused while hidden');
    // Lets a poll that started before the tab was hidden finish first.
    await page.waitForTimeout(300);
    const shownBefore = await byTestId('clock-now').textContent();
    mock.clock.advance('10m');
    await page.waitForTimeout(1_500);
    expect(await byTestId('clock-now').textContent()).toBe(shownBefore);

    await setHidden(false);
    await waitForText('connection', 'Live');
    await expect.poll(() => byTestId('clock-now').textContent(), { timeout: WAIT_MS }).not.toBe(shownBefore);
  });
});
