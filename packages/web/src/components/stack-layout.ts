import { Graph, layout } from '@dagrejs/dagre';

export const NODE_WIDTH = 260;
export const NODE_HEIGHT = 84;

/** Top-to-bottom positions for a stack of layers (dagre; each layer depends on the one above it). */
export function layoutStack(keys: readonly string[], extraEdges: readonly [string, string][] = []) {
  const g = new Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 30, ranksep: 28, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const key of keys) g.setNode(key, { width: NODE_WIDTH, height: NODE_HEIGHT });
  const edges: [string, string][] = [];
  for (let i = 1; i < keys.length; i++) edges.push([keys[i - 1]!, keys[i]!]);
  edges.push(...extraEdges);
  for (const [a, b] of edges) g.setEdge(a, b);
  layout(g);
  const positions = new Map<string, { x: number; y: number }>();
  for (const key of keys) {
    const n = g.node(key) as { x: number; y: number };
    positions.set(key, { x: n.x - NODE_WIDTH / 2, y: n.y - NODE_HEIGHT / 2 });
  }
  const height = Math.max(...[...positions.values()].map((p) => p.y + NODE_HEIGHT), 0) + 16;
  return { positions, edges, height };
}
