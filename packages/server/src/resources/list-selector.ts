import { StrataError } from '@strata/api';
import { parseLabelSelector, type LabelRequirement } from '@strata/store';

const MAX_SELECTOR_CHARS = 4096;
const MAX_SELECTOR_REQUIREMENTS = 64;

/** Parses a label selector, refusing ones too large to be a real query (they would only load the database). */
export function boundedSelector(text: string): LabelRequirement[] {
  const fail = (message: string) =>
    new StrataError('STRATA_BAD_REQUEST', message, [{ path: '/labelSelector', message }]);
  if (text.length > MAX_SELECTOR_CHARS)
    throw fail(`a label selector may be at most ${MAX_SELECTOR_CHARS} characters`);
  const parsed = parseLabelSelector(text);
  if (parsed.length > MAX_SELECTOR_REQUIREMENTS)
    throw fail(`a label selector may have at most ${MAX_SELECTOR_REQUIREMENTS} requirements`);
  return parsed;
}
