import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { covers } from './escalation.js';

describe('covers', () => {
  const rows: { name: string; have: string[]; required: string; expect: boolean }[] = [
    { name: 'exact', have: ['macro.get'], required: 'macro.get', expect: true },
    { name: 'verb wildcard held', have: ['macro.*'], required: 'macro.delete', expect: true },
    { name: 'kind wildcard held', have: ['*.get'], required: 'cluster.get', expect: true },
    { name: 'wildcard required, specific held', have: ['macro.get'], required: '*.get', expect: false },
    {
      name: 'verb wildcard required, one verb held',
      have: ['macro.get'],
      required: 'macro.*',
      expect: false,
    },
    {
      name: 'everything covers everything but tenants',
      have: ['*.*'],
      required: 'tenant.create',
      expect: false,
    },
    { name: 'tenant needs tenant', have: ['tenant.*'], required: 'tenant.create', expect: true },
    { name: 'all', have: ['*.*'], required: '*.*', expect: true },
  ];
  for (const r of rows) it(r.name, () => assert.equal(covers(r.have, r.required), r.expect));
});
