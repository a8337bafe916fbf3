// A stale approval on the plain-git forge (issue 20), through the compiled binary: a realm approver approves a
// breaking sync branch that still waits for its importer; the provider then syncs again on the same branch. The
// approval no longer counts, status says it is stale, and the daemon's fetch turns it into a notification.
import { afterAll, describe, expect, test } from "bun:test";
import { StatusDoc } from "../../src/realm/view.ts";
import { SyncReport } from "../../src/sync/run.ts";
import { breakReadSchema, dailyDevelopment, editRealmFile, publishSchema, VALUE } from "./daily.ts";
import type { Sandbox } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

const FUNGAL_BINDING = "domains/s3-access/bindings/fungal-image-analysis.yaml";

describe("an approval given before the branch changed", () => {
  test("is flagged stale by status and the daemon, and does not count", () => {
    const w = dailyDevelopment();
    const { sb, aperture, fungal, clone } = w;
    sandboxes.push(sb);
    editRealmFile(clone, FUNGAL_BINDING, (d) => d.setIn(["imports", 0, "version"], ">=1.0.0"));
    publishSchema(w, "aperture publishes its schema; fungal accepts 2.x");
    // The schema is published first (a compatible version, merged once fungal acknowledges it).
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    expect(sb.blue(fungal, "realm", "sync").stdout).toMatch(/Merged sync\/aperture/);
    // Breaking: `read` may no longer hold strings.
    breakReadSchema(w);
    const first = SyncReport.parse(JSON.parse(sb.blue(aperture, "realm", "sync", "--json").stdout));
    const branch = first.branches[0]!.branch;
    expect(first.branches[0]!.updates.map((u) => [u.to, u.compatible])).toEqual([["2.0.0", false]]);
    const approved = sb.blue(aperture, "realm", "approve", branch);
    expect(approved.code).toBe(0);
    const waitingFor = () => StatusDoc.parse(JSON.parse(sb.blue(aperture, "realm", "status", "--json").stdout)).syncs.find((s) => s.branch === branch)?.waiting_for ?? [];
    expect(waitingFor().some((w) => w.startsWith("an approval"))).toBe(false);

    // The provider changes its code again: its next sync lands on the same open branch, after the approval.
    w.writeCode({ ...VALUE, read: [], write: [...VALUE.write, "more/*"] });
    const again = SyncReport.parse(JSON.parse(sb.blue(aperture, "realm", "sync", "--json").stdout));
    expect(again.branches[0]!.branch).toBe(branch);
    expect(waitingFor()).toContain(
      "an approval of the breaking change to s3-permissions by a realm approver (test@example.com) (stale: test@example.com approved before the branch changed, so approve again)",
    );
    const st = sb.blue(aperture, "realm", "status", "--refresh");
    expect(st.stderr + st.stdout).toContain(`⚠ test@example.com's approval of ${branch} is stale: the branch changed after it (approve again with 'blue realm approve ${branch}')`);
  }, 120_000);
});
