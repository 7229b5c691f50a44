import type { ImportNote, PackImportResult, ProfileImportResult } from '@strata/client';

/** Report lines, one per note: `  dropped    /pack.json/group: ...`. */
export function formatImportNotes(notes: readonly ImportNote[]): string {
  return notes.map((n) => `  ${n.action.padEnd(10)} ${n.path || '/'}: ${n.message}\n`).join('');
}

function counts(notes: readonly ImportNote[]): string {
  const by = (a: string) => notes.filter((n) => n.action === a).length;
  return `${by('translated')} translated, ${by('dropped')} left out, ${by('error')} errors`;
}

/** `pack/nginx@1.9.4 created from nginx-ingress-chart (12 translated, 9 left out, 0 errors)` and the report. */
export function formatPackImport(r: PackImportResult, dryRun: boolean): string {
  const what = r.name ? `pack/${r.name}@${r.version ?? ''}` : 'pack';
  const verb =
    r.action === 'convertible'
      ? 'would be imported (dry run)'
      : r.action === 'not-convertible'
        ? `cannot be imported${dryRun ? ' (dry run)' : ''}`
        : r.action;
  const from = r.source ? ` from ${r.source}` : '';
  return `${what} ${verb}${from} (${counts(r.report)})\n${formatImportNotes(r.report)}`;
}

/** One block per profile: the outcome, the report, and for a dry run the validation issues. */
export function formatProfileImport(r: ProfileImportResult, dryRun: boolean): string {
  let out = `format: ${r.format}\n${formatImportNotes(r.report)}`;
  for (const item of r.items) {
    const what = item.name
      ? `clusterprofile/${item.name}@${item.version ?? ''}`
      : `profile at ${item.source}`;
    const verb = {
      created: 'created (draft)',
      valid: 'is valid and would be created (dry run)',
      invalid: `would not be created: ${item.issues.length} validation problems (dry run)`,
      'not-convertible': `cannot be converted${dryRun ? ' (dry run)' : ''}`,
    }[item.action];
    out += `${what} ${verb} (${counts(item.report)})\n${formatImportNotes(item.report)}`;
    for (const issue of item.issues)
      out += `  invalid    ${issue.path}: ${issue.message}${issue.code ? ` (${issue.code})` : ''}\n`;
  }
  return out;
}
