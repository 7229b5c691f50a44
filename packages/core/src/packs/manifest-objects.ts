import type { Issue } from '@strata/api';
import { isPlainObject, type JsonValue } from '../util/json.js';

/** Checks that each parsed YAML document is a Kubernetes object: apiVersion, kind and metadata.name. */
export function checkManifestObjects(documents: readonly JsonValue[], path: string): Issue[] {
  const issues: Issue[] = [];
  documents.forEach((doc, i) => {
    const where = documents.length > 1 ? `document ${i + 1}: ` : '';
    if (!isPlainObject(doc)) {
      issues.push({
        path,
        message: `${where}a manifest must be a Kubernetes object (a map)`,
        code: 'STRATA_MANIFEST_INVALID',
      });
      return;
    }
    const missing: string[] = [];
    if (typeof doc.apiVersion !== 'string' || doc.apiVersion === '') missing.push('apiVersion');
    if (typeof doc.kind !== 'string' || doc.kind === '') missing.push('kind');
    const meta = doc.metadata;
    if (!isPlainObject(meta) || typeof meta.name !== 'string' || meta.name === '')
      missing.push('metadata.name');
    if (missing.length)
      issues.push({
        path,
        message: `${where}the object has no ${missing.join(', ')}`,
        code: 'STRATA_MANIFEST_INVALID',
      });
  });
  return issues;
}
