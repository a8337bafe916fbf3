// The dashboard's only assets, embedded in the binary and served from /dashboard/assets/ (no CDN, no build
// step): the style sheet and the script that keeps a page live. Served as files, never inline, so the
// Content-Security-Policy can stay `default-src 'self'`.

export const STYLE = `
:root { color-scheme: light dark; --fg: #1b1f24; --bg: #fff; --muted: #57606a; --line: #d0d7de; --accent: #0550ae;
  --warn: #9a6700; --bad: #cf222e; --ok: #1a7f37; --focus: #bf3989; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --line: #30363d;
  --accent: #4493f8; --warn: #d29922; --bad: #f85149; --ok: #3fb950; } }
* { box-sizing: border-box; }
body { margin: 0; font: 15px/1.5 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, summary:focus-visible { outline: 3px solid var(--focus); outline-offset: 2px; }
.skip { position: absolute; left: -999px; top: 0; background: var(--bg); padding: .5em 1em; }
.skip:focus { left: 0; z-index: 10; }
header { display: flex; gap: 1.5em; align-items: baseline; padding: .75em 1.5em; border-bottom: 1px solid var(--line); flex-wrap: wrap; }
header .brand { font-weight: 700; text-decoration: none; color: var(--fg); }
header nav ul { display: flex; gap: 1em; list-style: none; margin: 0; padding: 0; flex-wrap: wrap; }
header form { margin-left: auto; }
main { padding: 1em 1.5em 3em; max-width: 80em; }
h1 { font-size: 1.5em; margin: .3em 0; }
h2 { font-size: 1.15em; margin-top: 1.6em; border-bottom: 1px solid var(--line); padding-bottom: .2em; }
table { border-collapse: collapse; margin: .5em 0; }
th, td { text-align: left; padding: .3em .8em .3em 0; border-bottom: 1px solid var(--line); vertical-align: top; }
.muted, .note { color: var(--muted); }
.tag { display: inline-block; border: 1px solid currentColor; border-radius: 3px; padding: 0 .35em; font-size: .85em; }
.breaking, .stale, .blocked { color: var(--bad); }
.pending, .waits { color: var(--warn); }
.current, .compatible { color: var(--ok); }
/* The graph's flags, in the picture's colours (src/graph/style.ts). */
.breaking_in_flight { color: #D55E00; } .range_excludes_newest { color: #CC79A7; } .unacknowledged { color: #B07800; } .pending_sync { color: #0072B2; }
@media (prefers-color-scheme: dark) { .graph { background: #fff; } }
.graph { overflow: auto; border: 1px solid var(--line); padding: .5em; max-height: 70vh; }
.graph svg { max-width: 100%; height: auto; }
.legend li { margin: .1em 0; }
button { font: inherit; padding: .2em .8em; }
#live-status { font-size: .85em; color: var(--muted); }
code { font-family: ui-monospace, monospace; font-size: .9em; }
`;

/** Listens on /dashboard/events; when the realm this page shows changes, fetches the page again and swaps its
 *  <main> (focus and scroll stay), then says so in the live region. */
export const LIVE_SCRIPT = `
(() => {
  const realm = document.body.dataset.realm;
  const status = document.getElementById("live-status");
  let busy = false, again = false;
  async function refresh() {
    if (busy) { again = true; return; }
    busy = true;
    try {
      const res = await fetch(location.href, { credentials: "same-origin", headers: { accept: "text/html" } });
      if (res.ok) {
        const doc = new DOMParser().parseFromString(await res.text(), "text/html");
        const next = doc.querySelector("main");
        const main = document.querySelector("main");
        if (next && main) main.replaceChildren(...Array.from(next.childNodes).map((n) => document.importNode(n, true)));
        document.body.dataset.updates = String(Number(document.body.dataset.updates || "0") + 1);
        if (status) status.textContent = "Updated " + new Date().toLocaleTimeString();
      }
    } finally {
      busy = false;
      if (again) { again = false; refresh(); }
    }
  }
  const events = new EventSource("/dashboard/events");
  events.addEventListener("open", () => { document.body.dataset.live = "on"; });
  events.addEventListener("change", (e) => {
    let d = {};
    try { d = JSON.parse(e.data); } catch {}
    if (!realm || !d.realm || d.realm === realm) refresh();
  });
})();
`;
