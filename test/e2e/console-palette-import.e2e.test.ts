/**
 * Issue 23 in a real browser (Chromium via playwright-core) against a real `strata server`: the Packs page imports a
 * Palette pack directory (Check shows the report and stores nothing, Import stores it), and the Profiles page imports
 * a Palette profile export as a draft — both dialogs pass axe-core.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { api, type Api } from './support/api.js';
import { consoleFor, describeViolations, launchBrowser, seriousViolations } from './support/browser.js';
import { PROJECT } from './support/clusters.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { sequentialSteps } from './support/steps.js';

const FIXTURES = fileURLToPath(new URL('../fixtures/palette/', import.meta.url));

describe('Import from Palette in the console', () => {
  let server: ServerProcess;
  let admin: Api;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const step = sequentialSteps();
  before(async () => {
    server = await startServerProcess();
    admin = api(server.url, server.adminKey);
    browser = await launchBrowser();
    context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await context?.close().catch(() => undefined);
    await browser?.close().catch(() => undefined);
    await server?.stop();
  });

  step('signs in', async () => {
    const endpoint = await consoleFor(server.url);
    await page.goto(endpoint.url);
    const password = (await readFile(join(server.dataDir, 'admin-password'), 'utf8')).trim();
    await page.getByLabel('User name').fill('admin');
    await page.getByRole('textbox', { name: 'Password' }).fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Fleet dashboard' }).waitFor();
  });

  step('checks a Palette pack directory (nothing stored), then imports it', async () => {
    await page.goto(`${server.url}/packs`);
    await page.getByRole('button', { name: 'Import from Palette' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import a Palette pack' });
    await dialog
      .getByLabel('Palette pack directory')
      .setInputFiles(join(FIXTURES, 'packs', 'hello-manifests'));
    await dialog.getByText('hello-manifests: 4 files').waitFor();
    await dialog.getByRole('button', { name: 'Check' }).click();
    await dialog
      .getByText(/hello-manifests 1\.0\.0 can be imported \(\d+ translated, 1 left out, 0 errors\)/)
      .waitFor();
    const report = dialog.getByRole('table', { name: 'Conversion report' });
    await report
      .getByRole('row', { name: /left out \/pack\.json\/cloudTypes cloud type "tke" has no Strata provider/ })
      .waitFor();
    assert.equal(
      (await admin.call('GET', '/v1/packs/hello-manifests')).status,
      404,
      'a check stores nothing',
    );
    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await dialog.getByText(/hello-manifests 1\.0\.0 was imported/).waitFor();
    assert.equal((await admin.call('GET', '/v1/packs/hello-manifests')).status, 200);
    await page.keyboard.press('Escape');
    await page
      .getByRole('table', { name: 'Packs' })
      .getByRole('link', { name: 'Hello (manifests)' })
      .waitFor();
  });

  step('checks a Palette profile export (report and validation), then imports it as a draft', async () => {
    await page.goto(`${server.url}/profiles`);
    await page.getByRole('button', { name: 'Import from Palette' }).click();
    const dialog = page.getByRole('dialog', { name: 'Import Palette cluster profiles' });
    await dialog
      .getByLabel('Palette profile file')
      .setInputFiles(join(FIXTURES, 'profiles', 'sandbox-hello.yaml'));
    await dialog.getByRole('button', { name: 'Check' }).click();
    await dialog.getByText(/is valid and can be imported/).waitFor();
    await dialog
      .getByRole('table', { name: 'Report for palette-hello' })
      .getByRole('row', { name: /translated .*\.spectro\.var\.greeting → \.var\.greeting/ })
      .waitFor();
    assert.equal((await admin.call('GET', `${PROJECT}/clusterprofiles/palette-hello`)).status, 404);
    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));
    await dialog.getByRole('button', { name: 'Import', exact: true }).click();
    await dialog.getByText(/created as a draft/).waitFor();
    const created = await admin.call('GET', `${PROJECT}/clusterprofiles/palette-hello/versions/1.0.0`);
    assert.equal(created.status, 200, created.text);
    assert.equal((created.body.status as { state: string }).state, 'Draft');
  });
});
