// The dependency graph between repos: each domain contributes edges from the repo that owns a contract to
// each repo that imports it (a domain with no contract yet: from its first member to the others).
// Cycles are refused; a topological order of it is the merge order of coordinated changes.

export type Edge = { from: string; to: string; domain: string };

export type GraphDomain = {
  name: string;
  members: readonly string[];
  contracts: readonly { name: string; owner: string }[];
  imports: readonly { repo: string; contract: string }[];
};

export function domainEdges(domain: GraphDomain): Edge[] {
  const edges: Edge[] = [];
  const seen = new Set<string>();
  const add = (from: string, to: string) => {
    const key = `${from}\0${to}`;
    if (seen.has(key)) return;
    seen.add(key);
    edges.push({ from, to, domain: domain.name });
  };
  if (domain.contracts.length === 0) {
    const [first, ...rest] = domain.members;
    if (first !== undefined) for (const m of rest) add(first, m);
    return edges;
  }
  const owners = new Map(domain.contracts.map((c) => [c.name, c.owner]));
  for (const imp of domain.imports) {
    const owner = owners.get(imp.contract);
    if (owner !== undefined) add(owner, imp.repo);
  }
  return edges;
}

function adjacency(edges: readonly Edge[]): Map<string, Edge[]> {
  const adj = new Map<string, Edge[]>();
  for (const e of edges) {
    let list = adj.get(e.from);
    if (!list) adj.set(e.from, (list = []));
    list.push(e);
  }
  return adj;
}

/** Shortest path from `from` to `to` (breadth first), as the edges walked; undefined if there is none. */
export function findPath(edges: readonly Edge[], from: string, to: string): Edge[] | undefined {
  const adj = adjacency(edges);
  const via = new Map<string, Edge | null>([[from, null]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const node = queue[i]!;
    if (node === to) {
      const path: Edge[] = [];
      for (let e = via.get(node); e; e = via.get(e.from)) path.push(e);
      return path.reverse();
    }
    for (const e of adj.get(node) ?? []) {
      if (!via.has(e.to)) {
        via.set(e.to, e);
        queue.push(e.to);
      }
    }
  }
  return undefined;
}

/** The cycle that adding `added` to `existing` would close, as edges starting where it is best read; else undefined. */
export function cycleIfAdded(existing: readonly Edge[], added: readonly Edge[]): Edge[] | undefined {
  const graph = [...existing];
  for (const edge of added) {
    if (edge.from === edge.to) return [edge];
    const back = findPath(graph, edge.to, edge.from);
    if (back) return [...back, edge];
    graph.push(edge);
  }
  return undefined;
}

/** Every cycle reachable through a back edge of a depth-first walk (at most `limit`); iterative, so deep chains are fine. */
export function detectCycles(edges: readonly Edge[], limit = 10): Edge[][] {
  const adj = adjacency(edges);
  const nodes = new Set<string>();
  for (const e of edges) nodes.add(e.from).add(e.to);
  const state = new Map<string, 1 | 2>(); // 1 = on the stack, 2 = done
  const cycles: Edge[][] = [];
  for (const start of [...nodes].sort()) {
    if (state.has(start)) continue;
    const stack: { node: string; next: number; via?: Edge }[] = [{ node: start, next: 0 }];
    state.set(start, 1);
    while (stack.length > 0 && cycles.length < limit) {
      const top = stack[stack.length - 1]!;
      const out = adj.get(top.node) ?? [];
      if (top.next >= out.length) {
        state.set(top.node, 2);
        stack.pop();
        continue;
      }
      const edge = out[top.next++]!;
      const s = state.get(edge.to);
      if (s === undefined) {
        state.set(edge.to, 1);
        stack.push({ node: edge.to, next: 0, via: edge });
      } else if (s === 1) {
        const from = stack.findIndex((f) => f.node === edge.to);
        cycles.push([...stack.slice(from + 1).map((f) => f.via!), edge]);
      }
    }
  }
  return cycles;
}

/** `a → (s3-access) → b → (feedback-loop) → a` */
export function formatCycle(cycle: readonly Edge[]): string {
  if (cycle.length === 0) return "";
  return [cycle[0]!.from, ...cycle.map((e) => `(${e.domain}) → ${e.to}`)].join(" → ");
}

/** Repos in dependency order (providers before their importers); ties broken by name so the order is stable. */
export function mergeOrder(edges: readonly Edge[], repos: Iterable<string>): string[] {
  const indegree = new Map<string, number>();
  for (const r of repos) indegree.set(r, 0);
  for (const e of edges) {
    if (!indegree.has(e.from)) indegree.set(e.from, 0);
    indegree.set(e.to, (indegree.get(e.to) ?? 0) + 1);
  }
  const adj = adjacency(edges);
  const ready = [...indegree].filter(([, d]) => d === 0).map(([r]) => r).sort();
  const order: string[] = [];
  while (ready.length > 0) {
    const r = ready.shift()!;
    order.push(r);
    for (const e of adj.get(r) ?? []) {
      const d = indegree.get(e.to)! - 1;
      indegree.set(e.to, d);
      if (d === 0) {
        ready.push(e.to);
        ready.sort();
      }
    }
  }
  return order;
}
