import type { KindDefinition } from './kinds/kind.js';

/** Where objects live in the REST API. The server's routes and the client both use these. */
export const API_PREFIX = '/v1';

export interface ObjectLocation {
  kind: KindDefinition;
  project?: string | undefined;
  name?: string | undefined;
}

/** `/v1/projects/P/clusterprofiles[/NAME]` for project scope, `/v1/clusterprofiles[/NAME]` otherwise. */
export function collectionPath(kind: KindDefinition, project?: string): string {
  const base =
    project && kind.scope !== 'system' && kind.scope !== 'tenant'
      ? `${API_PREFIX}/projects/${encodeURIComponent(project)}`
      : API_PREFIX;
  return `${base}/${kind.plural}`;
}

export function objectPath(kind: KindDefinition, name: string, project?: string): string {
  return `${collectionPath(kind, project)}/${encodeURIComponent(name)}`;
}
