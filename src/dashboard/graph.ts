// The realm page's picture and its text alternative: the same edges, drawn as SVG and listed as a table.
import type { Notification } from "../daemon/api.ts";
import { pendingChanges } from "./data.ts";
import type { EdgeRow, Mark } from "./pages.ts";
import type { RealmState } from "./realm-state.ts";
import { rangeSatisfied } from "../realm/view.ts";

export type DashboardGraph = { svg: string | null; legend: Mark[]; edges: EdgeRow[] };

export async function graphOf(_realm: string, _clone: string, state: RealmState, _notifications: (repo: string) => Notification[]): Promise<DashboardGraph> {
  const inFlight = pendingChanges(state.pending);
  const edges: EdgeRow[] = [];
  for (const d of state.model.domains.values()) {
    for (const c of d.contracts.values()) {
      const proposed = inFlight.filter((p) => p.domain === d.name && p.contract === c.name);
      const exportMarks: Mark[] = proposed.map((p) => ({ kind: p.compatible ? "pending" : "breaking", label: `${p.compatible ? "pending sync" : "breaking in flight"} ${p.version}` }));
      edges.push({ kind: "export", repo: c.owner, domain: d.name, contract: c.name, version: c.version, range: null, resolved: null, marks: exportMarks });
      for (const b of d.bindings.values()) {
        for (const i of b.imports.filter((x) => x.contract === c.name)) {
          const marks: Mark[] = [];
          if (!rangeSatisfied(c.version, i.version)) marks.push({ kind: "stale", label: "range excludes newest" });
          if (i.resolved_version !== c.version) marks.push({ kind: "pending", label: "unacknowledged" });
          edges.push({ kind: "import", repo: b.repo, domain: d.name, contract: c.name, version: c.version, range: i.version, resolved: i.resolved_version ?? null, marks });
        }
      }
    }
  }
  return { svg: null, legend: [], edges };
}
