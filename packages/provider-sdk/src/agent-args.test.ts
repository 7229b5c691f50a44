import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { agentArgs, localAgentArgs } from './agent-args.js';

describe('agentArgs', () => {
  it('builds the command line of an agent run as a process', () => {
    assert.deepEqual(
      agentArgs({
        serverUrl: 'http://127.0.0.1:7070',
        tokenFile: '{dir}/token',
        kubeconfig: '/state/kubeconfig',
        helm: '/bin/helm',
        mode: 'full',
        listen: '127.0.0.1:0',
      }),
      [
        '--server',
        'http://127.0.0.1:7070',
        '--token-file',
        '{dir}/token',
        '--kubeconfig',
        '/state/kubeconfig',
        '--helm',
        '/bin/helm',
        '--mode',
        'full',
        '--listen',
        '127.0.0.1:0',
      ],
    );
  });

  it('leaves out what is not given (in-cluster: no kubeconfig, helm from PATH)', () => {
    assert.deepEqual(
      agentArgs({
        serverUrl: 'https://strata.example',
        tokenFile: '/var/run/strata/token',
        mode: 'read-only',
        namespace: 'strata-system',
        listen: '0.0.0.0:8080',
      }),
      [
        '--server',
        'https://strata.example',
        '--token-file',
        '/var/run/strata/token',
        '--mode',
        'read-only',
        '--namespace',
        'strata-system',
        '--listen',
        '0.0.0.0:8080',
      ],
    );
  });
});

describe('localAgentArgs', () => {
  it('runs a supervised agent with its token in its own directory and health on a free loopback port', () => {
    const args = localAgentArgs(
      { serverUrl: 'http://127.0.0.1:7070', mode: 'full', token: 'secret' },
      { kubeconfig: '/state/kubeconfig' },
    );
    assert.deepEqual(args, [
      '--server',
      'http://127.0.0.1:7070',
      '--token-file',
      '{dir}/token',
      '--kubeconfig',
      '/state/kubeconfig',
      '--mode',
      'full',
      '--listen',
      '127.0.0.1:0',
    ]);
    assert.ok(!args.includes('secret'), 'the token never goes on the command line');
  });
});
