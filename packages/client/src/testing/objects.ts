import { API_VERSION, type ListResult, type Resource } from '@strata/api';

export interface ObjectFixture {
  kind: string;
  name: string;
  project?: string;
  resourceVersion?: string;
  generation?: number;
  labels?: Record<string, string>;
  spec?: Record<string, unknown>;
  status?: Record<string, unknown>;
  createdAt?: string;
  deletedAt?: string;
}

/** A complete object as the server would return it, for canned responses. */
export function cannedObject(f: ObjectFixture): Resource {
  return {
    apiVersion: API_VERSION,
    kind: f.kind,
    metadata: {
      name: f.name,
      ...(f.project ? { project: f.project } : {}),
      tenant: 'acme',
      labels: f.labels ?? {},
      annotations: {},
      uid: `uid-${f.name}`,
      resourceVersion: f.resourceVersion ?? '1',
      generation: f.generation ?? 1,
      finalizers: [],
      createdAt: f.createdAt ?? '2026-01-01T00:00:00.000Z',
      updatedAt: f.createdAt ?? '2026-01-01T00:00:00.000Z',
      ...(f.deletedAt ? { deletedAt: f.deletedAt } : {}),
    },
    spec: f.spec ?? {},
    status: f.status ?? {},
  };
}

/** A List response body. */
export function cannedList(
  items: Resource[],
  options: { resourceVersion?: string; continue?: string } = {},
): ListResult<Resource> {
  return {
    apiVersion: API_VERSION,
    kind: 'List',
    items,
    resourceVersion: options.resourceVersion ?? '10',
    ...(options.continue ? { continue: options.continue } : {}),
  };
}
