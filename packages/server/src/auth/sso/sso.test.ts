/**
 * Single sign-on against a real OpenID Provider (oidc-provider on 127.0.0.1): browser flow with PKCE, just-in-time
 * users, group → team mapping (changes at the next sign-in and at refresh), a viewer group that cannot write, the
 * device flow, sessions ending when the IdP refuses the refresh, and the refusals (wrong or unreachable issuer,
 * replayed state, tampered or expired codes, a code of another client, a groups claim that is not a list). Token
 * checks themselves (signature, issuer, audience, expiry, nonce) are openid-client's.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { testBackends } from '@strata/testing';
import { LoginAttemptRepository, SsoRepository } from '@strata/store';
import { buildApp } from '../../app.js';
import {
  createUserWithRole,
  expectOk,
  startTestServer,
  TEST_EGRESS_POLICY,
  type TestServer,
} from '../../test/harness.js';
import { FormAgent, startTestIdp, type TestAccount, type TestIdp } from '@strata/testing/oidc-provider';

const PUBLIC_URL = 'http://127.0.0.1:7080';
const CALLBACK = `${PUBLIC_URL}/v1/sso/callback`;
const atCallback = (u: URL) => u.href.startsWith(CALLBACK);

function verifierPair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

for (const backend of await testBackends()) {
  describe(`single sign-on (OIDC) on ${backend.name}`, () => {
    let s: TestServer;
    let idp: TestIdp;
    const accounts = new Map<string, TestAccount>([
      ['u-alice', { username: 'alice', email: 'alice@example.com', groups: ['platform', 'staff'] }],
      ['u-victor', { username: 'victor', groups: ['auditors'] }],
      ['u-mallory', { username: 'mallory', groups: 'platform' }],
      ['u-admin', { username: 'admin', groups: [] }],
      ['u-dana', { username: 'dana', groups: ['platform'] }],
    ]);

    before(async () => {
      idp = await startTestIdp({
        clients: [
          { clientId: 'strata', clientSecret: 'strata-client-secret-0123456789', redirectUris: [CALLBACK] },
          { clientId: 'other-app', clientSecret: 'other-client-secret-0123456789', redirectUris: [CALLBACK] },
        ],
        accounts,
      });
      s = await startTestServer(backend, { ssoRefreshEveryMs: 1 });
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/identityproviders',
          body: {
            metadata: { name: 'corp' },
            spec: {
              displayName: 'Corp SSO',
              issuer: idp.issuer,
              clientId: 'strata',
              clientSecret: 'strata-client-secret-0123456789',
              scopes: ['openid', 'profile', 'email', 'groups', 'offline_access'],
              groupMappings: [
                { group: 'platform', team: 'platform-admins' },
                { group: 'auditors', team: 'auditors' },
              ],
            },
          },
        }),
      );
      // Teams decide: platform-admins edit the default project, auditors only read it.
      for (const [name, role, team] of [
        ['platform-editors', 'project-editor', 'platform-admins'],
        ['auditor-viewers', 'project-viewer', 'auditors'],
      ] as const) {
        // A binding names an existing team: the first sign-in creates the team, so make it here first.
        await expectOk(
          s.call({
            method: 'POST',
            url: '/v1/teams',
            body: { metadata: { name: team }, spec: { members: [] } },
          }),
        );
        await expectOk(
          s.call({
            method: 'POST',
            url: '/v1/projects/default/rolebindings',
            body: { metadata: { name }, spec: { role, subjects: [{ kind: 'Team', name: team }] } },
          }),
        );
      }
    });
    after(async () => {
      await s?.close();
      await idp?.close();
    });

    /** The whole browser flow through the provider's pages; returns the callback URL the IdP sent back to. */
    async function authorize(login: string, agent = new FormAgent()) {
      const pair = verifierPair();
      const start = await s.call({
        method: 'GET',
        url: `/v1/sso/authorize?provider=corp&redirect=/sso/callback&challenge=${pair.challenge}`,
        key: null,
      });
      assert.equal(start.status, 302, start.text);
      const location = String(start.headers.location);
      assert.ok(location.startsWith(`${idp.issuer}/`), location);
      const back = await agent.signIn(location, login, atCallback);
      return { back, ...pair };
    }

    async function callback(back: string) {
      return s.call({ method: 'GET', url: back.slice(PUBLIC_URL.length), key: null });
    }

    async function signIn(login: string): Promise<{ token: string; user: string }> {
      const { back, verifier } = await authorize(login);
      const res = await callback(back);
      assert.equal(res.status, 302, res.text);
      const done = new URL(String(res.headers.location), PUBLIC_URL);
      assert.equal(done.pathname, '/sso/callback');
      assert.equal(done.searchParams.get('error'), null, done.searchParams.get('error') ?? '');
      const code = done.searchParams.get('code')!;
      const session = await expectOk(
        s.call({ method: 'POST', url: '/v1/sso/token', key: null, body: { code, verifier } }),
      );
      // The one-time code works once.
      const again = await s.call({
        method: 'POST',
        url: '/v1/sso/token',
        key: null,
        body: { code, verifier },
      });
      assert.equal(again.status, 401);
      return { token: session.body.token as string, user: session.body.user as string };
    }

    const whoami = (key: string) => s.call({ method: 'GET', url: '/v1/whoami', key });
    const users = async () =>
      (await expectOk(s.call({ method: 'GET', url: '/v1/users' }))).body.items!.map(
        (u) => (u.metadata as { name: string }).name,
      );

    it("lists the tenant's providers publicly, never their secret", async () => {
      const list = await expectOk(s.call({ method: 'GET', url: '/v1/sso/providers', key: null }));
      assert.deepEqual(list.body.items, [{ name: 'corp', displayName: 'Corp SSO' }]);
      const read = await expectOk(s.call({ method: 'GET', url: '/v1/identityproviders/corp' }));
      assert.ok(!read.text.includes('strata-client-secret'));
      assert.equal((read.body.spec as Record<string, unknown>).clientSecret, undefined);
      assert.deepEqual((read.body.status as Record<string, unknown>).secretFieldsSet, ['/spec/clientSecret']);
    });

    it('creates the user at first sign-in and maps its groups to teams, whose bindings decide', async () => {
      assert.ok(!(await users()).includes('alice'));
      const { token, user } = await signIn('u-alice');
      assert.equal(user, 'alice');
      const me = await expectOk(whoami(token));
      assert.equal(me.body.user, 'alice');
      assert.ok(((me.body.projects as Record<string, string[]>).default ?? []).includes('cluster.create'));
      const alice = await expectOk(s.call({ method: 'GET', url: '/v1/users/alice' }));
      assert.deepEqual((alice.body.spec as Record<string, unknown>).sso, {
        provider: 'corp',
        subject: 'u-alice',
      });
      assert.equal((alice.body.spec as Record<string, unknown>).email, 'alice@example.com');
      const team = await expectOk(s.call({ method: 'GET', url: '/v1/teams/platform-admins' }));
      assert.deepEqual((team.body.spec as { members: string[] }).members, ['alice']);
      // An editor writes in the project.
      const macro = await s.call({
        method: 'POST',
        url: '/v1/projects/default/macros',
        key: token,
        body: { metadata: { name: 'from-sso' }, spec: { value: 'x' } },
      });
      assert.equal(macro.status, 201, macro.text);
    });

    it('a viewer group reads but cannot write', async () => {
      const { token } = await signIn('u-victor');
      assert.equal(
        (await s.call({ method: 'GET', url: '/v1/projects/default/macros', key: token })).status,
        200,
      );
      const write = await s.call({
        method: 'POST',
        url: '/v1/projects/default/macros',
        key: token,
        body: { metadata: { name: 'nope' }, spec: { value: 'x' } },
      });
      assert.equal(write.status, 403);
    });

    it('a user removed from a group loses the permission at the next sign-in', async () => {
      accounts.set('u-dana', { username: 'dana', groups: ['platform'] });
      const first = await signIn('u-dana');
      assert.ok(
        ((await expectOk(whoami(first.token))).body.projects as Record<string, string[]>).default?.includes(
          'cluster.create',
        ),
      );
      accounts.set('u-dana', { username: 'dana', groups: [] });
      const second = await signIn('u-dana');
      const me = await expectOk(whoami(second.token));
      assert.deepEqual(me.body.projects, {});
      const team = await expectOk(s.call({ method: 'GET', url: '/v1/teams/platform-admins' }));
      assert.ok(!(team.body.spec as { members: string[] }).members.includes('dana'));
    });

    it('refreshes SSO sessions: group changes apply, a refused refresh ends the session', async () => {
      accounts.set('u-dana', { username: 'dana', groups: ['platform'] });
      const { token } = await signIn('u-dana');
      accounts.set('u-dana', { username: 'dana', groups: ['auditors'] });
      await new Promise((r) => setTimeout(r, 2100)); // past the authenticator's 2 s cache
      const me = await expectOk(whoami(token));
      const perms = (me.body.projects as Record<string, string[]>).default ?? [];
      assert.ok(!perms.includes('cluster.create'), JSON.stringify(perms));
      assert.ok(perms.includes('*.get'));
      accounts.delete('u-dana'); // the IdP no longer knows the account: its refresh fails
      await new Promise((r) => setTimeout(r, 2100));
      const ended = await whoami(token);
      assert.equal(ended.status, 401);
      assert.match(ended.text, /identity provider no longer accepts it/);
      accounts.set('u-dana', { username: 'dana', groups: [] });
    });

    it('keeps a session while its IdP cannot be reached, and ends the sessions of a disabled provider', async () => {
      const other = await startTestIdp({
        clients: [
          { clientId: 'strata', clientSecret: 'strata-client-secret-0123456789', redirectUris: [CALLBACK] },
        ],
        accounts: new Map([['u-olga', { username: 'olga', groups: [] }]]),
      });
      let closed = false;
      try {
        await expectOk(
          s.call({
            method: 'POST',
            url: '/v1/identityproviders',
            body: {
              metadata: { name: 'flaky' },
              spec: {
                issuer: other.issuer,
                clientId: 'strata',
                clientSecret: 'strata-client-secret-0123456789',
              },
            },
          }),
        );
        const pair = verifierPair();
        const start = await s.call({
          method: 'GET',
          url: `/v1/sso/authorize?provider=flaky&redirect=/sso/callback&challenge=${pair.challenge}`,
          key: null,
        });
        const back = await new FormAgent().signIn(String(start.headers.location), 'u-olga', atCallback);
        const code = new URL(String((await callback(back)).headers.location), PUBLIC_URL).searchParams.get(
          'code',
        );
        const session = await expectOk(
          s.call({
            method: 'POST',
            url: '/v1/sso/token',
            key: null,
            body: { code, verifier: pair.verifier },
          }),
        );
        const token = session.body.token as string;
        await other.close();
        closed = true;
        await new Promise((r) => setTimeout(r, 2100));
        assert.equal((await whoami(token)).status, 200, 'an unreachable IdP ends nothing');
        await expectOk(
          s.call({
            method: 'PATCH',
            url: '/v1/identityproviders/flaky',
            contentType: 'application/merge-patch+json',
            body: { spec: { disabled: true } },
          }),
        );
        await new Promise((r) => setTimeout(r, 2100));
        assert.equal((await whoami(token)).status, 401, "a disabled provider's sessions end");
      } finally {
        if (!closed) await other.close();
      }
    });

    it('refuses a replayed state, a tampered code, a code of another client and a groups claim that is not a list', async () => {
      const before = await users();
      const { back } = await authorize('u-alice');
      const ok = await callback(back);
      assert.equal(ok.status, 302);
      const replay = await callback(back);
      assert.equal(replay.status, 400);
      assert.match(replay.text, /already completed or has expired/);

      const tampered = await authorize('u-alice');
      const url = new URL(tampered.back);
      url.searchParams.set('code', `${url.searchParams.get('code')}x`);
      const refused = await callback(url.href);
      assert.match(
        new URL(String(refused.headers.location), PUBLIC_URL).searchParams.get('error') ?? '',
        /invalid_grant/,
      );

      // A code the IdP issued to another client, slipped into our sign-in with our state.
      const ours = await authorize('u-alice');
      const theirs = new FormAgent();
      const otherQuery = new URLSearchParams({
        client_id: 'other-app',
        response_type: 'code',
        scope: 'openid',
        redirect_uri: CALLBACK,
        state: 'theirs',
        code_challenge: verifierPair().challenge,
        code_challenge_method: 'S256',
      });
      const otherStart = `${idp.issuer}/auth?${otherQuery.toString()}`;
      const otherBack = new URL(await theirs.signIn(otherStart, 'u-alice', atCallback));
      const swapped = new URL(ours.back);
      swapped.searchParams.set('code', otherBack.searchParams.get('code')!);
      const wrongClient = await callback(swapped.href);
      assert.match(
        new URL(String(wrongClient.headers.location), PUBLIC_URL).searchParams.get('error') ?? '',
        /single sign-on refused/,
      );

      const { back: malloryBack } = await authorize('u-mallory');
      const notList = await callback(malloryBack);
      const error = new URL(String(notList.headers.location), PUBLIC_URL).searchParams.get('error') ?? '';
      assert.match(error, /the claim "groups" \(the groups\) is not a list of strings/);
      assert.deepEqual(
        (await users()).filter((u) => !before.includes(u)),
        [],
      );
    });

    it('finishes on one server a sign-in another server over the same database started', async () => {
      const log: string[] = [];
      const sink = new Writable({
        write(chunk: Buffer, _enc, done) {
          log.push(chunk.toString('utf8'));
          done();
        },
      });
      const second = await buildApp({
        store: s.store,
        cipher: s.cipher,
        logger: pino({ level: 'trace' }, sink),
        loginAttempts: new LoginAttemptRepository({ db: s.database.handle.db }),
        sso: new SsoRepository({ db: s.database.handle.db }),
        egress: TEST_EGRESS_POLICY,
      });
      try {
        const { back, verifier } = await authorize('u-alice');
        const res = await second.app.inject({ method: 'GET', url: back.slice(PUBLIC_URL.length) });
        assert.equal(res.statusCode, 302, res.body);
        const code = new URL(String(res.headers.location), PUBLIC_URL).searchParams.get('code')!;
        const session = await expectOk(
          s.call({ method: 'POST', url: '/v1/sso/token', key: null, body: { code, verifier } }),
        );
        assert.equal(session.body.user, 'alice');
        // The state is used up for both.
        assert.equal((await callback(back)).status, 400);
        // Neither the IdP's code nor the state reach the log.
        const sent = new URL(back).searchParams;
        const text = log.join('');
        assert.ok(text.includes('/v1/sso/callback'), 'the request was logged');
        for (const secret of [sent.get('code')!, sent.get('state')!, code])
          assert.ok(!text.includes(secret), 'a one-time value is in the log');
      } finally {
        await second.app.close();
      }
    });

    it("makes members of a new tenant's admin group its administrators at sign-in", async () => {
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/tenants',
          body: { metadata: { name: 'initech' }, spec: { admin: { group: 'initech-admins' } } },
        }),
      );
      // The system admin connects the new tenant's IdP (no one in the tenant could yet).
      await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/tenants/initech/identityproviders',
          body: {
            metadata: { name: 'corp' },
            spec: {
              issuer: idp.issuer,
              clientId: 'strata',
              clientSecret: 'strata-client-secret-0123456789',
              scopes: ['openid', 'profile', 'groups'],
            },
          },
        }),
      );
      const stored = await s.store.get(
        { tenant: 'initech', projects: '*' },
        { kind: 'IdentityProvider', tenant: 'initech', project: '', name: 'corp' },
      );
      assert.ok(!JSON.stringify(stored?.spec).includes('strata-client-secret'), 'the secret is sealed');
      const tenantAdmin = await createUserWithRole(s, { user: 'not-system', role: 'tenant-admin' });
      const denied = await s.call({
        method: 'POST',
        url: '/v1/tenants/initech/identityproviders',
        key: tenantAdmin,
        body: { metadata: { name: 'evil' }, spec: { issuer: idp.issuer, clientId: 'strata' } },
      });
      assert.equal(denied.status, 403);
      accounts.set('u-ines', { username: 'ines', groups: ['initech-admins'] });
      const pair = verifierPair();
      const start = await s.call({
        method: 'GET',
        url: `/v1/sso/authorize?tenant=initech&provider=corp&redirect=/sso/callback&challenge=${pair.challenge}`,
        key: null,
      });
      const back = await new FormAgent().signIn(String(start.headers.location), 'u-ines', atCallback);
      const done = new URL(String((await callback(back)).headers.location), PUBLIC_URL);
      const session = await expectOk(
        s.call({
          method: 'POST',
          url: '/v1/sso/token',
          key: null,
          body: { code: done.searchParams.get('code'), verifier: pair.verifier },
        }),
      );
      assert.equal(session.body.tenant, 'initech');
      const me = await expectOk(whoami(session.body.token as string));
      assert.deepEqual(me.body.tenantPermissions, ['*.*']);
      const admins = await expectOk(s.call({ method: 'GET', url: '/v1/tenants/initech/admins' }));
      assert.deepEqual(admins.body.items, [{ user: 'ines', via: 'team:admins' }]);
    });

    it('refuses an authorization code that expired before it came back', async () => {
      const slow = await startTestIdp({
        clients: [
          { clientId: 'strata', clientSecret: 'strata-client-secret-0123456789', redirectUris: [CALLBACK] },
        ],
        accounts: new Map([['u-sam', { username: 'sam-sso', groups: [] }]]),
        codeTtlSeconds: 1,
      });
      try {
        await expectOk(
          s.call({
            method: 'POST',
            url: '/v1/identityproviders',
            body: {
              metadata: { name: 'slow' },
              spec: {
                issuer: slow.issuer,
                clientId: 'strata',
                clientSecret: 'strata-client-secret-0123456789',
              },
            },
          }),
        );
        const pair = verifierPair();
        const start = await s.call({
          method: 'GET',
          url: `/v1/sso/authorize?provider=slow&redirect=/sso/callback&challenge=${pair.challenge}`,
          key: null,
        });
        const back = await new FormAgent().signIn(String(start.headers.location), 'u-sam', atCallback);
        await new Promise((r) => setTimeout(r, 2100));
        const res = await callback(back);
        const error = new URL(String(res.headers.location), PUBLIC_URL).searchParams.get('error') ?? '';
        assert.match(error, /single sign-on refused: invalid_grant/);
        assert.equal((await s.call({ method: 'GET', url: '/v1/users/sam-sso' })).status, 404);
      } finally {
        await slow.close();
      }
    });

    it('never takes over a local user of the same name', async () => {
      const { back } = await authorize('u-admin');
      const res = await callback(back);
      const error = new URL(String(res.headers.location), PUBLIC_URL).searchParams.get('error') ?? '';
      assert.match(error, /user "admin" already exists and is not linked to this identity/);
    });

    it('limits how many sign-ins one address starts (429), as every replica counts', async () => {
      const limited = await startTestServer(backend, { ssoStartLimits: { max: 3 } });
      try {
        const { challenge } = verifierPair();
        const statuses: number[] = [];
        for (let i = 0; i < 4; i++) {
          const res = await limited.call({
            method: 'GET',
            url: `/v1/sso/authorize?provider=none&redirect=/x&challenge=${challenge}`,
            key: null,
          });
          statuses.push(res.status);
        }
        assert.deepEqual(statuses, [404, 404, 404, 429]);
        const device = await limited.call({
          method: 'POST',
          url: '/v1/sso/device',
          key: null,
          body: { provider: 'none' },
        });
        assert.equal(device.status, 429);
      } finally {
        await limited.close();
      }
    });

    it('refuses bad starts: unknown provider, foreign redirect, bad challenge', async () => {
      const { challenge } = verifierPair();
      const unknown = await s.call({
        method: 'GET',
        url: `/v1/sso/authorize?provider=nope&redirect=/x&challenge=${challenge}`,
        key: null,
      });
      assert.equal(unknown.status, 404);
      const foreign = await s.call({
        method: 'GET',
        url: `/v1/sso/authorize?provider=corp&redirect=${encodeURIComponent('https://evil.example/x')}&challenge=${challenge}`,
        key: null,
      });
      assert.equal(foreign.status, 400);
      assert.match(foreign.text, /loopback URL/);
      const bad = await s.call({
        method: 'GET',
        url: `/v1/sso/authorize?provider=corp&redirect=/x&challenge=${'!'.repeat(43)}`,
        key: null,
      });
      assert.equal(bad.status, 400);
    });

    it('refuses a wrong or unreachable issuer when the provider is written, storing nothing', async () => {
      const wrong = await s.call({
        method: 'POST',
        url: '/v1/identityproviders',
        body: {
          metadata: { name: 'wrong' },
          spec: { issuer: `${idp.issuer}/elsewhere`, clientId: 'strata' },
        },
      });
      assert.equal(wrong.status, 422, wrong.text);
      assert.match(wrong.text, /could not be used/);
      const unreachable = await s.call({
        method: 'POST',
        url: '/v1/identityproviders',
        body: { metadata: { name: 'gone' }, spec: { issuer: 'http://127.0.0.1:1', clientId: 'strata' } },
      });
      assert.equal(unreachable.status, 422, unreachable.text);
      assert.match(unreachable.text, /127\.0\.0\.1:1/);
      const plainHttp = await s.call({
        method: 'POST',
        url: '/v1/identityproviders',
        body: { metadata: { name: 'plain' }, spec: { issuer: 'http://idp.example.com', clientId: 'strata' } },
      });
      assert.equal(plainHttp.status, 422);
      assert.match(plainHttp.text, /https/);
      for (const name of ['wrong', 'gone', 'plain'])
        assert.equal((await s.call({ method: 'GET', url: `/v1/identityproviders/${name}` })).status, 404);
    });

    it('signs in through the device flow', async () => {
      accounts.set('u-dana', { username: 'dana', groups: ['platform'] });
      const started = await expectOk(
        s.call({ method: 'POST', url: '/v1/sso/device', key: null, body: { provider: 'corp' } }),
      );
      const { handle, verificationUriComplete } = started.body as {
        handle: string;
        verificationUriComplete: string;
      };
      const agent = new FormAgent();
      const stop = () => false;
      let page = await agent.go(verificationUriComplete, stop);
      // The provider's pages: confirm the code, sign in, consent, until it says the device is signed in.
      for (let i = 0; i < 6 && !/Sign-in Success/i.test(page.html); i++) {
        page = page.html.includes('name="prompt" value="login"')
          ? await agent.submit(page, { login: 'u-dana', password: 'any' }, stop)
          : await agent.submit(
              page,
              {},
              stop,
              page.html.includes('op.deviceConfirmForm') ? 'op.deviceConfirmForm' : undefined,
            );
      }
      assert.match(page.html, /Sign-in Success/i);
      let result = await expectOk(
        s.call({ method: 'POST', url: '/v1/sso/device/token', key: null, body: { handle } }),
      );
      for (let i = 0; i < 3 && result.body.status === 'pending'; i++)
        result = await expectOk(
          s.call({ method: 'POST', url: '/v1/sso/device/token', key: null, body: { handle } }),
        );
      assert.equal(result.body.status, 'complete', result.text);
      assert.equal((await expectOk(whoami(result.body.token as string))).body.user, 'dana');
      const again = await s.call({
        method: 'POST',
        url: '/v1/sso/device/token',
        key: null,
        body: { handle },
      });
      assert.equal(again.status, 401);
    });

    it('keeps the client secret and the sign-in state encrypted in the database', async () => {
      const { sql } = await import('kysely');
      const db = s.database.handle.db;
      const rows = [
        ...(await sql<{ t: string }>`SELECT data AS t FROM sso_logins`.execute(db)).rows,
        ...(await sql<{ t: string }>`SELECT refresh_token AS t FROM sso_sessions`.execute(db)).rows,
        ...(await sql<{ t: string }>`SELECT spec AS t FROM objects`.execute(db)).rows,
      ];
      const sessions = (await sql<{ n: number }>`SELECT count(*) AS n FROM sso_sessions`.execute(db))
        .rows[0]!;
      assert.ok(Number(sessions.n) > 0, 'refresh tokens were stored');
      assert.deepEqual(
        rows.filter(
          (r) =>
            r.t.includes('strata-client-secret') || r.t.includes('"nonce"') || r.t.includes('"verifier"'),
        ),
        [],
      );
    });

    it('turns password sign-in off per tenant', async () => {
      await expectOk(
        s.call({
          method: 'PATCH',
          url: '/v1/tenants/default',
          contentType: 'application/merge-patch+json',
          body: { spec: { policy: { passwordSignIn: false } } },
        }),
      );
      const password = (await readFile(join(s.dataDir, 'admin-password'), 'utf8')).trim();
      const login = await s.call({
        method: 'POST',
        url: '/v1/login',
        key: null,
        body: { username: 'admin', password },
      });
      assert.equal(login.status, 403);
      assert.match(login.text, /only through its identity provider/);
      await expectOk(
        s.call({
          method: 'PATCH',
          url: '/v1/tenants/default',
          contentType: 'application/merge-patch+json',
          body: { spec: { policy: { passwordSignIn: true } } },
        }),
      );
    });
  });
}
