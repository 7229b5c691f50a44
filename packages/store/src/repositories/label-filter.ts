import type { Expression, ExpressionBuilder, SqlBool } from 'kysely';
import type { Database } from '../schema.js';
import type { LabelRequirement } from '../types.js';

/**
 * Label requirements as portable SQL: EXISTS / NOT EXISTS over object_labels (one row per label), so the
 * filter runs in the database on both dialects and pagination stays exact.
 */
export function labelFilter(requirements: readonly LabelRequirement[]) {
  return (eb: ExpressionBuilder<Database, 'objects'>): Expression<SqlBool> => {
    const labelRow = (key: string) =>
      eb
        .selectFrom('object_labels')
        .select('object_labels.key')
        .whereRef('object_labels.uid', '=', 'objects.uid')
        .where('object_labels.key', '=', key);
    const parts = requirements.map((r): Expression<SqlBool> => {
      switch (r.op) {
        case '=':
          return eb.exists(labelRow(r.key).where('object_labels.value', '=', r.value));
        case '!=':
          return eb.not(eb.exists(labelRow(r.key).where('object_labels.value', '=', r.value)));
        case 'in':
          return eb.exists(labelRow(r.key).where('object_labels.value', 'in', r.values));
        case 'notin':
          return eb.not(eb.exists(labelRow(r.key).where('object_labels.value', 'in', r.values)));
        case 'exists':
          return eb.exists(labelRow(r.key));
        case '!exists':
          return eb.not(eb.exists(labelRow(r.key)));
      }
    });
    return eb.and(parts);
  };
}
