import assert from 'node:assert/strict';
import { X509Certificate, createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { describe, it } from 'node:test';
import { generatePki } from './pki.js';

describe('generatePki', async () => {
  const pki = await generatePki({ clusterName: 'demo', firstServiceIp: '10.96.0.1' });
  const ca = new X509Certificate(pki.ca.cert);

  it('makes a CA that signed every leaf, each matching its key', () => {
    assert.equal(ca.ca, true);
    for (const pair of [
      pki.apiserver,
      pki.admin,
      pki.controllerManager,
      pki.scheduler,
      pki.kwok,
      pki.frontProxyClient,
    ]) {
      const cert = new X509Certificate(pair.cert);
      assert.equal(cert.ca, false);
      assert.ok(cert.checkIssued(ca));
      assert.ok(cert.verify(ca.publicKey));
      assert.ok(cert.checkPrivateKey(createPrivateKey(pair.key)));
    }
  });

  it('gives the apiserver serving cert every SAN clients use', () => {
    const cert = new X509Certificate(pki.apiserver.cert);
    const sans = (cert.subjectAltName ?? '').split(', ');
    for (const want of [
      'DNS:localhost',
      'DNS:kubernetes',
      'DNS:kubernetes.default',
      'DNS:kubernetes.default.svc',
      'DNS:kubernetes.default.svc.cluster.local',
      'IP Address:127.0.0.1',
      'IP Address:10.96.0.1',
    ]) {
      assert.ok(sans.includes(want), `missing SAN ${want} in ${cert.subjectAltName}`);
    }
    assert.ok(cert.checkHost('kubernetes.default.svc'));
    assert.ok(cert.checkIP('127.0.0.1'));
    assert.match(cert.keyUsage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.1/); // serverAuth
  });

  it('puts the admin in system:masters and gives components their RBAC user names', () => {
    assert.match(new X509Certificate(pki.admin.cert).subject, /O=system:masters/);
    assert.match(new X509Certificate(pki.admin.cert).keyUsage?.join(',') ?? '', /1\.3\.6\.1\.5\.5\.7\.3\.2/); // clientAuth
    assert.match(
      new X509Certificate(pki.controllerManager.cert).subject,
      /CN=system:kube-controller-manager/,
    );
    assert.match(new X509Certificate(pki.scheduler.cert).subject, /CN=system:kube-scheduler/);
  });

  it('makes a usable service-account signing pair', () => {
    const data = Buffer.from('token');
    const signature = sign('sha256', data, createPrivateKey(pki.serviceAccount.privateKey));
    assert.ok(verify('sha256', data, createPublicKey(pki.serviceAccount.publicKey), signature));
  });
});
