// `blue realm contract show` through the compiled binary.
import { describe, expect, test } from "bun:test";
import { ContractView } from "../../src/realm/contract-view.ts";
import { realmWithHistory, SCHEMA, VALUE } from "./realm-world.ts";
import { stackTrace } from "./sandbox.ts";

describe("blue realm contract show", () => {
  const { sb, aperture, fungal } = realmWithHistory();

  test("--json: the current version with owner, schema, value, evolution and who exports and imports it", () => {
    const r = sb.blue(fungal, "realm", "contract", "show", "s3-permissions", "--json");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const view = ContractView.parse(JSON.parse(r.stdout));
    expect(view).toEqual({
      realm: "letemcook",
      domain: "s3-access",
      name: "s3-permissions",
      version: "1.4.0",
      latest_version: "1.4.0",
      owner: "aperture",
      description: "What fungal may do in aperture's buckets",
      compatibility: { backwards: true, forwards: false },
      schema: SCHEMA,
      value: VALUE,
      evolution: [
        { version: "1.0.0", changes: ["Initial skeleton"], compatible: true },
        { version: "1.4.0", changes: ["Added write"], compatible: true },
      ],
      bindings: [
        { repo: "aperture", role: "export" },
        { repo: "fungal-image-analysis", role: "import", range: ">=1.0.0 <2.0.0", resolved_version: "1.0.0" },
      ],
    });
  });

  test("--version reads an earlier version from the realm's history", () => {
    const r = sb.blue(aperture, "realm", "contract", "show", "s3-permissions", "--version", "1.0.0", "--json");
    expect(r.code).toBe(0);
    const view = ContractView.parse(JSON.parse(r.stdout));
    expect(view.version).toBe("1.0.0");
    expect(view.latest_version).toBe("1.4.0");
    expect(view.evolution.map((e) => e.version)).toEqual(["1.0.0"]);
    expect(view.value).not.toEqual(VALUE);
    expect(view.bindings.map((b) => b.repo)).toEqual(["aperture", "fungal-image-analysis"]);
  });

  test("prints a readable summary", () => {
    const r = sb.blue(fungal, "realm", "contract", "show", "s3-permissions");
    expect(r.code).toBe(0);
    expect(r.stdout).toStartWith(
      [
        "s3-permissions v1.4.0",
        "  What fungal may do in aperture's buckets",
        "  domain:        s3-access",
        "  owner:         aperture",
        "  compatibility: backwards",
        "",
        "Bindings:",
        "  aperture exports",
        "  fungal-image-analysis imports >=1.0.0 <2.0.0, at 1.0.0",
        "",
        "Value:",
        "  read:",
        "    - jobs/*/masks/*",
      ].join("\n"),
    );
    expect(r.stdout).toContain("Evolution:\n  1.0.0\n    - Initial skeleton\n  1.4.0\n    - Added write\n");
    expect(sb.blue(fungal, "realm", "contract", "show", "s3-permissions", "--version=1.0.0").stdout).toStartWith("s3-permissions v1.0.0 (latest: 1.4.0)\n");
  });

  test("an unknown contract or version is a usage error (64) in one line with what exists", () => {
    const unknown = sb.blue(fungal, "realm", "contract", "show", "nope");
    expect(unknown.code).toBe(64);
    expect(unknown.stdout).toBe("");
    expect(unknown.stderr).toBe("error: unknown contract 'nope' in realm 'letemcook'\nContracts: s3-permissions.\n");
    const version = sb.blue(fungal, "realm", "contract", "show", "s3-permissions", "--version", "9.9.9");
    expect(version.code).toBe(64);
    expect(version.stderr).toBe("error: no version 9.9.9 of s3-permissions in the realm's history\nVersions in its evolution: 1.0.0, 1.4.0; the current one is 1.4.0.\n");
    expect(stackTrace(version)).toBe(false);
  });

  test("needs a name, and a member repo", () => {
    const missing = sb.blue(fungal, "realm", "contract", "show");
    expect(missing.code).toBe(64);
    expect(missing.stderr).toStartWith("error: Missing required positional argument: NAME\n");
    const outside = sb.blue(sb.root, "realm", "contract", "show", "s3-permissions");
    expect(outside.code).toBe(64);
    expect(outside.stderr).toStartWith("error: ");
    expect(stackTrace(outside)).toBe(false);
  });
});
