// A provider's sync branch closed without merging (plain git: deleted from the realm remote unmerged), through the
// compiled binary: the importer's acknowledgement built on it is blocked, not merged (its branch removed), and the
// importer's daemon records a forge-state notification that `blue realm status` shows (issue 20). The fact is
// recorded in the realm remote (refs/blue/closed/<branch>), so a second machine's daemon that fetches only after the
// first machine removed the acknowledgement still tells its importer, and the record holds one decision.
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { SyncReport } from "../../src/sync/run.ts";
import { StatusDoc } from "../../src/realm/view.ts";
import { PrFollowDoc } from "../../src/follow/publish.ts";
import { breakReadSchema, dailyDevelopment, editRealmFile, publishSchema, VALUE } from "./daily.ts";
import { Sandbox } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

const CONTRACT = "domains/s3-access/contracts/s3-permissions.yaml";
/** The version only aperture's closed branch proposed. */
const WITHDRAWN_KEY = "s3-access/s3-permissions@2.0.0";
const withdrawn = (provider: string, ack: string) =>
  `s3-permissions 2.0.0 from aperture was withdrawn (${provider} closed without merging): your acknowledgement ${ack} was closed; nothing to do unless aperture syncs again`;
const FUNGAL_BINDING = "domains/s3-access/bindings/fungal-image-analysis.yaml";

/** fungal's acknowledgement waits on aperture's open sync branch (a breaking change waits for a realm approver). */
function waitingAcknowledgement() {
  const w = dailyDevelopment();
  const { sb, aperture, fungal, clone } = w;
  sandboxes.push(sb);
  const remote = sb.defaultRemote("letemcook");
  const onMain = (rel: string) => parse(sb.git(sb.root, "-C", remote, "show", `main:${rel}`)) as Record<string, any>;
  const branches = () => sb.git(sb.root, "-C", remote, "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/sync/").split("\n").filter(Boolean);
  // A breaking change (it waits for a realm approver), so fungal's acknowledgement waits on aperture's branch.
  editRealmFile(clone, FUNGAL_BINDING, (d) => d.setIn(["imports", 0, "version"], ">=1.0.0"));
  sb.git(clone, "commit", "-qam", "fungal accepts 2.x");
  sb.git(clone, "push", "-q", "origin", "main");
  publishSchema(w);
  expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
  expect(sb.blue(fungal, "realm", "sync").stdout).toMatch(/Merged sync\/aperture/);
  breakReadSchema(w);
  const r = sb.blue(aperture, "realm", "sync", "--json");
  expect(r.code).toBe(0);
  const provider = SyncReport.parse(JSON.parse(r.stdout)).branches[0]!.branch;
  expect(sb.blue(fungal, "realm", "sync").code).toBe(0);
  const [ack] = branches().filter((b) => b.startsWith("sync/fungal-image-analysis/"));
  expect(ack).toBeDefined();
  expect(StatusDoc.parse(JSON.parse(sb.blue(fungal, "realm", "status", "--json").stdout)).forge_notifications).toEqual([]);

  return { ...w, remote, onMain, branches, provider, ack: ack! };
}

describe("a provider's sync branch closed without merging", () => {
  test("the acknowledgement built on it is blocked, not merged, and the importer is notified", () => {
    const { sb, aperture, fungal, remote, onMain, branches, provider, ack } = waitingAcknowledgement();
    // aperture's maintainers close the change without merging it: its branch is deleted from the realm remote.
    sb.git(sb.root, "-C", remote, "branch", "-D", provider);
    const s = sb.blue(fungal, "realm", "status", "--refresh");
    expect(s.code).toBe(0);
    // Said as what happened to the sync and what to do, not in a coordinated change's words.
    const message = withdrawn(provider, ack);
    expect(s.stdout + s.stderr).toContain(message);
    expect(s.stdout + s.stderr).not.toContain("Coordinated change");
    // The notice of 2.0.0, which only the closed branch proposed, is withdrawn: not owed (and not shown).
    expect(s.stdout).not.toContain("changed incompatibly");
    expect(branches()).toEqual([]);
    expect(onMain(CONTRACT).version).toBe("1.5.0");
    expect(onMain(FUNGAL_BINDING).imports[0].resolved_version).toBe("1.5.0");
    const doc = StatusDoc.parse(JSON.parse(sb.blue(fungal, "realm", "status", "--json").stdout));
    expect(doc.forge_notifications).toEqual([expect.objectContaining({ set_id: provider, repo: "fungal-image-analysis", kind: "blocked", message })]);
    expect(doc.notifications!.map((n) => n.key)).not.toContain(WITHDRAWN_KEY);
    // aperture is not the one blocked.
    expect(StatusDoc.parse(JSON.parse(sb.blue(aperture, "realm", "status", "--json").stdout)).forge_notifications).toEqual([]);
    expect(sb.blue(fungal, "daemon", "logs").stdout).toContain(`letemcook: fungal-image-analysis: ${message}`);
  });
});

describe("a provider's sync branch closed without merging, seen from two machines (two BLUE_HOMEs)", () => {
  test("machine A's settle removes the acknowledgement first; machine B's daemon, fetching afterwards, still tells B's importer it is blocked; one decision", async () => {
    const { sb, aperture, fungal, remote, branches, provider, ack, writeCode } = waitingAcknowledgement();
    const b = new Sandbox("machine-b");
    sandboxes.push(b);
    // B's daemon knows the realm (it cloned it) before anything is closed.
    expect(b.blue(fungal, "realm", "status").code).toBe(0);
    expect(StatusDoc.parse(JSON.parse(b.blue(fungal, "realm", "status", "--json").stdout)).forge_notifications).toEqual([]);

    sb.git(sb.root, "-C", remote, "branch", "-D", provider);
    // A's daemon fetches: it learns the branch was closed, records it, and its settle removes the acknowledgement.
    expect(sb.blue(fungal, "realm", "status", "--refresh").code).toBe(0);
    expect(branches()).toEqual([]);

    // Only now does B's daemon fetch: nothing in the realm's branches says the acknowledgement was there.
    const s = b.blue(fungal, "realm", "status", "--refresh");
    expect([s.code, s.stderr.includes("internal error")]).toEqual([0, false]);
    const message = withdrawn(provider, ack);
    expect(s.stdout + s.stderr).toContain(message);
    const doc = StatusDoc.parse(JSON.parse(b.blue(fungal, "realm", "status", "--json").stdout));
    expect(doc.forge_notifications).toEqual([expect.objectContaining({ set_id: provider, repo: "fungal-image-analysis", kind: "blocked", message })]);
    // B's daemon had announced 2.0.0 (it saw aperture's branch); the record withdraws it there too.
    expect(doc.notifications!.map((n) => n.key)).not.toContain(WITHDRAWN_KEY);
    // `blue realm pr --status` of a change that fungal is part of shows it too (read from the realm remote).
    expect(sb.blue(fungal, "realm", "worktree", "--rfc", "metrics-v2").code).toBe(0);
    const pr = b.blue(fungal, "realm", "pr", "--status", "--rfc", "metrics-v2");
    expect([pr.code, pr.stderr]).toEqual([0, ""]);
    expect(pr.stdout).toContain(`fungal-image-analysis: ${message}`);
    expect(pr.stdout).not.toContain("BLOCKED");
    const prDoc = PrFollowDoc.parse(JSON.parse(b.blue(fungal, "realm", "pr", "--status", "--rfc", "metrics-v2", "--json").stdout));
    expect(prDoc.blocked_syncs).toEqual([{ repo: "fungal-image-analysis", branch: ack, provider_branch: provider, message }]);
    // What B read: the record A's daemon wrote in the realm remote, with the one decision A took (B took none).
    const record = () => parse(sb.git(sb.root, "--git-dir", remote, "show", `refs/blue/closed/${provider}:closed.yaml`)) as { importers: { repo: string; branch: string }[]; decisions: { key: string; by: string }[] };
    expect(record().importers.map((i) => [i.repo, i.branch])).toEqual([["fungal-image-analysis", ack]]);
    expect(record().decisions.map((d) => d.key)).toEqual([`comment ${ack}`]);
    expect(record().decisions[0]!.by).toEndWith(sb.env.BLUE_HOME!);
    expect(parse(sb.git(sb.root, "--git-dir", remote, "show", `refs/blue/closed/${provider}:closed.yaml`)).withdrawn).toEqual([{ domain: "s3-access", contract: "s3-permissions", version: "2.0.0" }]);

    // Both look again, at once: no second decision, one notification each.
    const again = await Promise.all([sb.blueAsync(fungal, ["realm", "status", "--refresh"]), b.blueAsync(fungal, ["realm", "status", "--refresh"])]);
    for (const r of again) expect(r.code).toBe(0);
    expect(record().decisions.map((d) => d.key)).toEqual([`comment ${ack}`]);
    for (const box of [sb, b]) expect(StatusDoc.parse(JSON.parse(box.blue(fungal, "realm", "status", "--json").stdout)).forge_notifications).toHaveLength(1);

    // The record's end: aperture syncs again (back to the published schema, one more path) and that lands on main;
    // B's next fetch prunes the record from the realm remote. The notification each machine holds stays.
    writeFileSync(join(aperture, "config/schema.json"), JSON.stringify({ type: "object", properties: { read: { type: "array", items: { type: "string" } } }, required: ["read"] }));
    writeCode({ ...VALUE, read: [...VALUE.read, "more/*"] });
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    expect(sb.blue(fungal, "realm", "sync").stdout).toMatch(/Merged sync\/aperture/);
    expect(b.blue(fungal, "realm", "status", "--refresh").code).toBe(0);
    expect(sb.git(sb.root, "--git-dir", remote, "for-each-ref", "refs/blue/closed/")).toBe("");
    expect(b.blue(fungal, "daemon", "logs").stdout).toContain(`letemcook: the record of ${provider} closed without merging ends: aperture synced again`);
    const after = StatusDoc.parse(JSON.parse(b.blue(fungal, "realm", "status", "--json").stdout));
    expect(after.forge_notifications).toHaveLength(1);
    // The withdrawal outlives the record: 2.0.0 is still owed by nobody.
    expect(after.notifications!.map((n) => n.key)).not.toContain(WITHDRAWN_KEY);
  }, 180_000);
});
