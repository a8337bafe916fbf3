// A provider's sync branch closed without merging (plain git: deleted from the realm remote unmerged), through the
// compiled binary: the importer's acknowledgement built on it is blocked, not merged (its branch removed), and the
// importer's daemon records a forge-state notification that `blue realm status` shows (issue 20).
import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { SyncReport } from "../../src/sync/run.ts";
import { StatusDoc } from "../../src/realm/view.ts";
import { dailyDevelopment, editRealmFile, VALUE } from "./daily.ts";
import type { Sandbox } from "./sandbox.ts";

const sandboxes: Sandbox[] = [];
afterAll(() => {
  for (const sb of sandboxes) sb.shutDaemon();
}, 60_000);

const CONTRACT = "domains/s3-access/contracts/s3-permissions.yaml";
const FUNGAL_BINDING = "domains/s3-access/bindings/fungal-image-analysis.yaml";

describe("a provider's sync branch closed without merging", () => {
  test("the acknowledgement built on it is blocked, not merged, and the importer is notified", () => {
    const w = dailyDevelopment();
    const { sb, aperture, fungal, clone, writeCode } = w;
    sandboxes.push(sb);
    const remote = sb.defaultRemote("letemcook");
    const onMain = (rel: string) => parse(sb.git(sb.root, "-C", remote, "show", `main:${rel}`)) as Record<string, any>;
    const branches = () => sb.git(sb.root, "-C", remote, "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/sync/").split("\n").filter(Boolean);
    // A breaking change (it waits for a realm approver), so fungal's acknowledgement waits on aperture's branch.
    editRealmFile(clone, FUNGAL_BINDING, (d) => d.setIn(["imports", 0, "version"], ">=1.0.0"));
    sb.git(clone, "commit", "-qam", "fungal accepts 2.x");
    sb.git(clone, "push", "-q", "origin", "main");
    const schema = { type: "object", properties: { read: { type: "array", items: { type: "string" } } }, required: ["read"] };
    writeFileSync(join(aperture, "config/schema.json"), JSON.stringify(schema));
    editRealmFile(clone, "domains/s3-access/bindings/aperture.yaml", (d) => d.setIn(["exports", 0, "schema_file"], "config/schema.json"));
    sb.git(clone, "commit", "-qam", "aperture publishes its schema");
    sb.git(clone, "push", "-q", "origin", "main");
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    expect(sb.blue(fungal, "realm", "sync").stdout).toMatch(/Merged sync\/aperture/);
    writeFileSync(join(aperture, "config/schema.json"), JSON.stringify({ ...schema, properties: { read: { type: "array", items: { type: "integer" } } } }));
    writeCode({ ...VALUE, read: [] });
    const r = sb.blue(aperture, "realm", "sync", "--json");
    expect(r.code).toBe(0);
    const provider = SyncReport.parse(JSON.parse(r.stdout)).branches[0]!.branch;
    expect(sb.blue(fungal, "realm", "sync").code).toBe(0);
    const [ack] = branches().filter((b) => b.startsWith("sync/fungal-image-analysis/"));
    expect(ack).toBeDefined();
    expect(StatusDoc.parse(JSON.parse(sb.blue(fungal, "realm", "status", "--json").stdout)).forge_notifications).toEqual([]);

    // aperture's maintainers close the change without merging it: its branch is deleted from the realm remote.
    sb.git(sb.root, "-C", remote, "branch", "-D", provider);
    const s = sb.blue(fungal, "realm", "status", "--refresh");
    expect(s.code).toBe(0);
    const message = `${ack} is blocked, not merged: the sync branch it acknowledges, ${provider}, was closed without merging; blue removes it, and the next 'blue realm sync' in fungal-image-analysis acknowledges what is on main`;
    expect(s.stdout + s.stderr).toContain(`Coordinated change ${provider}: BLOCKED: ${message}`);
    expect(branches()).toEqual([]);
    expect(onMain(CONTRACT).version).toBe("1.5.0");
    expect(onMain(FUNGAL_BINDING).imports[0].resolved_version).toBe("1.5.0");
    const doc = StatusDoc.parse(JSON.parse(sb.blue(fungal, "realm", "status", "--json").stdout));
    expect(doc.forge_notifications).toEqual([expect.objectContaining({ set_id: provider, repo: "fungal-image-analysis", kind: "blocked", message })]);
    // aperture is not the one blocked.
    expect(StatusDoc.parse(JSON.parse(sb.blue(aperture, "realm", "status", "--json").stdout)).forge_notifications).toEqual([]);
    expect(sb.blue(fungal, "daemon", "logs").stdout).toContain(`letemcook: ${ack} (fungal-image-analysis) blocked: ${provider} was closed without merging`);
  });
});
