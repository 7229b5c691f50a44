import { StrataError } from '@strata/api';

/** Position after the last item of a page, in list order (name, version, project). */
export interface ListPosition {
  name: string;
  version: string;
  project: string;
}

export function encodeContinue(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.name, position.version, position.project]), 'utf8').toString(
    'base64url',
  );
}

export function decodeContinue(token: string): ListPosition {
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 3 && value.every((v) => typeof v === 'string')) {
      const [name, version, project] = value as [string, string, string];
      return { name, version, project };
    }
  } catch {
    // fall through to the error below
  }
  throw new StrataError('STRATA_BAD_REQUEST', 'invalid continue token; start the list again without it', [
    { path: '/continue', message: 'not a token returned by a previous list' },
  ]);
}
