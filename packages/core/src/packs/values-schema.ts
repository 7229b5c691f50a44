import type { Issue } from '@strata/api';
import { Ajv, type CodeOptions, type ErrorObject, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsMod from 'ajv-formats';
import { pointer } from '../util/json.js';
import { compileSafeRegex } from '../util/safe-regex.js';

export interface ValuesValidator {
  /** Issues for values that do not match the schema, with paths under `basePath`. */
  validate(values: unknown, basePath: string): Issue[];
}

/**
 * Compiles pack values schemas (JSON Schema draft-07 or 2020-12) once and keeps them, keyed by schema object. One cache
 * per catalog (or per caller); it holds no global state.
 */
export class ValuesSchemaCache {
  readonly #compiled = new WeakMap<object, ValuesValidator | { error: string }>();
  #ajv07: Ajv | undefined;
  #ajv2020: Ajv2020 | undefined;

  /** The validator for a schema, or `{error}` when the schema itself is not valid. */
  get(schema: Record<string, unknown>): ValuesValidator | { error: string } {
    const hit = this.#compiled.get(schema);
    if (hit) return hit;
    let result: ValuesValidator | { error: string };
    try {
      const ajv = this.#ajvFor(schema);
      const fn = ajv.compile(stripId(schema));
      result = { validate: (values, basePath) => toIssues(fn, values, basePath) };
    } catch (err) {
      result = { error: err instanceof Error ? err.message : String(err) };
    }
    this.#compiled.set(schema, result);
    return result;
  }

  #ajvFor(schema: Record<string, unknown>): Ajv | Ajv2020 {
    const options = { allErrors: true, strict: false, validateFormats: true, code: { regExp: safeRegExp } };
    if (typeof schema.$schema === 'string' && schema.$schema.includes('2020-12')) {
      if (!this.#ajv2020) {
        this.#ajv2020 = new Ajv2020(options);
        addFormatsMod.default(this.#ajv2020);
      }
      return this.#ajv2020;
    }
    if (!this.#ajv07) {
      this.#ajv07 = new Ajv(options);
      addFormatsMod.default(this.#ajv07);
    }
    return this.#ajv07;
  }
}

/**
 * The engine ajv runs `pattern`, `patternProperties` and `propertyNames` patterns with: linear time, so a pushed schema
 * cannot stall the server. A pattern it cannot run makes the schema itself invalid (compile throws the reason).
 */
const safeRegExp: NonNullable<CodeOptions['regExp']> = Object.assign(
  (pattern: string) => {
    const compiled = compileSafeRegex(pattern);
    if ('error' in compiled) throw new Error(`pattern ${JSON.stringify(pattern)} ${compiled.error}`);
    const { regex } = compiled;
    return { test: (text: string) => regex.test(text), toString: () => regex.source };
  },
  { code: 'safeRegExp' },
);

/** Two packs may share an `$id`; compile each schema anonymously so they never clash. */
function stripId(schema: Record<string, unknown>): Record<string, unknown> {
  if (!('$id' in schema)) return schema;
  const { $id: _id, ...rest } = schema;
  return rest;
}

function toIssues(fn: ValidateFunction, values: unknown, basePath: string): Issue[] {
  if (fn(values)) return [];
  return (fn.errors ?? []).slice(0, 50).map((e: ErrorObject) => {
    const where = e.instancePath === '' ? basePath : basePath + e.instancePath;
    if (e.keyword === 'additionalProperties') {
      const name = String((e.params as { additionalProperty?: unknown }).additionalProperty);
      return {
        path: pointer(where, name),
        message: `unknown value "${name}"`,
        code: 'STRATA_VALUES_INVALID',
      };
    }
    if (e.keyword === 'required') {
      const name = String((e.params as { missingProperty?: unknown }).missingProperty);
      return {
        path: pointer(where, name),
        message: 'required value is missing',
        code: 'STRATA_VALUES_INVALID',
      };
    }
    return { path: where, message: `value ${e.message ?? 'is not valid'}`, code: 'STRATA_VALUES_INVALID' };
  });
}
