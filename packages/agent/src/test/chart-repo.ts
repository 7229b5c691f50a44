/**
 * A Helm chart built by the test (Chart.yaml + templates, `helm package`) served from a local Helm repository:
 * an index.yaml made by `helm repo index` and the .tgz, on a node HTTP server bound to 127.0.0.1.
 */
import { createReadStream } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, normalize } from 'node:path';
import { run } from './cluster-helpers.js';

const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}
  labels:
    app: {{ .Release.Name }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      app: {{ .Release.Name }}
  template:
    metadata:
      labels:
        app: {{ .Release.Name }}
    spec:
      containers:
        - name: hello
          image: "{{ .Values.image }}"
          ports:
            - containerPort: 8080
      {{- with .Values.nodeSelector }}
      nodeSelector:
        {{- toYaml . | nindent 8 }}
      {{- end }}
`;

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: {{ .Release.Name }}
spec:
  selector:
    app: {{ .Release.Name }}
  ports:
    - port: 80
      targetPort: 8080
`;

const CONFIG = `apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ .Release.Name }}-settings
data:
  greeting: {{ .Values.greeting | quote }}
`;

export interface ChartRepo {
  url: string;
  stop(): Promise<void>;
}

/** Serves chart `name` (default `hello`) at `version`: a Deployment, a Service and a ConfigMap named after the release. */
export async function serveChartRepo(
  helm: string,
  dir: string,
  version = '0.1.0',
  name = 'hello',
): Promise<ChartRepo> {
  const src = join(dir, 'src', name);
  const repo = join(dir, 'repo');
  await mkdir(join(src, 'templates'), { recursive: true });
  await mkdir(repo, { recursive: true });
  await writeFile(
    join(src, 'Chart.yaml'),
    `apiVersion: v2\nname: ${name}\nversion: ${version}\nappVersion: "1.0"\n`,
  );
  await writeFile(join(src, 'values.yaml'), 'replicaCount: 1\nimage: hello:1.0\ngreeting: hi\n');
  await writeFile(join(src, 'templates', 'deployment.yaml'), DEPLOYMENT);
  await writeFile(join(src, 'templates', 'service.yaml'), SERVICE);
  await writeFile(join(src, 'templates', 'configmap.yaml'), CONFIG);
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: dir,
    HELM_CACHE_HOME: join(dir, 'h', 'cache'),
    HELM_CONFIG_HOME: join(dir, 'h', 'config'),
    HELM_DATA_HOME: join(dir, 'h', 'data'),
  };
  await run(helm, ['package', src, '--destination', repo], env);

  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    const file = join(repo, path);
    stat(file)
      .then((s) => {
        if (!s.isFile()) throw new Error('not a file');
        res.writeHead(200, { 'content-type': file.endsWith('.yaml') ? 'text/yaml' : 'application/gzip' });
        createReadStream(file).pipe(res);
      })
      .catch(() => res.writeHead(404).end());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  await run(helm, ['repo', 'index', repo, '--url', url], env);
  return {
    url,
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
