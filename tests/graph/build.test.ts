import { describe, expect, test } from "bun:test";
import { ExitCode, UnknownName, UsageError } from "../../src/errors.ts";
import { buildGraph } from "../../src/graph/build.ts";
import { GraphModel, type GraphEdge } from "../../src/graph/model.ts";
import { BREAKING_PROPOSAL, generatedModel, pendingSync, rfcModel } from "./fixtures.ts";

const build = (over: Partial<Parameters<typeof buildGraph>[0]> = {}, filter = {}) => buildGraph({ realm: "letemcook", model: rfcModel(), pending: [], ...over }, filter);
const edge = (g: GraphModel, kind: GraphEdge["kind"], repo: string) => g.edges.find((e) => e.kind === kind && e.repo === repo)!;
const NO_FLAGS = { range_excludes_newest: false, pending_sync: null, breaking_in_flight: false, unacknowledged: false };

describe("the graph of the RFC's realm", () => {
  test("repos with maintainers and url, the contract with its versions and owner, an export and an import with its range", () => {
    const g = build();
    expect(GraphModel.parse(g)).toEqual(g); // the --format json document is the Zod model
    expect(g.repos).toEqual([
      { name: "aperture", maintainers: ["eric@example.com"], url: null, joined: true },
      { name: "fungal-image-analysis", maintainers: ["fungal@example.com"], url: "git@github.com:cultivarium/fungal-image-analysis.git", joined: true },
      { name: "ml-infra", maintainers: [], url: null, joined: false },
    ]);
    expect(g.contracts).toEqual([{ id: "s3-access/s3-permissions", domain: "s3-access", name: "s3-permissions", version: "1.4.0", owner: "aperture", versions: ["1.0.0", "1.3.0", "1.4.0"], proposed_version: null }]);
    expect(edge(g, "export", "aperture")).toMatchObject({ contract: "s3-access/s3-permissions", range: null, flags: NO_FLAGS });
    expect(edge(g, "import", "fungal-image-analysis")).toMatchObject({ range: ">=1.0.0, <2.0.0", resolved_version: "1.4.0", flags: NO_FLAGS });
  });

  test("a breaking version on an open sync branch: the export carries the branch, every import is flagged", () => {
    const g = build({ pending: [BREAKING_PROPOSAL()], prs: new Map([["sync/aperture/20260125-100000", { ref: "#12", url: "https://forge/pulls/12" }]]) });
    expect(g.contracts[0]!.proposed_version).toBe("2.0.0");
    expect(edge(g, "export", "aperture").flags).toEqual({ ...NO_FLAGS, pending_sync: { branch: "sync/aperture/20260125-100000", pr: "#12", url: "https://forge/pulls/12" }, breaking_in_flight: true });
    expect(edge(g, "import", "fungal-image-analysis").flags).toEqual({ range_excludes_newest: true, pending_sync: null, breaking_in_flight: true, unacknowledged: true });
  });

  test("a compatible version the importer acknowledges on its own branch: that branch on the import, nothing owed", () => {
    const proposal = pendingSync({ branch: "sync/aperture/1", repo: "aperture", updates: [{ domain: "s3-access", contract: "s3-permissions", version: "1.5.0", compatible: true, changes: [] }] });
    const ack = pendingSync({ branch: "sync/fungal-image-analysis/1", repo: "fungal-image-analysis", base: { branch: "sync/aperture/1", sha: "1".repeat(40) }, base_merged: false, acks: [{ domain: "s3-access", repo: "fungal-image-analysis", contract: "s3-permissions", resolved_version: "1.5.0" }] });
    const before = edge(build({ pending: [proposal] }), "import", "fungal-image-analysis").flags;
    expect(before).toEqual({ ...NO_FLAGS, unacknowledged: true });
    const after = edge(build({ pending: [proposal, ack] }), "import", "fungal-image-analysis").flags;
    expect(after).toEqual({ ...NO_FLAGS, pending_sync: { branch: "sync/fungal-image-analysis/1", pr: null, url: null } });
  });

  test("a published version the importer has not resolved is owed; one never resolved is not (status says 'not resolved yet')", () => {
    const model = rfcModel();
    const imp = model.domains.get("s3-access")!.bindings.get("fungal-image-analysis")!.imports[0]!;
    imp.resolved_version = "1.3.0";
    expect(edge(build({ model }), "import", "fungal-image-analysis").flags).toEqual({ ...NO_FLAGS, unacknowledged: true });
    delete imp.resolved_version;
    expect(edge(build({ model }), "import", "fungal-image-analysis").flags).toEqual(NO_FLAGS);
  });

  test("a daemon's notification the repo has not acknowledged flags the import; an obsolete branch counts for nothing", () => {
    const notifications = [{ repo: "fungal-image-analysis", domain: "s3-access", contract: "s3-permissions", version: "1.5.0" }];
    expect(edge(build({ notifications }), "import", "fungal-image-analysis").flags.unacknowledged).toBe(true);
    const obsolete = { ...BREAKING_PROPOSAL(), obsolete: true };
    expect(edge(build({ pending: [obsolete] }), "import", "fungal-image-analysis").flags).toEqual(NO_FLAGS);
  });
});

describe("filters", () => {
  test("--repo: the repo, the contracts it exports or imports and the repos at their other ends", () => {
    const g = build({}, { repo: "aperture" });
    expect(g.repos.map((r) => r.name)).toEqual(["aperture", "fungal-image-analysis"]);
    expect(g.contracts.map((c) => c.id)).toEqual(["s3-access/s3-permissions"]);
    expect(g.edges).toHaveLength(2);
    expect(g.filter).toEqual({ repo: "aperture" });
  });

  test("--repo in a larger realm: its providers and its importers, not the other importers of what it imports", () => {
    const full = buildGraph({ realm: "generated", model: generatedModel(), pending: [] });
    const importers = (contract: string) => full.edges.filter((e) => e.kind === "import" && e.contract === contract).map((e) => e.repo);
    const neighbours = (repo: string) =>
      new Set(full.edges.filter((e) => e.repo === repo).flatMap((e) => (e.kind === "export" ? importers(e.contract) : [full.contracts.find((c) => c.id === e.contract)!.owner])));
    // A repo R importing a contract that S imports too, where S is neither R's provider nor R's importer.
    const pair = full.edges
      .filter((e) => e.kind === "import")
      .flatMap((e) => importers(e.contract).filter((s) => s !== e.repo && !neighbours(e.repo).has(s)).map((s) => ({ repo: e.repo, sibling: s })))[0];
    expect(pair).toBeDefined();
    const g = buildGraph({ realm: "generated", model: generatedModel(), pending: [] }, { repo: pair!.repo });
    expect(g.repos.map((r) => r.name).sort()).toEqual([pair!.repo, ...neighbours(pair!.repo)].sort());
    expect(g.repos.map((r) => r.name)).not.toContain(pair!.sibling);
    expect(g.edges.filter((e) => e.repo === pair!.repo)).toEqual(full.edges.filter((e) => e.repo === pair!.repo));
  });

  test("--domain: its contracts and members (a domain without contracts keeps its members)", () => {
    const g = build({}, { domain: "training-pipeline" });
    expect(g.contracts).toEqual([]);
    expect(g.repos.map((r) => r.name)).toEqual(["fungal-image-analysis", "ml-infra"]);
    expect(g.domains).toEqual([{ name: "training-pipeline", members: ["fungal-image-analysis", "ml-infra"] }]);
  });

  test("--contract by name or domain/name; a name in two domains must be qualified", () => {
    expect(build({}, { contract: "s3-permissions" }).edges).toHaveLength(2);
    expect(build({}, { contract: "s3-access/s3-permissions" }).edges).toHaveLength(2);
    const model = rfcModel();
    const s3 = model.domains.get("s3-access")!;
    model.domains.set("mirror", { ...s3, name: "mirror" });
    expect(() => build({ model }, { contract: "s3-permissions" })).toThrow(UsageError);
    expect(build({ model }, { contract: "mirror/s3-permissions" }).contracts.map((c) => c.id)).toEqual(["mirror/s3-permissions"]);
  });

  test("an unknown name is a usage error (64) carrying the realm's names, for 'Did you mean'", () => {
    for (const [filter, given] of [[{ repo: "apertur" }, "apertur"], [{ domain: "s3-acess" }, "s3-acess"], [{ contract: "s3-permission" }, "s3-permission"]] as const) {
      try {
        build({}, filter);
        throw new Error("no error");
      } catch (e) {
        expect(e).toBeInstanceOf(UnknownName);
        expect((e as UnknownName).exitCode).toBe(ExitCode.usage);
        expect((e as UnknownName).given).toBe(given);
      }
    }
    try {
      build({}, { repo: "apertur" });
    } catch (e) {
      expect((e as UnknownName).candidates).toContain("aperture");
    }
  });
});
