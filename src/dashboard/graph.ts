// The realm page's picture and its text alternative: the graph model `blue realm graph --format json` prints
// (src/graph), drawn as the same SVG with every node a link to its repo or contract page, and its edges listed
// as a table with the same marks. Both are kept per state read (realm-state.ts: a new one whenever the daemon
// publishes a change), so a warm page is rendered from memory. Graphviz lays out in a worker thread: a big
// realm's layout takes seconds, and the daemon's API must not wait for it. Past PICTURE_NODES the page draws
// one domain at a time (the table still lists every edge).
import type { Notification } from "../daemon/api.ts";
import { applyFilter, buildGraph } from "../graph/build.ts";
import { toDot } from "../graph/dot.ts";
import { FLAG_STYLES, flagsOf } from "../graph/style.ts";
import { FLAG_KINDS, type GraphModel } from "../graph/model.ts";
import { contractHref, repoHref, type EdgeRow, type Mark } from "./pages.ts";
import type { RealmState } from "./realm-state.ts";

/** Repos and contracts drawn at most in one picture: beyond it a layout takes many seconds and reads as a blot. */
export const PICTURE_NODES = 250;
const LAYOUT_TIMEOUT_MS = 60_000;

export type DashboardGraph = { svg: string | null; legend: Mark[]; edges: EdgeRow[]; error: string | null; domains: string[]; domain: string | null };

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

/** Graphviz in a worker thread; rejects when it fails, cannot start or takes too long. */
function layOut(dot: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      // In the compiled binary the worker is an embedded entry point (build.ts), named from the bundle's root.
      worker = new Worker(Bun.isStandaloneExecutable ? "./dashboard/svg-worker.ts" : new URL("./svg-worker.ts", import.meta.url).href);
    } catch (e) {
      reject(e);
      return;
    }
    const timer = setTimeout(() => {
      worker.terminate();
      reject(new Error(`the layout took over ${LAYOUT_TIMEOUT_MS / 1000} s`));
    }, LAYOUT_TIMEOUT_MS);
    const done = () => {
      clearTimeout(timer);
      worker.terminate();
    };
    worker.onmessage = (e: MessageEvent<{ svg?: string; error?: string }>) => {
      done();
      if (e.data.svg !== undefined) resolve(e.data.svg);
      else reject(new Error(e.data.error ?? "the layout failed"));
    };
    worker.onerror = (e) => {
      done();
      reject(new Error(e.message));
    };
    worker.postMessage(dot);
  });
}

/** Layouts by their DOT text: a state read again (every half minute at most) rarely changes the picture. */
const layouts = new Map<string, Promise<string>>();
const LAYOUTS_KEPT = 8;

function layOutOnce(dot: string): Promise<string> {
  let hit = layouts.get(dot);
  if (!hit) {
    hit = layOut(dot);
    layouts.set(dot, hit);
    hit.catch(() => layouts.delete(dot));
    if (layouts.size > LAYOUTS_KEPT) layouts.delete(layouts.keys().next().value!);
  }
  return hit;
}

const drawn = new WeakMap<RealmState, Map<string, Promise<DashboardGraph>>>();

/** `pendingFor(repo)`: the notifications the daemon holds that the repo has not resolved. `domain`: draw that one. */
export function graphOf(realm: string, state: RealmState, pendingFor: (repo: string) => Notification[], domain?: string): Promise<DashboardGraph> {
  const key = domain ?? "";
  let forState = drawn.get(state);
  if (!forState) drawn.set(state, (forState = new Map()));
  let hit = forState.get(key);
  if (!hit) {
    hit = draw(realm, state, pendingFor, domain);
    forState.set(key, hit);
  }
  return hit;
}

async function draw(realm: string, state: RealmState, pendingFor: (repo: string) => Notification[], domain: string | undefined): Promise<DashboardGraph> {
  const notifications = [...state.model.repos.keys()].flatMap((repo) => pendingFor(repo).map((n) => ({ repo, domain: n.domain, contract: n.contract, version: n.version })));
  const whole = buildGraph({ realm, model: state.model, pending: state.pending, notifications });
  const known = domain !== undefined && whole.domains.some((d) => d.name === domain);
  const g = known ? applyFilter(whole, { domain }) : whole;
  const domains = whole.domains.map((d) => d.name);
  const base = { legend: LEGEND, edges: edgeRows(g), domains, domain: known ? domain! : null };
  const nodes = g.repos.length + g.contracts.length;
  if (nodes > PICTURE_NODES) return { ...base, svg: null, error: `${nodes} repos and contracts are too many for one picture: pick a domain below` };
  const dot = toDot(g, {
    // The legend is the page's own list (text, not a picture of text).
    legend: false,
    href: (n) => (n.kind === "repo" ? repoHref(realm, n.repo.name) : contractHref(realm, n.contract.domain, n.contract.name)),
  });
  try {
    const svg = await layOutOnce(dot);
    // Inline in the page: the XML prolog and doctype before <svg> have no place in HTML.
    return { ...base, svg: svg.slice(Math.max(0, svg.indexOf("<svg"))), error: null };
  } catch (e) {
    return { ...base, svg: null, error: (e as Error).message.split("\n")[0] ?? "the picture could not be drawn" };
  }
}
