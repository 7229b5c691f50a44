import type { Issue } from '@strata/api';
import { isAlias, isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node } from 'yaml';

/** What the documents of one stream may expand to, through aliases, before they are turned into values. */
export interface ExpansionBudget {
  maxNodes: number;
  maxBytes: number;
  nodes: number;
  bytes: number;
}

export interface NodeCheck {
  path: string;
  /** Refuse anchors, aliases, merge keys and explicit tags (each an issue with its line and column). */
  strict: boolean;
  /** `<<` keys merge (and may repeat). */
  merge: boolean;
  lineCounter: LineCounter;
  /** Prefix of every message (`document 2, `) in a multi-document stream. */
  where: string;
  budget: ExpansionBudget;
}

export interface NodeCheckResult {
  issues: Issue[];
  /** A size limit was crossed (the document was not expanded). */
  tooLarge: boolean;
}

interface Size {
  nodes: number;
  bytes: number;
}

const IN_PROGRESS: Size = { nodes: -1, bytes: -1 };

/**
 * Walks one parsed document in document order and adds what it expands to (nodes and approximate JSON bytes, an
 * alias counting as everything its anchor holds) to the budget, without expanding anything: each node is sized once,
 * so this is linear in the text even for an alias bomb. Stops at the first limit crossed. In strict mode it also
 * reports every anchor, alias, merge key (`<<`) and explicit tag.
 */
export function checkDocumentNodes(doc: Document, o: NodeCheck): NodeCheckResult {
  const issues: Issue[] = [];
  const at = (node: { range?: [number, number, number] | null } | null | undefined): string => {
    const offset = node?.range?.[0];
    if (offset === undefined) return '';
    const pos = o.lineCounter.linePos(offset);
    return pos.line > 0 ? `line ${pos.line}, column ${pos.col}: ` : '';
  };
  const refuse = (node: Node | null | undefined, message: string): void => {
    if (issues.length < 20)
      issues.push({ path: o.path, message: `${o.where}${at(node)}${message}`, code: 'STRATA_YAML_INVALID' });
  };
  if (o.strict && doc.directives?.yaml.explicit) refuse(null, 'the %YAML directive is not accepted here');

  const anchors = new Map<string, Node>();
  const sizes = new Map<Node, Size>();
  let over: string | undefined;
  let recursive: string | undefined;

  const size = (node: unknown): Size => {
    if (over || recursive) return { nodes: 0, bytes: 0 };
    if (node === null || node === undefined) return { nodes: 1, bytes: 5 };
    if (isAlias(node)) {
      if (o.strict) refuse(node, `aliases (*${node.source}) are not accepted here`);
      const target = anchors.get(node.source);
      if (!target) return { nodes: 1, bytes: 5 }; // the parser reports the unresolved alias
      const known = sizes.get(target);
      if (known === IN_PROGRESS) {
        recursive = `${at(node)}the alias *${node.source} refers to a node that contains it`;
        return { nodes: 0, bytes: 0 };
      }
      return known ?? { nodes: 1, bytes: 5 };
    }
    if (!isScalar(node) && !isMap(node) && !isSeq(node)) return { nodes: 1, bytes: 5 };
    if (node.anchor) {
      if (o.strict) refuse(node, `anchors (&${node.anchor}) are not accepted here`);
      anchors.set(node.anchor, node);
    }
    if (o.strict && node.tag) refuse(node, `tags (${node.tag}) are not accepted here`);
    sizes.set(node, IN_PROGRESS);
    const total: Size = { nodes: 1, bytes: 2 };
    if (isScalar(node)) {
      const v = node.value;
      total.bytes = (typeof v === 'string' ? v.length + 2 : String(v).length) + 1;
    } else {
      // Checked here rather than by the parser, whose check is quadratic in the size of a map.
      const keys = new Set<string>();
      for (const item of node.items as unknown[]) {
        if (isPair(item)) {
          const key = isScalar(item.key) ? String(item.key.value) : undefined;
          if (key === '<<' && o.strict) refuse(item.key as Node, 'merge keys (<<) are not accepted here');
          else if (key !== undefined && !(key === '<<' && o.merge)) {
            if (keys.has(key))
              refuse(item.key as Node, `the key "${key}" appears twice (map keys must be unique)`);
            keys.add(key);
          }
          add(total, size(item.key));
          add(total, size(item.value));
          total.bytes += 1;
        } else add(total, size(item));
      }
    }
    sizes.set(node, total);
    return total;
  };
  const add = (total: Size, part: Size): void => {
    total.nodes += part.nodes;
    total.bytes += part.bytes;
    // Only the root's total is charged to the budget, but a part can never be larger than the whole.
    if (o.budget.nodes + total.nodes > o.budget.maxNodes) over ??= nodeLimit(o.budget);
    else if (o.budget.bytes + total.bytes > o.budget.maxBytes) over ??= byteLimit(o.budget);
  };

  const root = size(doc.contents);
  if (recursive)
    return {
      issues: [{ path: o.path, message: `${o.where}${recursive}`, code: 'STRATA_YAML_INVALID' }],
      tooLarge: false,
    };
  if (!over) {
    o.budget.nodes += root.nodes;
    o.budget.bytes += root.bytes;
    if (o.budget.nodes > o.budget.maxNodes) over = nodeLimit(o.budget);
    else if (o.budget.bytes > o.budget.maxBytes) over = byteLimit(o.budget);
  }
  if (over)
    return {
      issues: [{ path: o.path, message: `${o.where}${over}`, code: 'STRATA_YAML_INVALID' }],
      tooLarge: true,
    };
  return { issues, tooLarge: false };
}

function nodeLimit(budget: ExpansionBudget): string {
  return `the YAML expands to more than ${budget.maxNodes} values (counting what aliases repeat)`;
}

function byteLimit(budget: ExpansionBudget): string {
  return `the YAML expands to more than ${budget.maxBytes} bytes (counting what aliases repeat)`;
}
