// Each page's reading: the realm's state (realm-state.ts), the daemon's sessions and notifications, and for a
// repo its sync PRs with what each waits for (as `blue realm status` shows them), shaped by data.ts and
// rendered by pages.ts. A realm that does not load is shown as one line, never an error page.
import type { LoadResult } from "../realm/load.ts";
import type { Notification, Session } from "../daemon/api.ts";
import { contractPage as contractData, contractsOf, pendingChanges, repoLinks } from "./data.ts";
import { trusted } from "./html.ts";
import { contractPage, realmPage, repoPage, type EdgeRow, type ImpactLine, type Mark } from "./pages.ts";
import type { RealmState } from "./realm-state.ts";
import type { Access } from "./access.ts";
import { graphOf } from "./graph.ts";

type Realm = { name: string; local_path: string; last_sync: string | null; status: string };

export type ViewContext = {
  deps: {
    clock: () => Date;
    load: (clone: string) => LoadResult;
    broken: (name: string, load: LoadResult) => string | undefined;
    notifications: (realm: Realm, repo: string) => Notification[];
    sessions: (realm: string) => Session[];
  };
  states: (clone: string) => Promise<RealmState>;
  access: Access;
};

/** The realm's state, or the line that says why it cannot be shown. */
async function stateOf(ctx: ViewContext, r: Realm): Promise<RealmState | string> {
  const broken = ctx.deps.broken(r.name, ctx.deps.load(r.local_path));
  if (broken) return broken;
  try {
    return await ctx.states(r.local_path);
  } catch (e) {
    return `the realm's open sync branches cannot be read: ${(e as Error).message.split("\n")[0]}`;
  }
}

/** Stands for the session's CSRF token in a kept page (a token is base64url: nothing to escape). */
const CSRF_SLOT = "\u0000csrf\u0000";
const rendered = new WeakMap<RealmState, Map<string, string>>();

/** The realm's page, rendered once per state read, domain and last fetch; each session's token put in after. */
export async function realmView(ctx: ViewContext, r: Realm, csrf: string, domain?: string): Promise<string> {
  const state = await stateOf(ctx, r);
  if (typeof state === "string") return renderRealm(ctx, r, state, csrf, domain);
  const key = `${domain ?? ""}|${r.last_sync ?? ""}`;
  let pages = rendered.get(state);
  if (!pages) rendered.set(state, (pages = new Map()));
  let html = pages.get(key);
  if (html === undefined) pages.set(key, (html = await renderRealm(ctx, r, state, CSRF_SLOT, domain)));
  return html.replaceAll(CSRF_SLOT, csrf);
}

async function renderRealm(ctx: ViewContext, r: Realm, state: RealmState | string, csrf: string, domain?: string): Promise<string> {
  const empty = { realm: r.name, last_sync: r.last_sync, svg: null, graph_error: null, domains: [] as string[], domain: null, legend: [] as Mark[], edges: [] as EdgeRow[], contracts: [], repos: [], pending: [] };
  if (typeof state === "string") return realmPage({ ...empty, error: state }, csrf);
  const { model, pending } = state;
  const graph = await graphOf(r.name, state, (repo) => ctx.deps.notifications(r, repo), domain);
  return realmPage(
    {
      ...empty,
      error: null,
      svg: graph.svg === null ? null : trusted(graph.svg),
      legend: graph.legend,
      graph_error: graph.error,
      domains: graph.domains,
      domain: graph.domain,
      edges: graph.edges,
      contracts: contractsOf(model),
      repos: [...new Set([...model.repos.keys(), ...model.pending])].sort().map((name) => ({ name, joined: model.repos.has(name) })),
      pending: pendingChanges(pending),
    },
    csrf,
  );
}

export async function contractView(ctx: ViewContext, r: Realm, domain: string, name: string, csrf: string): Promise<string | undefined> {
  const state = await stateOf(ctx, r);
  if (typeof state === "string") return undefined;
  const data = contractData(state.model, state.pending, domain, name);
  if (!data) return undefined;
  return contractPage(r.name, data, await impactsOf(r.local_path, state, domain, name), csrf);
}

/** The impact of each proposed version on the contract's importers (src/impact), read from the realm's history. */
async function impactsOf(clone: string, state: RealmState, domain: string, name: string): Promise<ImpactLine[]> {
  const d = state.model.domains.get(domain);
  const c = d?.contracts.get(name);
  if (!d || !c) return [];
  const file = `domains/${domain}/contracts/${name}.yaml`;
  const proposed = pendingChanges(state.pending).filter((p) => p.domain === domain && p.contract === name);
  if (proposed.length === 0) return [];
  const [{ impactOf, historyReader }, { ContractFile }, { compareVersions, isBreaking }, { witnessesFor }, { describeWitness }, { describeSchemaChange }] = await Promise.all([
    import("../impact/run.ts"),
    import("../realm/schema.ts"),
    import("../compat/index.ts"),
    import("../check/witness.ts"),
    import("../ui/check-report.ts"),
    import("../realm/view.ts"),
  ]);
  const out: ImpactLine[] = [];
  for (const p of proposed) {
    const parsed = ContractFile.safeParse(state.pending.find((x) => x.branch === p.branch)?.contents.get(file));
    if (!parsed.success) continue;
    try {
      const next = { version: parsed.data.version, schema: parsed.data.schema, value: parsed.data.value };
      const impact = await impactOf(domain, d, c, next, historyReader(clone, file));
      // Against main's version, each breaking finding with a value one side accepts and the other rejects (check's witness).
      const breaking = compareVersions(c, next, c.compatibility).findings.filter((f) => isBreaking(f, c.compatibility));
      const witnesses = witnessesFor(c, next, c.compatibility, breaking);
      out.push({
        version: impact.version,
        summary: impact.summary,
        importers: impact.importers.map((i) => ({ repo: i.repo, status: i.status, reason: i.reason, changes: i.changes })),
        breaking: breaking.map((f) => ({ change: describeSchemaChange(f, true), witness: witnesses.has(f) ? describeWitness(witnesses.get(f)!) : null })),
      });
    } catch {
      // An impact that cannot be computed is left out; the change itself is listed above it.
    }
  }
  return out;
}

export async function repoView(ctx: ViewContext, r: Realm, repo: string, csrf: string): Promise<string | undefined> {
  const state = await stateOf(ctx, r);
  if (typeof state === "string") return undefined;
  const links = repoLinks(state.model, repo);
  if (!links) return undefined;
  let syncs: { branch: string; pr: string | null; due: boolean; waiting_for: string[] }[] = [];
  let syncsError: string | null = null;
  if (state.pending.length) {
    try {
      const [{ syncStatus }, { syncHostFor }] = await Promise.all([import("../sync/run.ts"), import("../sync/host-for.ts")]);
      syncs = await syncStatus(r.local_path, r.name, repo, await syncHostFor(r.name, r.local_path, ""), ctx.deps.clock());
    } catch (e) {
      syncsError = (e as Error).message.split("\n")[0] ?? "unknown";
    }
  }
  const sessions = ctx.deps.sessions(r.name).filter((s) => s.repo === repo);
  return repoPage(r.name, { links, sessions, notifications: ctx.deps.notifications(r, repo), syncs, syncs_error: syncsError }, csrf);
}
