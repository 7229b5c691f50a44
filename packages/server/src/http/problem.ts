import { ErrorCatalogue, StrataError, type ErrorCode, type Issue } from '@strata/api';
import type { FastifyError } from 'fastify';

interface FastifyValidationItem {
  instancePath?: string;
  message?: string;
  params?: Record<string, unknown>;
  keyword?: string;
}

/** Maps anything thrown while handling a request to a StrataError (and so to one problem+json body). */
export function toStrataError(err: unknown): StrataError {
  if (err instanceof StrataError) return err;
  const fe = err as Partial<FastifyError> & {
    validation?: FastifyValidationItem[];
    validationContext?: string;
  };
  if (fe.validation) {
    const ctx = fe.validationContext ?? 'body';
    const issues: Issue[] = fe.validation.map((v) => {
      const unknown =
        v.keyword === 'additionalProperties'
          ? typeof v.params?.additionalProperty === 'string'
            ? v.params.additionalProperty
            : ''
          : '';
      return unknown
        ? { path: `/${ctx}${v.instancePath ?? ''}/${unknown}`, message: `unknown field "${unknown}"` }
        : { path: `/${ctx}${v.instancePath ?? ''}`, message: v.message ?? 'is not valid' };
    });
    return new StrataError(
      ctx === 'body' ? 'STRATA_VALIDATION_FAILED' : 'STRATA_BAD_REQUEST',
      `invalid ${ctx}: ${issues.map((i) => `${i.path} ${i.message}`).join('; ')}`,
      issues,
    );
  }
  const byFastifyCode: Record<string, ErrorCode> = {
    FST_ERR_CTP_BODY_TOO_LARGE: 'STRATA_BODY_TOO_LARGE',
    FST_ERR_CTP_INVALID_MEDIA_TYPE: 'STRATA_UNSUPPORTED_MEDIA_TYPE',
    FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'STRATA_BAD_REQUEST',
    FST_ERR_CTP_EMPTY_JSON_BODY: 'STRATA_MALFORMED_BODY',
    FST_ERR_CTP_INVALID_JSON_BODY: 'STRATA_MALFORMED_BODY',
    FST_ERR_NOT_FOUND: 'STRATA_NOT_FOUND',
  };
  const mapped = fe.code ? byFastifyCode[fe.code] : undefined;
  if (mapped) return new StrataError(mapped, fe.message ?? ErrorCatalogue[mapped].title);
  if (err instanceof SyntaxError)
    return new StrataError('STRATA_MALFORMED_BODY', `the body is not valid JSON: ${err.message}`);
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return new StrataError('STRATA_BAD_REQUEST', fe.message ?? 'bad request');
  }
  return new StrataError('STRATA_INTERNAL', 'internal error; the server log has details', [], { cause: err });
}
