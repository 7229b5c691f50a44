/**
 * The console's Rollouts area end to end (issue 19): a real server, three real sandbox clusters, Chromium. Plan a
 * rollout from YAML (nothing changes), start it, watch its batches pass live, open its details; then from the
 * dashboard's updates to a planned rollout in two clicks. Screenshots `17-rollout-plan`, `18-rollouts` and
 * `19-updates-prepared-rollout` go to artifacts/console-screenshots/ (docs/console.md).
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe } from 'node:test';
import { requireSandboxBinaries } from '@strata/testing';
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
import { getCluster, publishProfile, sandboxProfile, smallFleet } from './support/clusters.js';
import { startServerProcess, type ServerProcess } from './support/server-process.js';
import { processesMentioning } from './sandbox-support.js';
import { sequentialSteps } from './support/steps.js';

await requireSandboxBinaries();

const NAMES = ['w1', 'w2', 'w3'];
const ROLLOUT = `kind: Rollout
metadata: {name: web-1-1}
spec:
  target: {selector: fleet=web}
  change: {profile: {name: base, version: 1.1.0}}
  strategy: {canary: {count: 1}, batchSize: 2}
`;

describe('console: rollouts (real server, sandbox clusters, Chromium)', () => {
  const step = sequentialSteps(() => screenshot(page, 'failed-step-rollouts'));
  let server: ServerProcess;
  let browser: Browser;
  let page: Page;
  let a: Api;
  let dataDir: string;
  const version = async (name: string) =>
    ((await getCluster(a, name))!.spec as { profiles: { version: string }[] }).profiles[0]!.version;

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'strata-console-rollouts-'));
    server = await startServerProcess({ dataDir, logFile: join(dataDir, 'server.log') });
    a = api(server.url, server.adminKey);
    await consoleFor(server.url);
    await smallFleet(a, NAMES, { fleet: 'web' });
    browser = await launchBrowser();
    const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
    page = await context.newPage();
    page.setDefaultTimeout(30_000);
  });
  after(async () => {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    for (const pid of await processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  step('plans a rollout from YAML: grouped by outcome, nothing changed', async () => {
    const password = (await readFile(join(dataDir, 'admin-password'), 'utf8')).trim();
    await signIn(page, server.url, 'admin', password);
    await page.getByRole('link', { name: 'Rollouts' }).click();
    await page.getByRole('heading', { name: 'Rollouts' }).waitFor();
    await page.getByRole('button', { name: 'Plan a rollout' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Rollout (YAML)').fill(ROLLOUT);
    await dialog.getByRole('button', { name: 'Plan' }).click();
    await dialog.getByText('3 to change, 0 skipped, 0 blocked').waitFor();
    const rows = dialog.getByRole('table', { name: 'Would change' }).getByRole('row');
    assert.equal(await rows.count(), 4, 'a header and three clusters');
    await dialog.getByRole('cell', { name: 'default/w1', exact: true }).waitFor();
    await screenshot(page, '17-rollout-plan');
    assert.deepEqual(
      await Promise.all(NAMES.map(version)),
      ['1.0.0', '1.0.0', '1.0.0'],
      'a plan changes nothing',
    );
  });

  step('starts it and shows its batches pass, live', async () => {
    await page.getByRole('dialog').getByRole('button', { name: 'Start rollout' }).click();
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
    await page.getByLabel('rollout phase Succeeded').waitFor({ timeout: 600_000 });
    await page.getByLabel('canary Succeeded 1 of 1').waitFor();
    await page.getByLabel('batch-1 Succeeded 2 of 2').waitFor();
    assert.deepEqual(await Promise.all(NAMES.map(version)), ['1.1.0', '1.1.0', '1.1.0']);
    const violations = await seriousViolations(page);
    assert.deepEqual(violations, [], describeViolations(violations));
    await screenshot(page, '18-rollouts');
    await page.getByRole('button', { name: 'Details' }).click();
    await page.getByRole('dialog').getByLabel('rollout phase Succeeded').waitFor();
    await page.keyboard.press('Escape');
    await page.getByRole('dialog').waitFor({ state: 'hidden' });
  });

  step('from the dashboard’s updates to a planned rollout in two clicks', async () => {
    const newer = sandboxProfile('1.2.0');
    (newer.spec as { variables: { default: string }[] }).variables[0]!.default = 'ops';
    await publishProfile(a, newer);
    await page.getByRole('link', { name: 'Fleet dashboard' }).click();
    const card = page.getByRole('region', { name: 'Updates available by profile' });
    // The Cluster controller notices the newer version at its next look (every 15 s).
    await card.getByText('base 1.1.0 → 1.2.0').waitFor({ timeout: 60_000 });
    await card.getByRole('button', { name: 'Prepare rollout' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('button', { name: 'Plan' }).click();
    await dialog.getByText('3 to change, 0 skipped, 0 blocked').waitFor();
    await screenshot(page, '19-updates-prepared-rollout');
    assert.deepEqual(
      await Promise.all(NAMES.map(version)),
      ['1.1.0', '1.1.0', '1.1.0'],
      'nothing changed yet',
    );
  });
});
