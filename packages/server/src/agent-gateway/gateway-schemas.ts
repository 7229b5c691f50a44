/**
 * What the agent gateway accepts, as TypeBox schemas: the protocol's messages (`AgentStatusReport`, `AgentAnswer`
 * from @strata/api) and the gateway's query and path parameters. Fastify checks them before a handler runs with
 * TypeBox's own validator (the one @strata/api uses) through @fastify/type-provider-typebox, which also types the
 * handlers' `req.body`, `req.query` and `req.params`. Unknown body fields pass (tolerant reader: an agent one minor
 * version newer keeps working).
 */
import { TypeBoxValidatorCompiler, Type, type TSchema } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';

export { AgentAnswer as AnswerBody, AgentStatusReport as StatusReportBody } from '@strata/api';

export const DesiredStateQuery = Type.Object(
  {
    after: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,15}$', description: 'the revision the agent has (default 0)' }),
    ),
    waitSeconds: Type.Optional(
      Type.String({ pattern: '^[0-9]{1,3}$', description: 'how long to wait for a newer one (at most 60)' }),
    ),
  },
  { additionalProperties: false },
);

export const ChartParams = Type.Object({ digest: Type.String({ pattern: '^sha256:[0-9a-f]{64}$' }) });

/**
 * TypeBox's validator with readable issues: a missing field is named at its own path, and an enumeration (a union of
 * literals) says once what it accepts, instead of one error per literal. (TypeBox reports at most 8 errors per value:
 * a bound against costly diagnostics, kept.)
 */
export const gatewayValidatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const check = TypeBoxValidatorCompiler(route);
  return (value: unknown) => {
    const result = check(value) as { value?: unknown; error?: FastifySchemaValidationError[] };
    return result.error ? { error: readableErrors(route.schema, result.error) } : result;
  };
};

export function readableErrors(
  schema: unknown,
  errors: readonly FastifySchemaValidationError[],
): FastifySchemaValidationError[] {
  const out: FastifySchemaValidationError[] = [];
  const seen = new Set<string>();
  const push = (e: FastifySchemaValidationError) => {
    const key = `${e.instancePath}\u0000${e.message ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(e);
  };
  for (const e of errors) {
    if (e.keyword === 'required') {
      const names = e.params.requiredProperties;
      for (const name of Array.isArray(names) ? (names as unknown[]) : [])
        push({
          ...e,
          instancePath: `${e.instancePath}/${String(name)}`,
          message: 'required field is missing',
        });
      continue;
    }
    const union = e.keyword === 'anyOf' ? e.schemaPath : /^(.*)\/anyOf\/\d+$/.exec(e.schemaPath)?.[1];
    const literals = union === undefined ? undefined : enumeration(schemaAt(schema, union));
    if (literals) {
      const message = `must be one of ${literals.map((l) => JSON.stringify(l)).join(', ')}`;
      push({ ...e, keyword: 'anyOf', schemaPath: union ?? e.schemaPath, params: {}, message });
    } else push(e);
  }
  return out;
}

/** The part of `schema` a schema path (`#/properties/health`) points at. */
function schemaAt(schema: unknown, path: string): unknown {
  let node = schema;
  for (const raw of path.replace(/^#\/?/, '').split('/').filter(Boolean)) {
    const key = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    node = typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined;
  }
  return node;
}

/** The literals of a union of literals (`Type.Union([Type.Literal(...), ...])`); undefined for anything else. */
function enumeration(node: unknown): unknown[] | undefined {
  const options: unknown = (node as { anyOf?: unknown } | undefined)?.anyOf;
  if (!Array.isArray(options) || options.length === 0) return undefined;
  const literals: unknown[] = [];
  for (const option of options as unknown[]) {
    if (typeof option !== 'object' || option === null || !('const' in option)) return undefined;
    literals.push(option.const);
  }
  return literals;
}
