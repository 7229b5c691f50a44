import type { Resource } from '@strata/api';
import { evaluateJsonPath, formatValue, parseJsonPath } from '../jsonpath.js';
import { formatAge } from './age.js';

export interface Column {
  header: string;
  value: (object: Resource) => string;
}

const at = (path: string) => {
  const segments = parseJsonPath(path);
  return (o: Resource) => evaluateJsonPath(segments, o).map(formatValue).join(',');
};
const col = (header: string, path: string): Column => ({ header, value: at(path) });
const readyCondition = at('{.status.conditions[?(@.type=="Ready")].status}');

/** Kind-specific columns; each is shown only when at least one listed object has a value for it. */
const KIND_COLUMNS: Record<string, Column[]> = {
  Cluster: [
    col('PROVIDER', '{.spec.provider}'),
    col('PHASE', '{.status.phase}'),
    col('HEALTH', '{.status.health}'),
    col('KUBERNETES', '{.status.kubernetesVersion}'),
  ],
  ClusterProfile: [
    col('VERSION', '{.spec.version}'),
    col('TYPE', '{.spec.type}'),
    col('STATE', '{.status.state}'),
  ],
  Pack: [col('VERSION', '{.spec.version}'), col('LAYER', '{.spec.layer}'), col('TYPE', '{.spec.type}')],
  PackSource: [col('TYPE', '{.spec.type}'), col('URL', '{.spec.url}')],
  Project: [col('DISPLAY NAME', '{.spec.displayName}')],
  Tenant: [col('DISPLAY NAME', '{.spec.displayName}')],
  User: [col('EMAIL', '{.spec.email}'), col('DISABLED', '{.spec.disabled}')],
  RoleBinding: [col('ROLE', '{.spec.role}')],
  ApiKey: [
    col('USER', '{.spec.user}'),
    col('EXPIRES', '{.spec.expiresAt}'),
    col('REVOKED', '{.spec.revoked}'),
  ],
  CloudAccount: [col('PROVIDER', '{.spec.provider}'), col('REGION', '{.spec.region}')],
  Gateway: [
    col('TYPE', '{.spec.type}'),
    col('CLUSTER API', '{.status.clusterApiVersion}'),
    col('CLUSTERS', '{.status.clusters}'),
  ],
  Event: [
    col('TYPE', '{.spec.type}'),
    col('REASON', '{.spec.reason}'),
    col('OBJECT', '{.spec.object.kind}'),
    col('MESSAGE', '{.spec.message}'),
  ],
  AuditEntry: [col('ACTOR', '{.spec.actor}'), col('VERB', '{.spec.verb}'), col('OUTCOME', '{.spec.outcome}')],
};

/** Columns any kind gets when its objects have them. */
const GENERIC_COLUMNS: Column[] = [
  col('PHASE', '{.status.phase}'),
  { header: 'READY', value: readyCondition },
];

export interface ColumnOptions {
  kind: string;
  items: readonly Resource[];
  /** Add a PROJECT column (listing across projects, or a tenant-or-project kind). */
  showProject: boolean;
  now: Date;
  /** Show every kind-specific column even when no object has a value yet (get --watch). */
  allKindColumns?: boolean;
}

/** NAME, [PROJECT], kind-specific columns that have values, AGE. */
export function columnsFor(options: ColumnOptions): Column[] {
  const specific = KIND_COLUMNS[options.kind] ?? [];
  const headers = new Set(specific.map((c) => c.header));
  const candidates = [...specific, ...GENERIC_COLUMNS.filter((c) => !headers.has(c.header))];
  const present = candidates.filter(
    (c) =>
      (options.allKindColumns && headers.has(c.header)) || options.items.some((item) => c.value(item) !== ''),
  );
  return [
    { header: 'NAME', value: (o) => o.metadata.name },
    ...(options.showProject ? [{ header: 'PROJECT', value: (o: Resource) => o.metadata.project ?? '' }] : []),
    ...present,
    { header: 'AGE', value: (o) => formatAge(o.metadata.createdAt, options.now) },
  ];
}

export function rowFor(columns: readonly Column[], object: Resource): string[] {
  return columns.map((c) => c.value(object));
}
