/**
 * Single sign-on end to end against a real OpenID Provider (oidc-provider on 127.0.0.1) and a real `strata server`
 * process: in Chromium, "Sign in with Corp SSO" goes through the provider's own pages and lands in the console with
 * the permissions of the user's mapped teams (an editor sees "Create cluster", a viewer does not and the API refuses
 * its writes; a user removed from a group loses the permission at the next sign-in); the CLI signs in with
 * `strata login --sso` through its loopback redirect and with `--device`; `strata audit export` writes what happened.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { runCli } from '@strata/cli';
import { FormAgent, startTestIdp, type TestAccount, type TestIdp } from '@strata/testing/oidc-provider';
import type { Browser, Page } from 'playwright-core';
import { api, type Api } from './support/api.js';
import {
  consoleFor,
  describeViolations,
  launchBrowser,
  screenshot,
  seriousViolations,
} from './support/browser.js';
import { freePort, startServerProcess, type ServerProcess } from './support/server-process.js';

type PageGlobals = { sessionStorage: { getItem(k: string): string | null } };

describe('single sign-on in the console and the CLI', () => {
  let server: ServerProcess;
  let idp: TestIdp;
  let admin: Api;
  let browser: Browser;
  let dir: string;
  const accounts = new Map<string, TestAccount>([
    ['u-alice', { username: 'alice', email: 'alice@example.com', groups: ['platform'] }],
    ['u-victor', { username: 'victor', groups: ['auditors'] }],
    ['u-dana', { username: 'dana', groups: ['platform'] }],
    ['u-mallory', { username: 'mallory', groups: 'platform' }],
  ]);

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'strata-sso-e2e-'));
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    idp = await startTestIdp({
      clients: [
        {
          clientId: 'strata',
          clientSecret: 'e2e-client-secret-0123456789',
          redirectUris: [`${url}/v1/sso/callback`],
        },
      ],
      accounts,
    });
    server = await startServerProcess({ port });
    await consoleFor(server.url);
    admin = api(server.url, server.adminKey);
    await admin.ok('POST', '/v1/identityproviders', {
      metadata: { name: 'corp' },
      spec: {
        displayName: 'Corp SSO',
        issuer: idp.issuer,
        clientId: 'strata',
        clientSecret: 'e2e-client-secret-0123456789',
        scopes: ['openid', 'profile', 'email', 'groups'],
        groupMappings: [
          { group: 'platform', team: 'platform' },
          { group: 'auditors', team: 'auditors' },
        ],
      },
    });
    for (const [team, role] of [
      ['platform', 'project-editor'],
      ['auditors', 'project-viewer'],
    ] as const) {
      await admin.ok('POST', '/v1/teams', { metadata: { name: team }, spec: { members: [] } });
      await admin.ok('POST', '/v1/projects/default/rolebindings', {
        metadata: { name: `${team}-${role}` },
        spec: { role, subjects: [{ kind: 'Team', name: team }] },
      });
    }
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    await idp?.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** Signs in through the console's SSO button and the provider's pages; returns the console's session token. */
  async function consoleSignIn(page: Page, login_: string): Promise<string> {
    await page.goto(server.url);
    await page.getByRole('button', { name: 'Sign in with Corp SSO' }).click();
    // The provider's pages: its sign-in form (unless it still has a session of its own), then consent (once per
    // account and client), until the console shows its dashboard.
    const login = page.locator('input[name="login"]');
    const consent = page.locator('button[type="submit"]', { hasText: /Continue/ });
    const dashboard = page.getByRole('heading', { name: 'Fleet dashboard' });
    for (let step = 0; step < 4; step++) {
      await login.or(consent).or(dashboard).first().waitFor({ timeout: 30_000 });
      if (await dashboard.isVisible()) break;
      if (await login.isVisible()) {
        await login.fill(login_);
        await page.locator('input[name="password"]').fill('any password');
        await page.locator('button[type="submit"]').click();
      } else await consent.click();
      await page.waitForLoadState();
    }
    await dashboard.waitFor({ timeout: 30_000 });
    const raw = await page.evaluate(() =>
      (globalThis as unknown as PageGlobals).sessionStorage.getItem('strata.session'),
    );
    return (JSON.parse(raw ?? '{}') as { token: string }).token;
  }

  const createClusterButtons = async (page: Page) => {
    await page.goto(`${server.url}/clusters`);
    await page.getByRole('heading', { name: 'Clusters' }).first().waitFor();
    await page.waitForTimeout(500);
    return page
      .getByRole('button', { name: 'Create cluster' })
      .or(page.getByRole('link', { name: 'Create cluster' }))
      .count();
  };

  it('signs an editor in through the provider, with the permissions of its mapped team', async () => {
    const page = await browser.newPage();
    try {
      const token = await consoleSignIn(page, 'u-alice');
      await screenshot(page, 'sso-01-signed-in');
      const me = await api(server.url, token).ok('GET', '/v1/whoami');
      assert.equal(me.user, 'alice');
      assert.ok((me.projects as Record<string, string[]>).default?.includes('cluster.create'));
      assert.ok((await createClusterButtons(page)) > 0, 'an editor sees "Create cluster"');
    } finally {
      await page.close();
    }
  });

  it('shows a viewer group no write actions, and the API refuses its writes', async () => {
    const page = await browser.newPage();
    try {
      const token = await consoleSignIn(page, 'u-victor');
      assert.equal(await createClusterButtons(page), 0);
      const write = await api(server.url, token).call('POST', '/v1/projects/default/macros', {
        metadata: { name: 'nope' },
        spec: { value: 'x' },
      });
      assert.equal(write.status, 403);
    } finally {
      await page.close();
    }
  });

  it('takes a permission away at the next sign-in when the user leaves the group', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      const first = await consoleSignIn(page, 'u-dana');
      assert.ok(
        ((await api(server.url, first).ok('GET', '/v1/whoami')).projects as Record<string, string[]>).default,
      );
      accounts.set('u-dana', { username: 'dana', groups: [] });
      await page.evaluate(() =>
        (globalThis as unknown as { sessionStorage: { clear(): void } }).sessionStorage.clear(),
      );
      const second = await consoleSignIn(page, 'u-dana');
      assert.deepEqual((await api(server.url, second).ok('GET', '/v1/whoami')).projects, {});
      assert.equal(await createClusterButtons(page), 0);
    } finally {
      await context.close();
    }
  });

  it("shows the server's reason when a sign-in is refused, and creates no user", async () => {
    const page = await browser.newPage();
    try {
      await page.goto(server.url);
      await page.getByRole('button', { name: 'Sign in with Corp SSO' }).waitFor();
      const atSignIn = await seriousViolations(page);
      assert.equal(atSignIn.length, 0, describeViolations(atSignIn));
      await page.getByRole('button', { name: 'Sign in with Corp SSO' }).click();
      await page.locator('input[name="login"]').fill('u-mallory');
      await page.locator('input[name="password"]').fill('any password');
      await page.locator('button[type="submit"]').click();
      await page.locator('button[type="submit"]', { hasText: /Continue/ }).click();
      const alert = page.getByRole('alert');
      await alert.waitFor({ timeout: 30_000 });
      assert.match(
        (await alert.textContent()) ?? '',
        /the claim "groups" \(the groups\) is not a list of strings/,
      );
      await screenshot(page, 'sso-02-refused');
      const atRefusal = await seriousViolations(page);
      assert.equal(atRefusal.length, 0, describeViolations(atRefusal));
      assert.equal((await admin.call('GET', '/v1/users/mallory')).status, 404);
    } finally {
      await page.close();
    }
  });

  /** Runs the CLI in this process; `onOutput` sees stderr as it is written (where to sign in). */
  async function cli(args: string[], config: string, onOutput: (text: string) => void) {
    let stdout = '';
    let stderr = '';
    const code = await runCli(args, {
      env: { STRATA_CONFIG: config },
      stdout: { write: (c: string) => (stdout += c) },
      stderr: {
        write: (c: string) => {
          stderr += c;
          onOutput(stderr);
        },
      },
      stdin: Readable.from(['']),
    });
    return { code, stdout, stderr };
  }

  it('signs the CLI in through a loopback redirect (strata login --sso)', async () => {
    const config = join(dir, 'browser.json');
    let signing: Promise<void> | undefined;
    const r = await cli(['login', server.url, '--sso'], config, (text) => {
      const url = /(http:\/\/127\.0\.0\.1:\d+\/v1\/sso\/authorize\?\S+)/.exec(text)?.[1];
      if (url && !signing)
        signing = new FormAgent()
          .signIn(url, 'u-alice', () => false)
          .then(() => undefined)
          .catch(() => undefined);
    });
    await signing;
    assert.equal(r.code, 0, r.stderr);
    const saved = JSON.parse(await readFile(config, 'utf8')) as { user: string; token: string };
    assert.equal(saved.user, 'alice');
    const me = await cli(['get', 'macros', '-p', 'default'], config, () => undefined);
    assert.equal(me.code, 0, me.stderr);
  });

  it('signs the CLI in with a device code (strata login --sso --device)', async () => {
    const config = join(dir, 'device.json');
    let approving: Promise<unknown> | undefined;
    const r = await cli(['login', server.url, '--sso', '--device'], config, (text) => {
      const complete = /\(or open (\S+)\)/.exec(text)?.[1];
      if (complete && !approving) approving = approve(complete);
    });
    await approving;
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /enter the code [A-Z]{4}-[A-Z]{4}/);
    const saved = JSON.parse(await readFile(config, 'utf8')) as { user: string };
    assert.equal(saved.user, 'victor');
  });

  /** Approves a device code at the provider's pages as victor. */
  async function approve(url: string): Promise<void> {
    const agent = new FormAgent();
    const stop = () => false;
    let page = await agent.go(url, stop);
    for (let i = 0; i < 6 && !/Sign-in Success/i.test(page.html); i++) {
      page = page.html.includes('name="prompt" value="login"')
        ? await agent.submit(page, { login: 'u-victor', password: 'any' }, stop)
        : await agent.submit(
            page,
            {},
            stop,
            page.html.includes('op.deviceConfirmForm') ? 'op.deviceConfirmForm' : undefined,
          );
    }
  }

  it('exports the audit log of what happened (strata audit export)', async () => {
    const config = join(dir, 'admin.json');
    const login = await cli(['login', server.url, '--api-key', server.adminKey], config, () => undefined);
    assert.equal(login.code, 0, login.stderr);
    const jsonl = await cli(['audit', 'export', '--since', '1h'], config, () => undefined);
    assert.equal(jsonl.code, 0, jsonl.stderr);
    const entries = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { actor: string; verb: string; object: { kind: string; name: string } });
    assert.ok(
      entries.some(
        (e) =>
          e.actor === 'system:sso/corp' &&
          e.verb === 'create' &&
          e.object.kind === 'User' &&
          e.object.name === 'alice',
      ),
    );
    const csv = await cli(['audit', 'export', '--since', '1h', '--format', 'csv'], config, () => undefined);
    const lines = csv.stdout.trim().split('\n');
    assert.equal(lines[0], 'at,actor,verb,kind,project,name,outcome,requestId,detail');
    assert.equal(lines.length, entries.length + 1);
    const later = await cli(
      ['audit', 'export', '--since', new Date(Date.now() + 60_000).toISOString()],
      config,
      () => undefined,
    );
    assert.equal(later.stdout, '');
  });
});
