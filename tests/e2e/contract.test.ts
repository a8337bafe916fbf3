// `blue realm contract show|edit` through the compiled binary.
import { afterAll, describe, expect, test } from "bun:test";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseDocument } from "yaml";
import { ContractView } from "../../src/contract/view.ts";
import { CONTRACT_FILE, realmWithHistory, SCHEMA, VALUE } from "./realm-world.ts";
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

describe("blue realm contract edit", () => {
  const { sb, aperture, fungal, clone } = realmWithHistory();
  afterAll(() => sb.shutDaemon());
  const remote = sb.defaultRemote("letemcook");
  const published = () => sb.git(sb.root, "--git-dir", remote, "show", `main:${CONTRACT_FILE}`);
  const head = () => sb.git(sb.root, "--git-dir", remote, "rev-parse", "main");
  /** The published contract file with `fn` applied, written to a file for --file. */
  const edited = (name: string, fn: (d: ReturnType<typeof parseDocument>) => void) => {
    const doc = parseDocument(published());
    fn(doc);
    const path = sb.path(`${name}.yaml`);
    writeFileSync(path, doc.toString());
    return path;
  };
  const compatible = (d: ReturnType<typeof parseDocument>) => {
    d.set("version", "1.5.0");
    d.setIn(["value", "read"], [...VALUE.read, "exports/*"]);
    d.addIn(["evolution"], { version: "1.5.0", changes: ["Read exports/*"], compatible: true });
  };

  test("--dry-run runs the checks and saves nothing", () => {
    const before = head();
    const r = sb.blue(aperture, "realm", "contract", "edit", "s3-permissions", "--file", edited("dry", compatible), "--dry-run");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe("✓ s3-permissions 1.4.0 → 1.5.0: COMPATIBLE (minor version bump OK) (dry run: nothing saved)\n");
    expect(head()).toBe(before);
    expect(sb.git(clone, "status", "--porcelain")).toBe("");
  });

  test("a value that breaks the schema: file:line:col in the kept edit, exit 78, nothing pushed, the clone as it was", () => {
    const before = head();
    const path = edited("bad", (d) => {
      compatible(d);
      d.setIn(["value", "read"], [1]);
    });
    const r = sb.blue(aperture, "realm", "contract", "edit", "s3-permissions", "--file", path);
    expect(stackTrace(r)).toBe(false);
    expect(r.code).toBe(78);
    const line = readFileSync(path, "utf8").split("\n").findIndex((l) => l.trim() === "- 1") + 1;
    expect(r.stderr).toBe(
      `${path}:${line}:7: /read/0: value/read/0 must be string\n` +
        "error: the edited s3-permissions does not pass the checks; nothing was saved\n" +
        `Your edit is kept in ${path}: fix it, then run 'blue realm contract edit s3-permissions --file ${path}'.\n`,
    );
    expect(head()).toBe(before);
    expect(sb.git(clone, "status", "--porcelain")).toBe("");
  });

  test("a change without a version bump, and a breaking change, are refused with why", () => {
    const before = head();
    const nobump = sb.blue(aperture, "realm", "contract", "edit", "s3-permissions", "--file", edited("nobump", (d) => d.setIn(["value", "read"], ["x/*"])));
    expect(nobump.code).toBe(78);
    expect(nobump.stderr).toContain(": changed without a version bump (still 1.4.0); this change needs a minor bump\n");
    const breaking = sb.blue(
      aperture, "realm", "contract", "edit", "s3-permissions", "--file",
      edited("breaking", (d) => {
        d.set("version", "2.0.0");
        d.setIn(["schema", "properties", "read"], { type: "string" });
        d.setIn(["value", "read"], "jobs/*");
        d.addIn(["evolution"], { version: "2.0.0", changes: ["read is one path"], compatible: false });
      }),
    );
    expect(breaking.code).toBe(78);
    expect(breaking.stderr).toContain(": version: 1.4.0 → 2.0.0 is a breaking change; make it with 'blue realm sync' from aperture's code, so that importers acknowledge it\n");
    expect(head()).toBe(before);
  });

  test("a field the contract file does not know is saved, with the loader's warning naming it", () => {
    const path = edited("unknown-field", (d) => d.set("descripton", "typo"));
    const r = sb.blue(aperture, "realm", "contract", "edit", "s3-permissions", "--file", path, "--dry-run");
    expect(r.code).toBe(0);
    const line = readFileSync(path, "utf8").split("\n").findIndex((l) => l.startsWith("descripton:")) + 1;
    expect(r.stderr).toBe(`warning: ${CONTRACT_FILE}:${line}:1: descripton: unknown field\n`);
  });

  test("a description fixed by hand needs no new version", () => {
    const r = sb.blue(aperture, "realm", "contract", "edit", "s3-permissions", "--file", edited("description", (d) => d.set("description", "What fungal may do in aperture's S3 buckets")), "--dry-run");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe("✓ s3-permissions 1.4.0: schema and value unchanged (dry run: nothing saved)\n");
  });

  test("only the owner edits; an unknown contract is a usage error", () => {
    const other = sb.blue(fungal, "realm", "contract", "edit", "s3-permissions", "--file", edited("other", compatible));
    expect(other.code).toBe(1);
    expect(other.stderr.split("\n")[0]).toBe("error: s3-permissions is owned by aperture; only its owner edits it");
    const unknown = sb.blue(aperture, "realm", "contract", "edit", "nope", "--file", edited("unknown", compatible));
    expect(unknown.code).toBe(64);
    expect(unknown.stderr.split("\n")[0]).toBe("error: unknown contract 'nope' in realm 'letemcook'");
    const noEditor = sb.exec(join(import.meta.dir, "../../dist/blue"), ["realm", "contract", "edit", "s3-permissions"], aperture, { EDITOR: "", VISUAL: "" });
    expect(noEditor.code).toBe(64);
    expect(noEditor.stderr).toBe("error: no editor to open: VISUAL and EDITOR are unset and this is not a terminal\nSet EDITOR, or pass --file PATH with the new contract file.\n");
  });

  test("in $EDITOR: a compatible change is checked, committed and pushed; the edit file is removed", () => {
    // The editor: a script that puts the new text in the file it is given, as an editor saves it.
    const next = edited("next", compatible);
    const script = sb.path("editor.sh");
    writeFileSync(script, `#!/bin/sh\ncp "${next}" "$1"\n`, { mode: 0o755 });
    const r = sb.exec(join(import.meta.dir, "../../dist/blue"), ["realm", "contract", "edit", "s3-permissions"], aperture, { EDITOR: script, VISUAL: "" });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`✓ s3-permissions 1.4.0 → 1.5.0: COMPATIBLE (minor version bump OK)\n✓ Pushed to ${remote}\n`);
    expect(parseDocument(published()).get("version")).toBe("1.5.0");
    expect(sb.git(sb.root, "--git-dir", remote, "log", "-1", "--format=%s", "main")).toBe("blue: s3-permissions 1.4.0 → 1.5.0, edited by hand in aperture");
    const edits = join(sb.env.BLUE_HOME!, "edits");
    expect(existsSync(edits) ? readdirSync(edits) : []).toEqual([]);
    // The same text again: nothing to save.
    const same = sb.exec(join(import.meta.dir, "../../dist/blue"), ["realm", "contract", "edit", "s3-permissions"], aperture, { EDITOR: "true", VISUAL: "" });
    expect(same.stdout).toBe("✓ No changes to s3-permissions\n");
  });

  test("a new version is told to this machine's daemon at once, as sync does: the importer's status shows it", () => {
    // status starts this machine's daemon (it never fetches the realm in tests: BLUE_REALM_FETCH_SECONDS=0).
    expect(sb.blue(fungal, "realm", "status").code).toBe(0);
    const next = edited("notify", (d) => {
      d.set("version", "1.6.0");
      d.setIn(["value", "read"], [...VALUE.read, "exports/*", "archive/*"]);
      d.addIn(["evolution"], { version: "1.6.0", changes: ["Read archive/*"], compatible: true });
    });
    const r = sb.blue(aperture, "realm", "contract", "edit", "s3-permissions", "--file", next);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(`✓ s3-permissions 1.5.0 → 1.6.0: COMPATIBLE (minor version bump OK)\n✓ Pushed to ${remote}\n✓ fungal-image-analysis notified\n`);
    expect(sb.blue(fungal, "realm", "status").stdout).toContain("  Notification from aperture (just now):\n    Contract 's3-permissions' updated to 1.6.0\n    Read archive/*\n");
  });
});
