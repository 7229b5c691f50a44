import { describe, expect, it } from 'vitest';
import { list, optional, secretSet, str, text, type SpecObject } from './resource-values';

describe('resource values', () => {
  it('shows spec values as text', () => {
    expect([text('a'), text(undefined), text(null), text(3), text({ k: 'v' })]).toEqual([
      'a',
      '',
      '',
      '3',
      '{"k":"v"}',
    ]);
  });

  it('turns form values into spec fields, leaving out what was not given', () => {
    expect([str('x'), str(''), str(['x']), str(undefined)]).toEqual(['x', undefined, undefined, undefined]);
    expect([list(['a', 'b']), list('a'), list(undefined)]).toEqual([['a', 'b'], [], []]);
    expect(optional({ a: 'x', b: undefined, c: '' })).toEqual({ a: 'x', c: '' });
  });

  it('says whether a write-only secret field has a value', () => {
    const obj = { status: { secretFieldsSet: ['/password'] } } as unknown as SpecObject;
    expect(secretSet(obj, '/password')).toBe(true);
    expect(secretSet(obj, '/credentials')).toBe(false);
    expect(secretSet({} as SpecObject, '/password')).toBe(false);
  });
});
