// The realm page's picture and its text alternative: the graph model `blue realm graph --format json` prints
// (src/graph), drawn as the same SVG with every node a link to its repo or contract page, and its edges listed
// as a table with the same marks. Laying out costs tens of milliseconds, so the SVG is kept per state read.
import type { Notification } from "../daemon/api.ts";
import { buildGraph } from "../graph/build.ts";
import { toDot } from "../graph/dot.ts";
import { FLAG_STYLES, flagsOf } from "../graph/style.ts";
import { FLAG_KINDS, type GraphModel } from "../graph/model.ts";
import { contractHref, repoHref, type EdgeRow, type Mark } from "./pages.ts";
import type { RealmState } from "./realm-state.ts";

export type DashboardGraph = { svg: string | null; legend: Mark[]; edges: EdgeRow[]; error: string | null };

/** An edge carrying every flag, for the legend's marks. */
const sample = { kind: "import", repo: "", contract: "", domain: "", range: null, resolved_version: null, flags: { range_excludes_newest: true, pending_sync: { branch: "sync/…", pr: null, url: null }, breaking_in_flight: true, unacknowledged: true } } as const;

/** The marks' words and class, the same text the picture's edge labels carry. */
export const LEGEND: Mark[] = FLAG_KINDS.map((k) => ({ kind: k, label: `${FLAG_STYLES[k].mark(sample, "x.y.z")} ${FLAG_STYLES[k].meaning}` }));

export function edgeRows(g: GraphModel): EdgeRow[] {
  const byId = new Map(g.contracts.map((c) => [c.id, c]));
  return g.edges.map((e) => {
    const c = byId.get(e.contract);
    const newest = c ? (c.proposed_version ?? c.version) : null;
    return {
      kind: e.kind,
      repo: e.repo,
      domain: e.domain,
      contract: c?.name ?? e.contract,
      version: c?.version ?? "",
      range: e.range,
      resolved: e.resolved_version,
      marks: flagsOf(e).map((k) => ({ kind: k, label: FLAG_STYLES[k].mark(e, newest) })),
    };
  });
}

const svgs = new WeakMap<RealmState, Promise<string>>();

/** `pendingFor(repo)`: the notifications the daemon holds that the repo has not resolved. */
export async function graphOf(realm: string, state: RealmState, pendingFor: (repo: string) => Notification[]): Promise<DashboardGraph> {
  const notifications = [...state.model.repos.keys()].flatMap((repo) => pendingFor(repo).map((n) => ({ repo, domain: n.domain, contract: n.contract, version: n.version })));
  const g = buildGraph({ realm, model: state.model, pending: state.pending, notifications });
  let svg: string | null = null;
  let error: string | null = null;
  try {
    let drawn = svgs.get(state);
    if (!drawn) {
      // The legend is the page's own list (text, not a picture of text).
      const dot = toDot(g, { legend: false, href: (n) => (n.kind === "repo" ? repoHref(realm, n.repo.name) : contractHref(realm, n.contract.domain, n.contract.name)) });
      // Inline in the page: the XML prolog and doctype before <svg> have no place in HTML.
      drawn = import("../graph/svg.ts").then((m) => m.renderSvg(dot)).then((text) => text.slice(Math.max(0, text.indexOf("<svg"))));
      svgs.set(state, drawn);
      drawn.catch(() => svgs.delete(state));
    }
    svg = await drawn;
  } catch (e) {
    error = (e as Error).message.split("\n")[0] ?? "the picture could not be drawn";
  }
  return { svg, legend: LEGEND, edges: edgeRows(g), error };
}
