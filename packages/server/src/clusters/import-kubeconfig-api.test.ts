import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubeconfigAttacks, kubeconfigNullEntries, testBackends } from '@strata/testing';
import { createUserWithRole, startTestServer, type TestServer } from '../test/harness.js';

const P = '/v1/projects/default';

/** Refused with 422, the reason and the path, nothing stored (project editor rights were enough for the attack). */
const refused: { name: string; kubeconfig: string; message: RegExp; path: string }[] = [
  ...kubeconfigAttacks.map((a) => ({ ...a, path: '/spec/kubeconfig' })),
  ...kubeconfigNullEntries.map((e) => ({ ...e, message: /must be a map with a name/ })),
  {
    name: 'a name that is not a string',
    kubeconfig: kubeconfigNullEntries[1]!.kubeconfig.replace(
      'users: [null]',
      'users: [{name: 12, user: {token: t}}]',
    ),
    message: /the name must be a non-empty string/,
    path: '/spec/kubeconfig/users/0/name',
  },
];

for (const backend of await testBackends()) {
  describe(`importing a kubeconfig: what two YAML readers could disagree on is refused, on ${backend.name}`, () => {
    let s: TestServer;
    let editor: string;
    before(async () => {
      s = await startTestServer(backend);
      editor = await createUserWithRole(s, { user: 'eddie', role: 'project-editor', project: 'default' });
    });
    after(async () => s?.close());

    for (const { name, kubeconfig, message, path } of refused) {
      it(`refuses ${name} with 422 naming ${path}, and stores nothing`, async () => {
        const res = await s.call({
          method: 'POST',
          url: `${P}/clusters`,
          key: editor,
          body: {
            metadata: { name: 'imp' },
            spec: { provider: 'imported', nodePools: [], import: { mode: 'full' }, kubeconfig },
          },
        });
        assert.equal(res.status, 422, res.text);
        const issues = res.body.issues as { path: string; message: string }[];
        const at = issues.filter((i) => i.path === path).map((i) => i.message);
        assert.match(at.join('\n'), message, JSON.stringify(issues));
        assert.equal((await s.call({ method: 'GET', url: `${P}/clusters/imp` })).status, 404);
      });
    }
  });
}
