// A real week of contract changes, end to end, with blue commands only: the realm clone is never touched with
// git or an editor (issue 17). The RFC's Initial Setup, setting up an export's extraction, Daily Development,
// Consumer Response, a breaking change with a range change and an approval.
import { afterAll, describe, expect, test } from "bun:test";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { initialSetup } from "./sandbox.ts";

const CONTRACT = "domains/s3-access/contracts/s3-permissions.yaml";
const SCHEMA = { type: "object", properties: { read: { type: "array", items: { type: "string" } }, write: { type: "array", items: { type: "string" } } }, required: ["read"] };

describe("a week in a realm, with blue commands only", () => {
  const { sb, aperture, fungal, steps } = initialSetup();
  const remote = sb.defaultRemote("letemcook");
  const onMain = (rel: string) => parse(sb.git(sb.root, "-C", remote, "show", `main:${rel}`));
  const syncBranches = () => sb.git(sb.root, "-C", remote, "for-each-ref", "--format=%(refname:lstrip=2)", "refs/heads/sync/").split("\n").filter(Boolean);
  const code = (value: unknown) => writeFileSync(join(aperture, "config/s3.json"), JSON.stringify({ permissions: value }, null, 2));
  afterAll(() => sb.shutDaemon());

  test("set-up, then the provider says how its code gives the contract", () => {
    expect(steps.map((s) => s.code)).toEqual([0, 0, 0, 0]);
    mkdirSync(join(aperture, "config"), { recursive: true });
    code({ read: ["jobs/*/masks/*"], write: ["training-metrics/*"] });
    writeFileSync(join(aperture, "config/s3.schema.json"), JSON.stringify(SCHEMA));
    const r = sb.blue(aperture, "realm", "export", "s3-permissions", "--extract", "config/s3.json:/permissions", "--schema-file", "config/s3.schema.json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(onMain("domains/s3-access/bindings/aperture.yaml").exports[0]).toMatchObject({ extract: { file: "config/s3.json", pointer: "/permissions" }, schema_file: "config/s3.schema.json" });
    // The consumer resolves what is published.
    expect(sb.blue(fungal, "realm", "sync").code).toBe(0);
  });

  test("Daily Development: the change is seen, synced, acknowledged, merged; the provider sees the acknowledgement", () => {
    expect(sb.blue(aperture, "realm", "status").stdout).toContain("Contract change detected:");
    const sync = sb.blue(aperture, "realm", "sync");
    expect(sync.code).toBe(0);
    const version = onMain(CONTRACT).version as string;
    const proposed = /Contract update: s3-permissions \S+ → (\S+)/.exec(sync.stdout)?.[1];
    expect(proposed).toBeDefined();
    const notified = sb.blue(fungal, "realm", "status", "--refresh");
    expect(notified.stdout).toContain(`Contract 's3-permissions' updated to ${proposed}`);
    const ack = sb.blue(fungal, "realm", "sync");
    expect(ack.code).toBe(0);
    expect(sb.blue(fungal, "realm", "status").stdout).toContain("Notifications:\n  none\n");
    expect(onMain(CONTRACT).version).toBe(proposed);
    expect(version).not.toBe(proposed);
    expect(sb.blue(aperture, "realm", "status", "--refresh").stdout).toContain(`fungal-image-analysis acknowledged s3-permissions ${proposed}`);
    expect(syncBranches()).toEqual([]);
  });

  test("a breaking change: the consumer widens its range, acknowledges, an approver approves, it merges", () => {
    // `read` is no longer required, and the code stops giving it: old importers, who need it, would break.
    code({ write: ["training-metrics/*"] });
    writeFileSync(join(aperture, "config/s3.schema.json"), JSON.stringify({ ...SCHEMA, required: [] }));
    const sync = sb.blue(aperture, "realm", "sync");
    expect(sync.code).toBe(0);
    expect(sync.stdout).toMatch(/Contract update: s3-permissions \S+ → 2\.0\.0 \(BREAKING\)/i);
    const consumer = sb.blue(fungal, "realm", "sync");
    expect(consumer.stdout).toContain(`blue realm import s3-permissions --range ">=1.0.0 <3.0.0"`);
    expect(sb.blue(fungal, "realm", "import", "s3-permissions", "--range", ">=1.0.0 <3.0.0").code).toBe(0);
    expect(sb.blue(fungal, "realm", "sync").code).toBe(0);
    const [branch] = syncBranches().filter((b) => b.startsWith("sync/aperture/"));
    expect(branch).toBeDefined();
    // test@example.com, who ran init, is the realm's approver.
    const approve = sb.blue(aperture, "realm", "approve", branch!);
    expect(approve.code).toBe(0);
    expect(sb.blue(aperture, "realm", "sync").code).toBe(0);
    expect(onMain(CONTRACT).version).toBe("2.0.0");
    expect(onMain("domains/s3-access/bindings/fungal-image-analysis.yaml").imports[0]).toMatchObject({ version: ">=1.0.0 <3.0.0", resolved_version: "2.0.0" });
    expect(sb.blue(fungal, "realm", "status", "--refresh").stdout).toContain("Notifications:\n  none\n");
  });
});
