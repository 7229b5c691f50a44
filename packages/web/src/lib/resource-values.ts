import type { Resource } from '@strata/api';
import type { FieldValue } from '../components/ResourcePage';

/** Helpers for pages built on ResourcePage: show spec values as text, turn form values into spec fields. */
export type SpecObject = Resource<Record<string, unknown>>;

/** A spec value as text ('' when absent). */
export const text = (v: unknown): string =>
  typeof v === 'string' ? v : v === undefined || v === null ? '' : JSON.stringify(v);

/** A form value as an optional string (empty means not given). */
export const str = (v: FieldValue | undefined) => (typeof v === 'string' && v !== '' ? v : undefined);

/** A form value as a list. */
export const list = (v: FieldValue | undefined) => (Array.isArray(v) ? v : []);

/** The object without its undefined fields. */
export const optional = (o: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));

/** Whether a write-only secret field of the object has a value (the server lists them in status). */
export const secretSet = (o: SpecObject, field: string) =>
  ((o.status?.secretFieldsSet as string[] | undefined) ?? []).includes(field);
