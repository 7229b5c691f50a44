/**
 * The console's "All projects" fleet view end to end (issue 19, item 6): a real server process, Chromium, and 130
 * clusters in two projects (imported clusters waiting for their agents: no sandbox binaries needed). The view shows
 * every project at once, filters and pages on the server, opens a cluster of another project in that project, and
 * shows a user only the projects they may read. Screenshot `20-fleet-all-projects` goes to
 * artifacts/console-screenshots/ (docs/console.md).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { api, type Api } from './support/api.js';
import {
  consoleFor,
  describeViolations,
  launchBrowser,
  screenshot,
  seriousViolations,
  signIn,
} from './support/browser.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { sequentialSteps } from './support/steps.js';

/** Clusters per project: more than two pages of 50 in `default`. */
const FLEET: Record<string, number> = { default: 110, shop: 20 };

const imported = (name: string, labels: Record<string, string>) => ({
  metadata: { name, labels },
  spec: { provider: 'imported', nodePools: [], import: { mode: 'read-only', connect: 'manifest' } },
});

describe('console: all projects fleet view (real server, Chromium)', () => {
  const step = sequentialSteps(() => screenshot(page, 'failed-step-fleet'));
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let a: Api;
  let dataDir: string;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-console-fleet-'));
    server = await startServerProcess({ dataDir });
    a = api(server.url, server.adminKey);
    await consoleFor(server.url);
    await a.ok('POST', '/v1/projects', { metadata: { name: 'shop' }, spec: {} });
    const creates: Promise<unknown>[] = [];
    for (const [project, count] of Object.entries(FLEET)) {
      for (let i = 0; i < count; i++) {
        const name = `${project === 'shop' ? 's' : 'd'}${String(i).padStart(3, '0')}`;
        creates.push(
          a.ok('POST', `/v1/projects/${project}/clusters`, imported(name, { region: i % 2 ? 'eu' : 'us' })),
        );
        if (creates.length >= 8) await Promise.all(creates.splice(0));
      }
    }
    await Promise.all(creates);
    await a.ok('POST', '/v1/clustergroups', { metadata: { name: 'eu' }, spec: { selector: 'region=eu' } });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  const table = () => page.getByRole('table', { name: 'Clusters in all projects' });
  const pick = async (label: string, option: string) => {
    const filters = page.getByRole('group', { name: 'Fleet filters' });
    await filters
      .getByRole('textbox', { name: label, exact: true })
      .or(filters.getByRole('combobox', { name: label, exact: true }))
      .first()
      .click();
    await page.getByRole('option', { name: option }).click();
  };

  step('shows every project at once, one page at a time', async () => {
    const password = (await readFile(join(dataDir, 'admin-password'), 'utf8')).trim();
    await signIn(page, server.url, 'admin', password);
    // From the dashboard's button (the navigation has the same link).
    await page.getByRole('main').getByRole('link', { name: 'All projects' }).click();
    await page.getByRole('heading', { name: 'All projects' }).waitFor();
    await page.getByText('130 cluster(s) match').waitFor();
    // By project then name: the first page is `default`'s first 50.
    assert.equal(await table().getByRole('row').count(), 51, 'a header and one page of 50');
    await page.getByRole('button', { name: 'page 3' }).click();
    await table().getByRole('cell', { name: 's019', exact: true }).waitFor();
    await table().getByRole('cell', { name: 'shop', exact: true }).first().waitFor();
  });

  step('filters by project, group and name on the server', async () => {
    await pick('Project', 'shop (20)');
    await page.getByText('20 cluster(s) match').waitFor();
    await pick('Group', 'eu');
    await page.getByText('10 cluster(s) match').waitFor();
    await page.getByRole('textbox', { name: 'Name' }).fill('s01');
    // s011, s013, s015, s017, s019: odd numbers are in eu.
    await page.getByText('5 cluster(s) match').waitFor();
    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));
    await screenshot(page, '20-fleet-all-projects');
  });

  step('opens a cluster of another project in that project', async () => {
    await table().getByRole('button', { name: 's011' }).click();
    await page.getByRole('heading', { name: 's011' }).waitFor();
    const switcher = page
      .getByRole('textbox', { name: 'Project', exact: true })
      .or(page.getByRole('combobox', { name: 'Project', exact: true }))
      .first();
    assert.equal(await switcher.inputValue(), 'shop', 'the project switcher moved to the cluster’s project');
  });

  step('a viewer of one project sees only that project', async () => {
    await a.ok('POST', '/v1/users', {
      metadata: { name: 'viewer' },
      spec: { password: 'correct horse battery' },
    });
    await a.ok('POST', '/v1/projects/shop/rolebindings', {
      metadata: { name: 'viewer-shop' },
      spec: { role: 'project-viewer', subjects: [{ kind: 'User', name: 'viewer' }] },
    });
    const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    const other = await context.newPage();
    other.setDefaultTimeout(30_000);
    await signIn(other, server.url, 'viewer', 'correct horse battery');
    await other
      .getByRole('navigation', { name: 'Main navigation' })
      .getByRole('link', { name: 'All projects' })
      .click();
    await other.getByText('20 cluster(s) match').waitFor();
    assert.equal(
      await other.getByRole('table', { name: 'Clusters in all projects' }).getByText('default').count(),
      0,
    );
    await context.close();
  });
});
