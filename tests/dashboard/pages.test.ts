// The dashboard's templates: everything interpolated is text, whatever another team's YAML put in it.
import { describe, expect, test } from "bun:test";
import { escapeHtml, h, trusted } from "../../src/dashboard/html.ts";
import { repoPage } from "../../src/dashboard/pages.ts";

const HOSTILE = `"><script>alert(1)</script><img src=x onerror='alert(2)'>&amp;`;

describe("escaped templates", () => {
  test("a value is text: tags, quotes and entities are escaped, in content and in attributes", () => {
    const out = h`<p title="${HOSTILE}">${HOSTILE}</p>`.text;
    expect(out).not.toContain("<script>");
    expect(out).not.toContain("<img");
    expect(out).toBe(`<p title="${escapeHtml(HOSTILE)}">${escapeHtml(HOSTILE)}</p>`);
    expect(escapeHtml(HOSTILE)).toBe("&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=&#39;alert(2)&#39;&gt;&amp;amp;");
  });

  test("markup made by h (or marked trusted) is kept; arrays are joined; null, undefined and false are nothing", () => {
    expect(h`<ul>${["a", "<b>"].map((x) => h`<li>${x}</li>`)}</ul>`.text).toBe("<ul><li>a</li><li>&lt;b&gt;</li></ul>");
    expect(h`${null}${undefined}${false}${0}${trusted("<svg></svg>")}`.text).toBe("0<svg></svg>");
  });

  test("a repo page with hostile maintainers, a URL and notification lines renders them as text", () => {
    const html = repoPage(
      "letemcook",
      {
        links: { name: "aperture", maintainers: [HOSTILE], url: HOSTILE, joined: true, domains: ["s3-access"], exports: [], imports: [] },
        sessions: [{ id: "s1", state: "active", branch: HOSTILE, active_rfc: null, last_activity: "2026-11-30T12:00:00Z", repo_path: null }],
        notifications: [{ domain: "s3-access", contract: "s3-permissions", version: "1.5.0", change_type: "updated", from_repo: "aperture", created_at: "2026-11-30T12:00:00Z", changes: [HOSTILE] }],
        syncs: [{ branch: "sync/aperture/1", pr: null, due: false, waiting_for: [HOSTILE] }],
        syncs_error: null,
      },
      "csrf-token",
    );
    expect(html).not.toContain("<script>alert");
    expect(html).not.toContain("<img src=x");
    expect(html.split(escapeHtml(HOSTILE)).length - 1).toBe(5);
    expect(html).toContain('<input type="hidden" name="csrf" value="csrf-token">');
  });
});
