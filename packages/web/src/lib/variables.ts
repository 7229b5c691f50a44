import type { ProfileVariable, VariableValue } from '@strata/api';

/** A form's raw value for one variable: text from an input, or a boolean from a switch. */
export type RawValue = string | boolean | undefined;

export interface CheckedValue {
  /** The typed value to send, or undefined when nothing is given (the default applies). */
  value?: VariableValue;
  error?: string;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const SEMVER = /^v?(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;

function fullMatch(regex: string, text: string): boolean | undefined {
  try {
    return new RegExp(`^(?:${regex})$`, 'u').test(text);
  } catch {
    return undefined;
  }
}

/**
 * Checks one variable value the way the server does (type, required, regex in full, options) and gives the typed
 * value. The server checks again; this gives the answer while typing. Sensitive values never appear in messages.
 */
export function checkVariable(def: ProfileVariable, raw: RawValue): CheckedValue {
  const empty = raw === undefined || raw === '';
  if (empty) {
    if (def.required && def.default === undefined) return { error: 'required' };
    return {};
  }
  let value: VariableValue;
  const text = typeof raw === 'boolean' ? String(raw) : raw.trim();
  switch (def.type) {
    case 'number': {
      const n = Number(text);
      if (text === '' || !Number.isFinite(n)) return { error: 'must be a number' };
      value = n;
      break;
    }
    case 'boolean':
      if (text !== 'true' && text !== 'false') return { error: 'must be true or false' };
      value = text === 'true';
      break;
    case 'ipv4':
      if (!IPV4.test(text)) return { error: 'must be an IPv4 address such as 10.0.0.1' };
      value = text;
      break;
    case 'cidr': {
      const [ip, bits, extra] = text.split('/');
      const n = Number(bits);
      if (extra !== undefined || !ip || !IPV4.test(ip) || !/^\d{1,2}$/.test(bits ?? '') || n > 32)
        return { error: 'must be an IPv4 CIDR such as 10.42.0.0/16' };
      value = text;
      break;
    }
    case 'version':
      if (!SEMVER.test(text)) return { error: 'must be a semantic version such as 1.2.3' };
      value = text;
      break;
    default:
      value = typeof raw === 'string' ? raw : text;
  }
  if (def.regex !== undefined) {
    const ok = fullMatch(def.regex, String(value));
    if (ok === false)
      return {
        error:
          def.sensitive || def.type === 'secret'
            ? 'does not match the required pattern'
            : `must match ${def.regex}`,
      };
  }
  if (def.options && def.options.length > 0 && !def.options.some((o) => String(o) === String(value))) {
    return { error: `must be one of ${def.options.map(String).join(', ')}` };
  }
  return { value };
}

/** Checks every variable; returns the values to send and the errors by variable name. */
export function checkVariables(
  defs: readonly ProfileVariable[],
  raw: Readonly<Record<string, RawValue>>,
): { values: Record<string, VariableValue>; errors: Record<string, string> } {
  const values: Record<string, VariableValue> = {};
  const errors: Record<string, string> = {};
  for (const def of defs) {
    const r = checkVariable(def, raw[def.name]);
    if (r.error) errors[def.name] = r.error;
    else if (r.value !== undefined) values[def.name] = r.value;
  }
  return { values, errors };
}
