/**
 * The cluster PKI, made with @peculiar/x509 over Node's WebCrypto (ECDSA P-256; no openssl).
 * One CA signs the apiserver serving cert, the admin client cert (O=system:masters), the
 * controller-manager / scheduler / kwok client certs and the front-proxy client cert; a separate
 * key pair signs service-account tokens.
 */
import { webcrypto } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import './reflect-shim.js';
import * as x509 from '@peculiar/x509';

type CryptoKey = webcrypto.CryptoKey;
type CryptoKeyPair = webcrypto.CryptoKeyPair;

x509.cryptoProvider.set(webcrypto);

const ALG: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = {
  name: 'ECDSA',
  namedCurve: 'P-256',
  hash: 'SHA-256',
};
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

export interface PemPair {
  cert: string;
  key: string;
}

export interface ClusterPki {
  ca: PemPair;
  apiserver: PemPair;
  admin: PemPair;
  controllerManager: PemPair;
  scheduler: PemPair;
  kwok: PemPair;
  frontProxyClient: PemPair;
  /** etcd's serving and peer certificate (both usages; loopback only). */
  etcd: PemPair;
  /** The client certificate kube-apiserver (and health probes) present to etcd. */
  etcdClient: PemPair;
  serviceAccount: { publicKey: string; privateKey: string };
}

/** File names inside `<stateDir>/pki`. */
export const PKI_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  apiserverCert: 'apiserver.crt',
  apiserverKey: 'apiserver.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
  frontProxyCert: 'front-proxy-client.crt',
  frontProxyKey: 'front-proxy-client.key',
  saPub: 'sa.pub',
  saKey: 'sa.key',
  etcdCert: 'etcd.crt',
  etcdKey: 'etcd.key',
  etcdClientCert: 'etcd-client.crt',
  etcdClientKey: 'etcd-client.key',
} as const;

/** Client cert files of the components that talk to the apiserver (`<name>.crt` / `<name>.key`). */
export const CLIENT_COMPONENTS = ['kube-controller-manager', 'kube-scheduler', 'kwok'] as const;
export type ClientComponent = (typeof CLIENT_COMPONENTS)[number];

async function keyPair(): Promise<CryptoKeyPair> {
  return webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify']);
}

async function privatePem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

async function publicPem(key: CryptoKey): Promise<string> {
  const der = await webcrypto.subtle.exportKey('spki', key);
  return x509.PemConverter.encode(der, 'PUBLIC KEY');
}

interface Issuer {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

interface LeafOptions {
  subject: string;
  usage: 'server' | 'client' | 'peer';
  dns?: string[];
  ips?: string[];
}

async function issueLeaf(ca: Issuer, opts: LeafOptions): Promise<PemPair> {
  const keys = await keyPair();
  const names: x509.JsonGeneralName[] = [
    ...(opts.dns ?? []).map((value) => ({ type: 'dns' as const, value })),
    ...(opts.ips ?? []).map((value) => ({ type: 'ip' as const, value })),
  ];
  const extensions: x509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(
      x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment,
      true,
    ),
    new x509.ExtendedKeyUsageExtension(
      opts.usage === 'peer'
        ? [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth]
        : [opts.usage === 'server' ? x509.ExtendedKeyUsage.serverAuth : x509.ExtendedKeyUsage.clientAuth],
      false,
    ),
    await x509.AuthorityKeyIdentifierExtension.create(ca.cert, false),
  ];
  if (names.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(names, false));
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    subject: opts.subject,
    issuer: ca.cert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + TEN_YEARS_MS),
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    signingAlgorithm: ALG,
    extensions,
  });
  return { cert: cert.toString('pem'), key: await privatePem(keys.privateKey) };
}

/** Serving-cert SANs: loopback, the in-cluster names and the first service IP. */
export function apiserverSans(firstServiceIp: string): { dns: string[]; ips: string[] } {
  return {
    dns: [
      'localhost',
      'kubernetes',
      'kubernetes.default',
      'kubernetes.default.svc',
      'kubernetes.default.svc.cluster.local',
    ],
    ips: ['127.0.0.1', firstServiceIp],
  };
}

async function selfSignedCa(name: string): Promise<Issuer> {
  const keys = await keyPair();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    name,
    keys,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + TEN_YEARS_MS),
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(
        x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature,
        true,
      ),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { cert, keys };
}

/**
 * A CA of its own and a serving certificate it signs, for loopback servers another component must trust by
 * `caBundle` (e.g. the Cluster API managers' webhooks, called by kube-apiserver at https://127.0.0.1:<port>).
 */
export async function generateServingPki(options: {
  name: string;
  dns?: string[];
  ips?: string[];
}): Promise<{ ca: PemPair; serving: PemPair }> {
  const ca = await selfSignedCa(`CN=strata-${options.name}-ca`);
  const serving = await issueLeaf(ca, {
    subject: `CN=${options.name}`,
    usage: 'server',
    dns: options.dns ?? ['localhost'],
    ips: options.ips ?? ['127.0.0.1'],
  });
  return { ca: { cert: ca.cert.toString('pem'), key: await privatePem(ca.keys.privateKey) }, serving };
}

export async function generatePki(options: {
  clusterName: string;
  firstServiceIp: string;
}): Promise<ClusterPki> {
  const ca = await selfSignedCa(`CN=strata-sandbox-ca-${options.clusterName}`);
  const sans = apiserverSans(options.firstServiceIp);
  const [apiserver, admin, controllerManager, scheduler, kwok, frontProxyClient, etcd, etcdClient] =
    await Promise.all([
      issueLeaf(ca, { subject: 'CN=kube-apiserver', usage: 'server', ...sans }),
      issueLeaf(ca, { subject: 'CN=strata-admin, O=system:masters', usage: 'client' }),
      issueLeaf(ca, { subject: 'CN=system:kube-controller-manager', usage: 'client' }),
      issueLeaf(ca, { subject: 'CN=system:kube-scheduler', usage: 'client' }),
      // kwok patches node and pod status for every node; system:masters keeps its RBAC simple.
      issueLeaf(ca, { subject: 'CN=strata-kwok, O=system:masters', usage: 'client' }),
      issueLeaf(ca, { subject: 'CN=front-proxy-client', usage: 'client' }),
      // etcd accepts only clients with a certificate from this cluster's CA: no other local user can read it.
      issueLeaf(ca, { subject: 'CN=etcd', usage: 'peer', dns: ['localhost'], ips: ['127.0.0.1'] }),
      issueLeaf(ca, { subject: 'CN=kube-apiserver-etcd-client', usage: 'client' }),
    ]);
  const sa = await keyPair();
  return {
    ca: { cert: ca.cert.toString('pem'), key: await privatePem(ca.keys.privateKey) },
    apiserver,
    admin,
    controllerManager,
    scheduler,
    kwok,
    frontProxyClient,
    etcd,
    etcdClient,
    serviceAccount: { publicKey: await publicPem(sa.publicKey), privateKey: await privatePem(sa.privateKey) },
  };
}

/** Writes every cert and key into `dir` (keys mode 0600). */
export async function writePki(dir: string, pki: ClusterPki): Promise<void> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const files: [string, string][] = [
    [PKI_FILES.caCert, pki.ca.cert],
    [PKI_FILES.caKey, pki.ca.key],
    [PKI_FILES.apiserverCert, pki.apiserver.cert],
    [PKI_FILES.apiserverKey, pki.apiserver.key],
    [PKI_FILES.adminCert, pki.admin.cert],
    [PKI_FILES.adminKey, pki.admin.key],
    [PKI_FILES.frontProxyCert, pki.frontProxyClient.cert],
    [PKI_FILES.frontProxyKey, pki.frontProxyClient.key],
    [PKI_FILES.saPub, pki.serviceAccount.publicKey],
    [PKI_FILES.saKey, pki.serviceAccount.privateKey],
    ['kube-controller-manager.crt', pki.controllerManager.cert],
    ['kube-controller-manager.key', pki.controllerManager.key],
    ['kube-scheduler.crt', pki.scheduler.cert],
    ['kube-scheduler.key', pki.scheduler.key],
    ['kwok.crt', pki.kwok.cert],
    ['kwok.key', pki.kwok.key],
    [PKI_FILES.etcdCert, pki.etcd.cert],
    [PKI_FILES.etcdKey, pki.etcd.key],
    [PKI_FILES.etcdClientCert, pki.etcdClient.cert],
    [PKI_FILES.etcdClientKey, pki.etcdClient.key],
  ];
  await Promise.all(files.map(([name, pem]) => writeFile(join(dir, name), pem, { mode: 0o600 })));
}
