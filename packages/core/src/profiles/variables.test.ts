import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ProfileVariable } from '@strata/api';
import { coerceVariableValue } from './variables.js';

describe('coerceVariableValue', () => {
  const v = (type: ProfileVariable['type'], extra: Partial<ProfileVariable> = {}): ProfileVariable => ({
    name: 'v',
    type,
    ...extra,
  });
  const cases: { name: string; def: ProfileVariable; given: unknown; expect: unknown }[] = [
    { name: 'string', def: v('string'), given: 'a', expect: 'a' },
    { name: 'number from a number', def: v('number'), given: 3, expect: 3 },
    { name: 'number from CLI text', def: v('number'), given: '3.5', expect: 3.5 },
    { name: 'number rejects text', def: v('number'), given: 'three', expect: /must be a number/ },
    { name: 'number rejects empty', def: v('number'), given: '', expect: /must be a number/ },
    { name: 'boolean from text', def: v('boolean'), given: 'true', expect: true },
    { name: 'boolean rejects yes', def: v('boolean'), given: 'yes', expect: /true or false/ },
    { name: 'ipv4', def: v('ipv4'), given: '192.168.1.10', expect: '192.168.1.10' },
    { name: 'ipv4 rejects 256', def: v('ipv4'), given: '10.0.0.256', expect: /IPv4 address/ },
    { name: 'cidr', def: v('cidr'), given: '10.42.0.0/16', expect: '10.42.0.0/16' },
    { name: 'cidr rejects /33', def: v('cidr'), given: '10.0.0.0/33', expect: /CIDR/ },
    { name: 'cidr rejects a plain address', def: v('cidr'), given: '10.0.0.0', expect: /CIDR/ },
    { name: 'version', def: v('version'), given: 'v1.36.3', expect: 'v1.36.3' },
    { name: 'version rejects 1.2', def: v('version'), given: '1.2', expect: /version like/ },
    { name: 'secret is a string', def: v('secret'), given: 'pw', expect: 'pw' },
    {
      name: 'regex must match in full',
      def: v('string', { regex: '[a-z]+' }),
      given: 'abc1',
      expect: /must match/,
    },
    { name: 'regex ok', def: v('string', { regex: '[a-z]+' }), given: 'abc', expect: 'abc' },
    { name: 'options', def: v('number', { options: [1, 3] }), given: '3', expect: 3 },
    { name: 'options reject others', def: v('string', { options: ['a'] }), given: 'b', expect: /one of "a"/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = coerceVariableValue(c.def, c.given);
      if (c.expect instanceof RegExp)
        assert.match('error' in r ? r.error : `value ${String(r.value)}`, c.expect);
      else assert.deepEqual(r, { value: c.expect });
    });
  }
});
