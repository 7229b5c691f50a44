import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { KubeRequestError } from '@strata/capi';
import { classifyProviderError, ProviderError } from '@strata/provider-sdk';
import { gatewayError } from './capi-provider.js';

describe('gatewayError: what the gateway answered, as a provider error', () => {
  it('a webhook or schema refusal (400/422) is terminal and keeps the message that names the field', () => {
    const refusal = new KubeRequestError(
      422,
      'KubeadmControlPlane.controlplane.cluster.x-k8s.io "a-control-plane" is invalid: spec.replicas: Forbidden: cannot be an even number when etcd is stacked',
    );
    const err = gatewayError(refusal, 'applying KubeadmControlPlane a-control-plane of a');
    assert.equal(err.code, 'STRATA_VALIDATION_FAILED');
    assert.equal(classifyProviderError(err), 'terminal');
    assert.match(
      err.message,
      /^applying KubeadmControlPlane a-control-plane of a: the gateway refused it: .*spec\.replicas/,
    );
  });

  it('a gateway that is down or busy is transient', () => {
    for (const cause of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:40000'), { code: 'ECONNREFUSED' }),
      new KubeRequestError(503, 'the server is currently unable to handle the request'),
      new KubeRequestError(409, 'Operation cannot be fulfilled: the object has been modified'),
    ]) {
      const err = gatewayError(cause, 'reading cluster a on the gateway');
      assert.equal(classifyProviderError(err), 'transient', cause.message);
      assert.match(err.message, /^reading cluster a on the gateway: /);
    }
  });

  it('passes a ProviderError through unchanged', () => {
    const own = new ProviderError({ code: 'STRATA_PROVIDER_UNSUPPORTED', message: 'no', retriable: false });
    assert.equal(gatewayError(own, 'x'), own);
  });
});
