import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TSchema } from '@fastify/type-provider-typebox';
import type { FastifySchemaValidationError } from 'fastify';
import {
  AnswerBody,
  DesiredStateQuery,
  StatusReportBody,
  gatewayValidatorCompiler,
} from './gateway-schemas.js';

const report = {
  protocol: 1,
  agentVersion: '0.1.0',
  revision: 3,
  observedAt: '2026-03-01T10:00:00.000Z',
  health: 'Healthy',
  layers: [{ profile: 'base', name: 'cni', hash: 'sha256:1', state: 'Applied' }],
};
const LAYER_STATES = '"Pending", "Applying", "Applied", "Failed", "Drifted", "Removing"';

/** What the gateway's validator says about `value`: undefined when it passes, else `path message` per issue. */
function issues(schema: TSchema, value: unknown, httpPart = 'body'): string[] | undefined {
  const validate = gatewayValidatorCompiler({ schema, httpPart, method: 'POST', url: '/v1/agent/x' });
  const result = validate(value) as { error?: FastifySchemaValidationError[] };
  return result.error?.map((e) => `${e.instancePath} ${e.message ?? ''}`);
}

describe('agent gateway input, checked by TypeBox with readable issues', () => {
  const rows: { name: string; schema: TSchema; given: unknown; expect: string[] | undefined }[] = [
    { name: 'a valid report', schema: StatusReportBody, given: report, expect: undefined },
    {
      name: 'unknown fields pass (tolerant reader)',
      schema: StatusReportBody,
      given: { ...report, futureField: { any: 'thing' } },
      expect: undefined,
    },
    {
      name: 'each missing field at its own path',
      schema: StatusReportBody,
      given: { protocol: 1, layers: [] },
      expect: [
        '/agentVersion required field is missing',
        '/revision required field is missing',
        '/observedAt required field is missing',
        '/health required field is missing',
      ],
    },
    {
      name: 'an enumeration once, with every value it accepts',
      schema: StatusReportBody,
      given: { ...report, health: 'Great' },
      expect: ['/health must be one of "Healthy", "Degraded", "Unknown"'],
    },
    {
      name: 'every value of an enumeration even when TypeBox stops after 8 errors',
      schema: StatusReportBody,
      given: { ...report, revision: -1, health: 'Great', layers: [{ ...report.layers[0], state: 'Nope' }] },
      expect: [
        '/revision must be >= 0',
        '/health must be one of "Healthy", "Degraded", "Unknown"',
        `/layers/0/state must be one of ${LAYER_STATES}`,
      ],
    },
    {
      name: 'not an object at all',
      schema: StatusReportBody,
      given: 'text',
      expect: [' must be object'],
    },
    {
      name: 'a nested message keeps its path',
      schema: AnswerBody,
      given: { protocol: 1, id: 'r1', read: { objects: [], missing: [{ object: {}, reason: 'gone' }] } },
      expect: [
        '/read/missing/0/object/apiVersion required field is missing',
        '/read/missing/0/object/kind required field is missing',
        '/read/missing/0/object/name required field is missing',
      ],
    },
    {
      name: 'a query value outside its pattern',
      schema: DesiredStateQuery,
      given: { after: '1.5', waitSeconds: '10' },
      expect: ['/after must match pattern "^[0-9]{1,15}$"'],
    },
  ];
  for (const row of rows) {
    it(row.name, () => {
      assert.deepEqual(issues(row.schema, row.given), row.expect);
    });
  }
});
