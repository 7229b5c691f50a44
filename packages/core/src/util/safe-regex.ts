import { RE2JS, RE2JSException, RE2JSSyntaxException } from 're2js';

/** Longest pattern accepted from a user (variable regex, values schema `pattern`). */
export const MAX_PATTERN_LENGTH = 1024;

/**
 * A regular expression run by a linear-time engine (RE2 semantics): matching time grows with the text, never
 * exponentially, whatever the pattern. Every pattern a user supplies is run through this, never through `RegExp`.
 */
export interface SafeRegex {
  readonly source: string;
  /** True when the pattern matches somewhere in the text (like `RegExp.prototype.test`, JSON Schema `pattern`). */
  test(text: string): boolean;
  /** True when the pattern matches the whole text. */
  testFull(text: string): boolean;
}

/**
 * Compiles a user-supplied pattern. Patterns use the RE2 syntax, which is the ECMAScript syntax without the features
 * that need backtracking; `\uHHHH` and `\u{H…}` escapes are accepted too. Backreferences and lookaround are refused
 * with an error naming the feature; the error completes a sentence about the pattern ("… uses a feature …").
 */
export function compileSafeRegex(source: string): { regex: SafeRegex } | { error: string } {
  if (source.length > MAX_PATTERN_LENGTH) return { error: `is longer than ${MAX_PATTERN_LENGTH} characters` };
  let compiled: RE2JS;
  try {
    compiled = RE2JS.compile(translateUnicodeEscapes(source));
  } catch (err) {
    return { error: describeError(err) };
  }
  return {
    regex: {
      source,
      test: (text) => compiled.test(text),
      testFull: (text) => compiled.testExact(text),
    },
  };
}

function describeError(err: unknown): string {
  if (err instanceof RE2JSSyntaxException) {
    const feature = unsupportedFeature(err.error, err.input ?? '');
    if (feature) return `uses a feature a linear-time engine cannot run: ${feature}`;
    return `is not a valid regular expression: ${err.error}${err.input ? `: ${err.input}` : ''}`;
  }
  if (err instanceof RE2JSException) return `cannot be compiled: ${err.message}`;
  throw err;
}

/** Names the backtracking-only feature RE2 refused, from its syntax error, or undefined for a plain syntax error. */
function unsupportedFeature(error: string, input: string): string | undefined {
  if (input.startsWith('(?=') || input.startsWith('(?!')) return 'lookahead';
  if (input.startsWith('(?<=') || input.startsWith('(?<!')) return 'lookbehind';
  if (error === 'invalid escape sequence' && /^\\([1-9]|k)/.test(input)) return 'backreference';
  return undefined;
}

/** Rewrites the ECMAScript escapes `\uHHHH` and `\u{H…}` into RE2's `\x{H…}`; everything else is kept as is. */
function translateUnicodeEscapes(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const ch = source[i] as string;
    if (ch !== '\\' || i + 1 >= source.length) {
      out += ch;
      continue;
    }
    const escape = /^u(?:\{([0-9A-Fa-f]{1,6})\}|([0-9A-Fa-f]{4}))/.exec(source.slice(i + 1, i + 10));
    if (escape) {
      out += `\\x{${escape[1] ?? escape[2] ?? ''}}`;
      i += escape[0].length;
    } else {
      out += ch + (source[i + 1] as string);
      i += 1;
    }
  }
  return out;
}
