/**
 * The agent's view of a desired-state message, read tolerantly (unknown fields ignored, optional ones defaulted) so
 * an agent one minor version away from the server keeps working. Anything the agent cannot act on safely (no
 * revision, a layer without a name or hash, a manifest without apiVersion/kind/name) is an InvalidMessage error.
 */
import { AGENT_PROTOCOL, MAX_READ_OBJECTS, type AgentMode } from '@strata/api';
import { isPlainObject, type JsonObject } from '@strata/core';
import { AgentError } from '../errors.js';
import { layerKey } from '../apply/labels.js';
import { refOf, type KubeObject, type ObjectRef } from '../kube/object-ref.js';

export interface HelmSpec {
  releaseName: string;
  namespace: string;
  chart: { name: string; version: string; repository?: string };
  bundled?: { digest: string };
  values: JsonObject;
}

export type LayerContent =
  | { type: 'manifest'; objects: KubeObject[] }
  | { type: 'helm'; helm: HelmSpec }
  /**
   * Neither manifests nor a chart: os and k8s layers (the provider applies those), or a manifest layer left empty.
   * Nothing to apply; objects an earlier version of the layer had are garbage collected.
   */
  | { type: 'info' };

export interface DesiredLayer {
  profile: string;
  name: string;
  /** `<profile>.<layer>`: inventory, labels, logs. */
  key: string;
  hash: string;
  /** Position in the stack (apply order). */
  index: number;
  /** Stack position kind (`os`, `k8s`, `cni`, `csi`, `addon`), when the message says. */
  kind?: string;
  content: LayerContent;
}

export interface DesiredState {
  revision: number;
  /** The server store's epoch the revision counts in (absent from older servers). */
  epoch?: string;
  cluster: { tenant: string; project: string; name: string; uid: string };
  stackHash: string;
  kubernetesVersion?: string;
  layers: DesiredLayer[];
  policy: { drift: 'remediate' | 'report'; paused: boolean };
  mode: AgentMode;
}

function invalid(message: string): AgentError {
  return new AgentError('InvalidMessage', `desired state: ${message}`);
}
function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function readHelm(value: JsonObject, where: string): HelmSpec {
  const chart = isPlainObject(value.chart) ? value.chart : {};
  const releaseName = str(value.releaseName);
  const namespace = str(value.namespace);
  const name = str(chart.name);
  const version = str(chart.version);
  if (!releaseName || !namespace || !name || !version)
    throw invalid(`${where}: helm needs releaseName, namespace, chart.name and chart.version`);
  const repository = str(chart.repository);
  const digest = isPlainObject(value.bundled) ? str(value.bundled.digest) : undefined;
  return {
    releaseName,
    namespace,
    chart: { name, version, ...(repository ? { repository } : {}) },
    ...(digest ? { bundled: { digest } } : {}),
    values: isPlainObject(value.values) ? value.values : {},
  };
}

function readLayer(value: unknown, index: number): DesiredLayer {
  const where = `layers[${index}]`;
  if (!isPlainObject(value)) throw invalid(`${where} is not an object`);
  const profileField = value.profile;
  const profile = isPlainObject(profileField) ? str(profileField.name) : str(profileField);
  const name = str(value.name);
  const hash = str(value.hash);
  if (!profile || !name || !hash) throw invalid(`${where} needs profile, name and hash`);
  let content: LayerContent;
  if (isPlainObject(value.helm)) {
    content = { type: 'helm', helm: readHelm(value.helm, where) };
  } else if (Array.isArray(value.manifests) && value.manifests.length > 0) {
    const objects = value.manifests.map((m, i) => {
      if (!isPlainObject(m) || !refOf(m))
        throw invalid(`${where}.manifests[${i}] needs apiVersion, kind and metadata.name`);
      return m;
    });
    content = { type: 'manifest', objects };
  } else {
    content = { type: 'info' };
  }
  const kind = str(value.layer);
  return { profile, name, key: layerKey(profile, name), hash, index, ...(kind ? { kind } : {}), content };
}

function readLayers(stack: JsonObject): DesiredLayer[] {
  const layers = Array.isArray(stack.layers) ? stack.layers.map(readLayer) : [];
  const keys = new Set<string>();
  for (const l of layers) {
    if (keys.has(l.key)) throw invalid(`layer ${l.key} appears twice`);
    keys.add(l.key);
  }
  return layers;
}

/** An adoption preview the server asks for (a `request` of type adoption-preview). */
export interface PreviewRequest {
  type: 'adoption-preview';
  id: string;
  stackHash: string;
  layers: DesiredLayer[];
}

/** Objects the server asks the agent to read (a `request` of type read-objects). */
export interface ReadObjectsRequest {
  type: 'read-objects';
  id: string;
  objects: ObjectRef[];
}

/** A request of the server, or why it cannot be read (the server is still told, so what waits does not time out). */
export type ServerRequest =
  PreviewRequest | ReadObjectsRequest | { type: 'invalid'; id: string; error: string };

function readObjectRefs(value: unknown): ObjectRef[] {
  if (!Array.isArray(value)) throw invalid('request.objects must be a list');
  if (value.length > MAX_READ_OBJECTS)
    throw invalid(`at most ${MAX_READ_OBJECTS} objects can be read at once`);
  return value.map((v, i) => {
    const apiVersion = isPlainObject(v) ? str(v.apiVersion) : undefined;
    const kind = isPlainObject(v) ? str(v.kind) : undefined;
    const name = isPlainObject(v) ? str(v.name) : undefined;
    if (!apiVersion || !kind || !name) throw invalid(`request.objects[${i}] needs apiVersion, kind and name`);
    const namespace = isPlainObject(v) ? str(v.namespace) : undefined;
    return { apiVersion, kind, name, ...(namespace ? { namespace } : {}) };
  });
}

/** The `request` of a desired-state message: undefined when there is none (or it has no id to answer). */
export function readServerRequest(value: unknown): ServerRequest | undefined {
  if (!isPlainObject(value) || !isPlainObject(value.request)) return undefined;
  const request = value.request;
  const id = str(request.id);
  if (!id) return undefined;
  try {
    switch (request.type) {
      case 'adoption-preview': {
        const stack = isPlainObject(request.stack) ? request.stack : {};
        return { type: 'adoption-preview', id, stackHash: str(stack.hash) ?? '', layers: readLayers(stack) };
      }
      case 'read-objects':
        return { type: 'read-objects', id, objects: readObjectRefs(request.objects) };
      default:
        return {
          type: 'invalid',
          id,
          error: `this agent does not know requests of type ${JSON.stringify(request.type)}`,
        };
    }
  } catch (error) {
    return { type: 'invalid', id, error: error instanceof AgentError ? error.message : String(error) };
  }
}

/** Where an agent stands: the revision it has and the store epoch that revision counts in. */
export interface AgentPosition {
  revision: number;
  epoch?: string | undefined;
}

/**
 * Whether a received desired state replaces the one the agent has: a newer revision of the same epoch, or any
 * revision of another epoch (the server was restored from a backup: its numbers restarted lower, or run in step with
 * ours by chance). Revision 0 (no desired state, sent along with a request) never does. A message without an epoch
 * (an older server) compares by number, as before epochs.
 */
export function supersedes(state: DesiredState, current: AgentPosition): boolean {
  if (state.revision === 0) return false;
  if (state.epoch !== undefined && state.epoch !== current.epoch) return true;
  return state.revision > current.revision;
}

/** Reads a DesiredStateMessage (from the server or from the persisted copy). */
export function readDesiredState(value: unknown): DesiredState {
  if (!isPlainObject(value)) throw invalid('not an object');
  const revision = value.revision;
  if (typeof revision !== 'number' || !Number.isInteger(revision) || revision < 0)
    throw invalid('revision must be a non-negative integer');
  if (typeof value.protocol === 'number' && value.protocol > AGENT_PROTOCOL)
    // A newer major protocol is a breaking change by definition: do not guess.
    throw new AgentError(
      'ProtocolUnsupported',
      `desired state uses protocol ${value.protocol}; this agent speaks ${AGENT_PROTOCOL}`,
    );
  const c = isPlainObject(value.cluster) ? value.cluster : {};
  const stack = isPlainObject(value.stack) ? value.stack : {};
  const layers = readLayers(stack);
  const policy = isPlainObject(value.policy) ? value.policy : {};
  const kubernetesVersion = str(stack.kubernetesVersion);
  const epoch = str(value.epoch);
  return {
    revision,
    ...(epoch ? { epoch } : {}),
    cluster: {
      tenant: str(c.tenant) ?? '',
      project: str(c.project) ?? '',
      name: str(c.name) ?? '',
      uid: str(c.uid) ?? '',
    },
    stackHash: str(stack.hash) ?? '',
    ...(kubernetesVersion ? { kubernetesVersion } : {}),
    layers,
    policy: { drift: policy.drift === 'report' ? 'report' : 'remediate', paused: policy.paused === true },
    mode: value.mode === 'read-only' ? 'read-only' : 'full',
  };
}
