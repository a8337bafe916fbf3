// The dashboard's pages as escaped HTML (html.ts): a layout with a skip link and a live region, the realm
// (its graph, the same edges as a table, its contracts, repos and pending changes), a contract and a repo.
// Every POST form carries the session's CSRF token.
import { h, type Markup } from "./html.ts";
import type { ContractPage, ContractRef, PendingChange, RepoLinks } from "./data.ts";

export type Layout = { title: string; realm?: string; csrf?: string; nav?: { href: string; label: string }[]; /** Listen for changes (pages of a session only). */ live?: boolean };

export const base = (realm: string) => `/dashboard/realms/${encodeURIComponent(realm)}`;
export const contractHref = (realm: string, domain: string, name: string) => `${base(realm)}/contracts/${encodeURIComponent(domain)}/${encodeURIComponent(name)}`;
export const repoHref = (realm: string, repo: string) => `${base(realm)}/repos/${encodeURIComponent(repo)}`;

export function page(l: Layout, body: Markup): string {
  const nav = l.nav ?? (l.realm ? [{ href: base(l.realm), label: `Realm ${l.realm}` }] : []);
  return h`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${l.title} · blue</title>
<link rel="stylesheet" href="/dashboard/assets/dashboard.css">
${l.live === false ? "" : h`<script src="/dashboard/assets/live.js" defer></script>`}
</head>
<body data-realm="${l.realm ?? ""}">
<a class="skip" href="#content">Skip to content</a>
<header>
<a class="brand" href="/dashboard">blue</a>
<nav aria-label="Main"><ul>${nav.map((n) => h`<li><a href="${n.href}">${n.label}</a></li>`)}</ul></nav>
${l.csrf ? h`<form method="post" action="/dashboard/logout"><input type="hidden" name="csrf" value="${l.csrf}"><button type="submit">Sign out</button></form>` : ""}
</header>
<main id="content" tabindex="-1">
${body}
</main>
<footer><p id="live-status" role="status" aria-live="polite"></p></footer>
</body>
</html>
`.text;
}

export function messagePage(title: string, message: string, hint: string): string {
  return page({ title, live: false }, h`<h1>${title}</h1><p>${message}</p><p class="note">${hint}</p>`);
}

export type RealmRow = { name: string; last_sync: string | null; status: string };

export function realmListPage(realms: readonly RealmRow[], csrf: string): string {
  const rows = realms.map((r) => h`<tr><td><a href="${base(r.name)}">${r.name}</a></td><td>${r.status}</td><td>${r.last_sync ?? "never"}</td></tr>`);
  return page(
    { title: "Realms", csrf },
    realms.length
      ? h`<h1>Realms on this machine</h1><table><thead><tr><th scope="col">Realm</th><th scope="col">Status</th><th scope="col">Last fetched</th></tr></thead><tbody>${rows}</tbody></table>`
      : h`<h1>No realm yet</h1><p>This daemon tracks no realm. Run <code>blue realm status</code> in a member repo.</p>`,
  );
}

/** A mark on an edge or a change, in words and colour (it reads in monochrome). */
export type Mark = { kind: string; label: string };
export type EdgeRow = { kind: "export" | "import"; repo: string; domain: string; contract: string; version: string; range: string | null; resolved: string | null; marks: Mark[] };

const marks = (ms: readonly Mark[]) => ms.map((m) => h` <span class="tag ${m.kind}">${m.label}</span>`);

function pendingList(realm: string, changes: readonly PendingChange[], withContract: boolean): Markup {
  if (changes.length === 0) return h`<p class="muted">No change in flight.</p>`;
  return h`<ul class="pending-changes">${changes.map(
    (p) => h`<li data-branch="${p.branch}">${withContract ? h`<a href="${contractHref(realm, p.domain, p.contract)}">${p.contract}</a> ` : ""}<strong>${p.version}</strong>
 <span class="tag ${p.compatible ? "compatible" : "breaking"}">${p.compatible ? "compatible" : "breaking"}</span>
 from <a href="${repoHref(realm, p.repo)}">${p.repo}</a> on <code>${p.branch}</code>${p.acked_by.length ? h`; acknowledged on a branch by ${p.acked_by.join(", ")}` : ""}${p.conflicts.length ? h` <span class="tag blocked">conflicts: ${p.conflicts.join(", ")}</span>` : ""}
 ${p.changes.length ? h`<ul>${p.changes.map((c) => h`<li><code>${c}</code></li>`)}</ul>` : ""}</li>`,
  )}</ul>`;
}

export type RealmView = {
  realm: string;
  last_sync: string | null;
  error: string | null;
  svg: Markup | null;
  /** Why there is no picture (the table still lists every edge). */
  graph_error: string | null;
  /** Every domain (a picture per domain can be asked for), and the one drawn (null: the whole realm). */
  domains: string[];
  domain: string | null;
  legend: Mark[];
  edges: EdgeRow[];
  contracts: ContractRef[];
  repos: { name: string; joined: boolean }[];
  pending: PendingChange[];
};

export function realmPage(v: RealmView, csrf: string): string {
  const fetchForm = h`<form method="post" action="${base(v.realm)}/fetch"><input type="hidden" name="csrf" value="${csrf}"><button type="submit">Fetch the realm now</button></form>`;
  if (v.error) return page({ title: v.realm, realm: v.realm, csrf }, h`<h1>Realm ${v.realm}</h1><p class="breaking">${v.error}</p>${fetchForm}`);
  const edgeRows = v.edges.map(
    (e) => h`<tr><td>${e.kind}</td><td><a href="${repoHref(v.realm, e.repo)}">${e.repo}</a></td><td><a href="${contractHref(v.realm, e.domain, e.contract)}">${e.contract}@${e.version}</a></td><td>${e.range ?? "—"}</td><td>${e.resolved ?? "—"}</td><td>${marks(e.marks)}</td></tr>`,
  );
  return page(
    { title: `Realm ${v.realm}`, realm: v.realm, csrf },
    h`<h1>Realm ${v.realm}</h1>
<p class="muted">Last fetched: ${v.last_sync ?? "never"}</p>
${fetchForm}
<h2 id="graph">Graph${v.domain ? h` of domain ${v.domain}` : ""}</h2>
${v.domains.length > 1 ? h`<nav aria-label="Domains"><p>Draw: ${v.domain ? h`<a href="${base(v.realm)}">the whole realm</a>` : h`<strong>the whole realm</strong>`}${v.domains.map((d) => (d === v.domain ? h` · <strong>${d}</strong>` : h` · <a href="${base(v.realm)}?domain=${encodeURIComponent(d)}">${d}</a>`))}</p></nav>` : ""}
${v.svg ? h`<figure class="graph" aria-describedby="edges-caption">${v.svg}</figure>` : h`<p class="muted">No picture${v.graph_error ? h` (${v.graph_error})` : ""}; the table below lists every edge.</p>`}
${v.legend.length ? h`<h3 id="legend">What the marks mean</h3><ul class="legend">${v.legend.map((m) => h`<li><span class="tag ${m.kind}">${m.label}</span></li>`)}</ul>` : ""}
<h2 id="edges">Edges</h2>
<table id="edge-table"><caption id="edges-caption">Every export and import ${v.domain ? h`of domain ${v.domain}` : "of the realm"} (the graph as a table)</caption>
<thead><tr><th scope="col">Edge</th><th scope="col">Repo</th><th scope="col">Contract</th><th scope="col">Range</th><th scope="col">Resolved</th><th scope="col">State</th></tr></thead>
<tbody>${edgeRows}</tbody></table>
<h2 id="pending">Changes in flight</h2>
${pendingList(v.realm, v.pending, true)}
<h2 id="contracts">Contracts</h2>
<ul class="contracts">${v.contracts.map((c) => h`<li><a href="${contractHref(v.realm, c.domain, c.name)}">${c.name}@${c.version}</a> <span class="muted">(${c.domain}, owner ${c.owner})</span></li>`)}</ul>
<h2 id="repos">Repos</h2>
<ul class="repos">${v.repos.map((r) => h`<li><a href="${repoHref(v.realm, r.name)}">${r.name}</a>${r.joined ? "" : h` <span class="tag pending">not joined yet</span>`}</li>`)}</ul>`,
  );
}

export type ImpactLine = {
  version: string;
  summary: string;
  importers: { repo: string; status: string; reason: string; changes: string[] }[];
  /** The breaking findings against main's version, each with its witness line when one was searched. */
  breaking: { change: string; witness: string | null }[];
};

export function contractPage(realm: string, p: ContractPage, impacts: readonly ImpactLine[], csrf: string): string {
  const c = p.contract;
  return page(
    { title: `${c.name} (${p.domain})`, realm, csrf },
    h`<h1>Contract ${c.name}@${c.version}</h1>
<p>Domain <strong>${p.domain}</strong>, owner <a href="${repoHref(realm, c.owner)}">${c.owner}</a>. Compatibility: ${c.compatibility.backwards ? "backwards" : ""}${c.compatibility.backwards && c.compatibility.forwards ? " and " : ""}${c.compatibility.forwards ? "forwards" : ""}${!c.compatibility.backwards && !c.compatibility.forwards ? "none required" : ""}.</p>
${c.description ? h`<p class="description">${c.description}</p>` : ""}
<h2>Who imports which version</h2>
${p.importers.length
  ? h`<table id="importers"><thead><tr><th scope="col">Repo</th><th scope="col">Range</th><th scope="col">Resolved</th><th scope="col">Takes ${c.version}</th></tr></thead><tbody>${p.importers.map(
      (i) => h`<tr><td><a href="${repoHref(realm, i.repo)}">${i.repo}</a></td><td><code>${i.range}</code></td><td>${i.resolved ?? h`<span class="tag pending">not acknowledged</span>`}</td><td>${i.admits_current ? h`<span class="tag current">yes</span>` : h`<span class="tag stale">range excludes it</span>`}</td></tr>`,
    )}</tbody></table>`
  : h`<p class="muted">Nobody imports it yet.</p>`}
<h2>Changes in flight</h2>
${pendingList(realm, p.pending, false)}
${impacts.length ? h`<h2>Impact</h2>${impacts.map((i) => h`<h3>${i.version}</h3><p class="impact-summary">${i.summary}</p>${i.breaking.length ? h`<ul class="witnesses">${i.breaking.map((b) => h`<li><span class="tag breaking">breaking</span> <code>${b.change}</code>${b.witness ? h`<br><code>${b.witness}</code>` : ""}</li>`)}</ul>` : ""}<ul class="impact">${i.importers.map((m) => h`<li><a href="${repoHref(realm, m.repo)}">${m.repo}</a>: <span class="tag ${m.status === "unaffected" ? "compatible" : "breaking"}">${m.status}</span> ${m.reason}${m.changes.length ? h`<ul>${m.changes.map((x) => h`<li><code>${x}</code></li>`)}</ul>` : ""}</li>`)}</ul>`)}` : ""}
<h2>Versions</h2>
${p.evolution.length
  ? h`<table id="evolution"><thead><tr><th scope="col">Version</th><th scope="col">Change</th><th scope="col">Published</th><th scope="col">What changed</th></tr></thead><tbody>${p.evolution.map(
      (e) => h`<tr><td>${e.version}</td><td><span class="tag ${e.compatible ? "compatible" : "breaking"}">${e.compatible ? "compatible" : "breaking"}</span></td><td>${e.published_at ?? "—"}</td><td>${e.changes.length ? h`<ul>${e.changes.map((x) => h`<li><code>${x}</code></li>`)}</ul>` : "—"}</td></tr>`,
    )}</tbody></table>`
  : h`<p class="muted">Only ${c.version} so far.</p>`}`,
  );
}

export type RepoPageData = {
  links: RepoLinks;
  sessions: { id: string; state: string; branch: string | null; active_rfc: string | null; last_activity: string; repo_path: string | null }[];
  notifications: { domain: string; contract: string; version: string | null; change_type: string; from_repo: string; created_at: string; changes: string[] }[];
  syncs: { branch: string; pr: string | null; due: boolean; waiting_for: string[] }[];
  syncs_error: string | null;
};

export function repoPage(realm: string, d: RepoPageData, csrf: string): string {
  const r = d.links;
  const ref = (c: ContractRef) => h`<a href="${contractHref(realm, c.domain, c.name)}">${c.name}@${c.version}</a>`;
  return page(
    { title: r.name, realm, csrf },
    h`<h1>Repo ${r.name}</h1>
${r.joined ? "" : h`<p><span class="tag pending">not joined yet</span></p>`}
<p>Maintainers: ${r.maintainers.length ? h`<span class="maintainers">${r.maintainers.join(", ")}</span>` : "none listed"}${r.url ? h` · <span class="url">${r.url}</span>` : ""}</p>
<p>Domains: ${r.domains.join(", ") || "none"}</p>
<h2>Exports</h2>
${r.exports.length ? h`<ul>${r.exports.map((c) => h`<li>${ref(c)}</li>`)}</ul>` : h`<p class="muted">None.</p>`}
<h2>Imports</h2>
${r.imports.length ? h`<ul>${r.imports.map((c) => h`<li>${ref(c)} with range <code>${c.range}</code>, resolved ${c.resolved ?? "nothing yet"}${c.admits_current ? "" : h` <span class="tag stale">range excludes ${c.version}</span>`}</li>`)}</ul>` : h`<p class="muted">None.</p>`}
<h2>Sync PRs</h2>
${d.syncs_error ? h`<p class="muted">Not shown: ${d.syncs_error}</p>` : ""}
${d.syncs.length
  ? h`<ul class="syncs">${d.syncs.map((s) => h`<li><code>${s.pr ?? s.branch}</code> ${s.due ? h`<span class="tag current">due to merge</span>` : h`<span class="tag waits">waits for</span> ${s.waiting_for.join("; ") || "its review"}`}</li>`)}</ul>`
  : d.syncs_error ? "" : h`<p class="muted">No open sync PR concerns this repo.</p>`}
<h2>Notifications</h2>
${d.notifications.length
  ? h`<ul class="notifications">${d.notifications.map((n) => h`<li><span class="tag ${n.change_type === "breaking" ? "breaking" : "pending"}">${n.change_type}</span> ${n.contract}${n.version ? h`@${n.version}` : ""} from ${n.from_repo} (${n.created_at})${n.changes.length ? h`<ul>${n.changes.map((x) => h`<li><code>${x}</code></li>`)}</ul>` : ""}</li>`)}</ul>`
  : h`<p class="muted">Nothing pending.</p>`}
<h2>Sessions</h2>
${d.sessions.length
  ? h`<table id="sessions"><thead><tr><th scope="col">Session</th><th scope="col">State</th><th scope="col">Branch</th><th scope="col">RFC</th><th scope="col">Last activity</th></tr></thead><tbody>${d.sessions.map((s) => h`<tr><td><code>${s.id}</code></td><td>${s.state}</td><td>${s.branch ?? "—"}</td><td>${s.active_rfc ?? "—"}</td><td>${s.last_activity}</td></tr>`)}</tbody></table>`
  : h`<p class="muted">No session on this machine.</p>`}`,
  );
}
