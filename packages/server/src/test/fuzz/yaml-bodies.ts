import { stringify } from 'yaml';
import type { Random } from './random.js';

/** A YAML request body and the trick it plays. */
export interface YamlBody {
  text: string;
  trick: string;
}

/**
 * YAML bodies for a generated value: plain, or with the constructs where YAML readers disagree or blow up —
 * anchors and aliases, merge keys, tags, YAML 1.1 booleans, duplicate keys, several documents, alias fan-out
 * (bounded: a few MB expanded, enough to show a stall without taking the machine down), deep nesting.
 */
export function yamlBody(value: unknown, rnd: Random): YamlBody {
  const plain = stringify(value ?? null);
  const trick = rnd.pick([
    'plain',
    'anchor and alias',
    'merge key',
    'tags',
    'yaml 1.1 booleans',
    'duplicate keys',
    'several documents',
    'alias fan-out',
    'deep flow nesting',
  ]);
  switch (trick) {
    case 'plain':
      return { text: plain, trick };
    case 'anchor and alias':
      return { text: `metadata: &m\n  name: fz-a\nspec:\n  copy: *m\n  again: *m\n`, trick };
    case 'merge key':
      return {
        text: `base: &b\n  name: fz-a\n  labels: {evil: "true"}\nmetadata:\n  <<: *b\nspec:\n  <<: [*b, {user: evil}]\n  value: x\n`,
        trick,
      };
    case 'tags':
      return {
        text: rnd.pick([
          `metadata: {name: !!binary aGVsbG8=}\nspec: {}\n`,
          `metadata: {name: fz-a}\nspec: !!set {a, b}\n`,
          `metadata: {name: fz-a}\nspec: !!python/object/apply:os.system ["id"]\n`,
          `metadata: {name: fz-a}\nspec: !custom {x: 1}\n`,
          `!!map\nmetadata: !!map {name: !!str fz-a}\nspec: {value: !!int "12"}\n`,
        ]),
        trick,
      };
    case 'yaml 1.1 booleans':
      return { text: `metadata: {name: yes, labels: {on: off}}\nspec: {value: no, disabled: y}\n`, trick };
    case 'duplicate keys':
      return { text: `metadata: {name: fz-a}\nmetadata: {name: fz-b}\nspec: {}\n`, trick };
    case 'several documents':
      return { text: `${plain}---\n${plain}`, trick };
    case 'alias fan-out': {
      const size = rnd.pick([1_000, 20_000]);
      const refs = rnd.pick([10, 50, 90]);
      const text =
        `metadata: {name: fz-a, annotations: {a: &a "${'x'.repeat(size)}"}}\n` +
        `spec:\n  list: [${Array.from({ length: refs }, () => '*a').join(', ')}]\n`;
      return { text, trick: `${trick} ${refs} x ${size} B` };
    }
    default: {
      const depth = rnd.pick([100, 1000, 5000]);
      return { text: `metadata: {name: fz-a}\nspec: ${'['.repeat(depth)}${']'.repeat(depth)}\n`, trick };
    }
  }
}
