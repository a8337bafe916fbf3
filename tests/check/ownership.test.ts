// Who may change which realm file, judged from small realms held in memory (no git): the rules of
// src/check/ownership.ts as a specification.
import { describe, expect, test } from "bun:test";
import { judgeCommit, matchPattern, type Author, type Files } from "../../src/check/ownership.ts";
import type { FileChange } from "../../src/git/commits.ts";
import { fingerprintOf } from "../../src/check/signing.ts";

const APPROVER = "root@realm.example";
const ALICE = "alice@aperture.example"; // maintains aperture
const BOB = "bob@fungal.example"; // maintains fungal
const KEY_A = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIChiJJkssGosqoo5BglnkY1Uj0OenjrNP/wd4hOa4/tg alice";
const KEY_B = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP8AzoYLoD3Ny7ymOVcbjEBIzrv7YQwvbkdQu3xHWDcv bob";

const CONTRACT = "domains/s3/contracts/perms.yaml";
const APERTURE_BINDING = "domains/s3/bindings/aperture.yaml";
const FUNGAL_BINDING = "domains/s3/bindings/fungal.yaml";

function realm(over: { trust?: unknown; admission?: string } = {}): Map<string, unknown> {
  return new Map<string, unknown>([
    ["realm.yaml", { name: "r", governance: { approvers: [APPROVER], admission: over.admission ?? "approval" }, ...(over.trust ? { trust: over.trust } : {}) }],
    ["repos/aperture.yaml", { name: "aperture", maintainers: [ALICE], signing_keys: [{ email: ALICE, key: KEY_A }] }],
    ["repos/fungal.yaml", { name: "fungal", maintainers: [BOB] }],
    ["domains/s3/domain.yaml", { name: "s3", members: ["aperture", "fungal"] }],
    [CONTRACT, { name: "perms", owner: "aperture" }],
  ]);
}

const changed = (path: string, kind: FileChange["kind"] = "modified"): FileChange => ({ path, kind });
function judge(author: string | Author, changes: FileChange[], before: Files = realm(), after: Files = new Map()) {
  return judgeCommit({ before, after, changes, author: typeof author === "string" ? { email: author } : author });
}
const paths = (v: ReturnType<typeof judge>) => v.map((x) => x.path);

describe("contracts belong to their owner repo's maintainers", () => {
  test("the owner repo's maintainer may change the contract", () => {
    expect(judge(ALICE, [changed(CONTRACT)])).toEqual([]);
  });

  test("another repo's maintainer may not, and the finding says who may", () => {
    const v = judge(BOB, [changed(CONTRACT)]);
    expect(v).toEqual([
      {
        path: CONTRACT,
        domain: "s3",
        contract: "perms",
        message: `only the maintainers of its owner, aperture's maintainers (${ALICE}) or a realm approver (${APPROVER}) may change it`,
      },
    ]);
  });

  test("a commit that changes owner: is judged by the owner before it", () => {
    // Bob rewrites the contract naming fungal its owner: the owner before the commit is still aperture.
    const after = new Map([[CONTRACT, { name: "perms", owner: "fungal" }]]);
    expect(paths(judge(BOB, [changed(CONTRACT)], realm(), after))).toEqual([CONTRACT]);
    // Alice may hand it over.
    expect(judge(ALICE, [changed(CONTRACT)], realm(), after)).toEqual([]);
  });

  test("a new contract must name as owner a repo its author maintains", () => {
    const file = "domains/s3/contracts/fresh.yaml";
    expect(judge(BOB, [changed(file, "added")], realm(), new Map([[file, { name: "fresh", owner: "fungal" }]]))).toEqual([]);
    expect(paths(judge(BOB, [changed(file, "added")], realm(), new Map([[file, { name: "fresh", owner: "aperture" }]])))).toEqual([file]);
  });

  test("its waivers file is its owner's too, never another repo's (issue 19)", () => {
    const waivers = "domains/s3/waivers/perms.yaml";
    expect(judge(ALICE, [changed(waivers, "added")])).toEqual([]);
    expect(judge(BOB, [changed(waivers, "added")])).toEqual([
      { path: waivers, domain: "s3", contract: "perms", message: `only the maintainers of its owner, aperture's maintainers (${ALICE}) or a realm approver (${APPROVER}) may change it` },
    ]);
    // Also in realms whose trust.permissions (written before waivers existed) does not name the file.
    expect(paths(judge(BOB, [changed(waivers)], realm({ trust: { permissions: { "domains/{domain}/contracts/{name}.yaml": ["contract_owner"] } } })))).toEqual([waivers]);
  });

  test("matching emails ignores case", () => {
    expect(judge(ALICE.toUpperCase(), [changed(CONTRACT)])).toEqual([]);
  });
});

describe("bindings, repos and domains", () => {
  test("a binding belongs to its repo's maintainers", () => {
    expect(judge(ALICE, [changed(APERTURE_BINDING)])).toEqual([]);
    expect(paths(judge(BOB, [changed(APERTURE_BINDING), changed(FUNGAL_BINDING)]))).toEqual([APERTURE_BINDING]);
  });

  test("a repo file belongs to its maintainers, judged by the maintainers before the commit", () => {
    expect(judge(ALICE, [changed("repos/aperture.yaml")])).toEqual([]);
    // Bob adding himself as a maintainer of aperture: not yet one, so not allowed.
    expect(paths(judge(BOB, [changed("repos/aperture.yaml")], realm(), new Map([["repos/aperture.yaml", { maintainers: [ALICE, BOB] }]])))).toEqual(["repos/aperture.yaml"]);
  });

  test("domain.yaml and governance.yaml belong to the maintainers of the domain's members", () => {
    expect(judge(BOB, [changed("domains/s3/domain.yaml"), changed("domains/s3/governance.yaml", "added")])).toEqual([]);
    expect(paths(judge("eve@elsewhere.example", [changed("domains/s3/domain.yaml")]))).toEqual(["domains/s3/domain.yaml"]);
  });

  test("realm.yaml and files the realm does not describe: approvers only", () => {
    const v = judge(ALICE, [changed("realm.yaml"), changed(".forgejo/workflows/check.yaml", "added")]);
    expect(paths(v)).toEqual(["realm.yaml", ".forgejo/workflows/check.yaml"]);
    expect(v[0]!.message).toBe(`only a realm approver (${APPROVER}) may change it`);
  });

  test("approvers may change anything", () => {
    expect(judge(APPROVER, [changed("realm.yaml"), changed(CONTRACT), changed(APERTURE_BINDING), changed("README.md")])).toEqual([]);
  });

  test("a new domain may be created by a maintainer of one of its members, with every member's first binding", () => {
    const after = new Map<string, unknown>([
      ["domains/logs/domain.yaml", { name: "logs", members: ["fungal", "aperture"] }],
      ["domains/logs/contracts/events.yaml", { name: "events", owner: "fungal" }],
    ]);
    const changes = ["domains/logs/domain.yaml", "domains/logs/contracts/events.yaml", "domains/logs/bindings/fungal.yaml", "domains/logs/bindings/aperture.yaml"].map((p) => changed(p, "added"));
    expect(judge(BOB, changes, realm(), after)).toEqual([]);
    // Not by someone who maintains none of its members; and a first binding for a non-member is not allowed.
    expect(paths(judge("eve@elsewhere.example", changes, realm(), after))).toEqual(changes.map((c) => c.path));
    expect(paths(judge(BOB, [...changes, changed("domains/logs/bindings/stranger.yaml", "added")], realm(), after))).toEqual(["domains/logs/bindings/stranger.yaml"]);
  });
});

describe("joining", () => {
  const join = [changed("repos/newbie.yaml", "added"), changed(FUNGAL_BINDING.replace("fungal", "newbie"), "added")];
  const after = new Map([["repos/newbie.yaml", { name: "newbie", maintainers: ["nina@newbie.example"] }]]);

  test("with admission open, anyone may join listing themselves, and write their repo's bindings in that commit", () => {
    expect(judge("nina@newbie.example", join, realm({ admission: "open" }), after)).toEqual([]);
    // Registering a repo in someone else's name is not a join.
    expect(paths(judge("eve@elsewhere.example", join, realm({ admission: "open" }), after))).toEqual(join.map((c) => c.path));
  });

  test("otherwise a join needs a realm approver", () => {
    const v = judge("nina@newbie.example", join, realm(), after);
    expect(paths(v)).toEqual(join.map((c) => c.path));
    expect(v[0]!.message).toBe(`only newbie's maintainers (it is joining, and admission is 'approval') or a realm approver (${APPROVER}) may change it`);
    expect(judge(APPROVER, join, realm(), after)).toEqual([]);
  });
});

describe("trust.permissions refines the defaults", () => {
  test("a pattern that matches decides, with the RFC's roles; others keep the defaults", () => {
    const trust = { permissions: { "domains/{domain}/contracts/{name}.yaml": ["contract_owner", "domain_owners"] } };
    expect(judge(BOB, [changed(CONTRACT)], realm({ trust }))).toEqual([]);
    expect(paths(judge(BOB, [changed(APERTURE_BINDING)], realm({ trust })))).toEqual([APERTURE_BINDING]);
  });

  test("an unknown role lets nobody but approvers, and the finding names it", () => {
    const trust = { permissions: { "domains/{domain}/bindings/{repo}.yaml": ["repo_maintainer"] } };
    const v = judge(ALICE, [changed(APERTURE_BINDING)], realm({ trust }));
    expect(v[0]!.message).toBe(`only a realm approver (${APPROVER}) may change it (trust.permissions 'domains/{domain}/bindings/{repo}.yaml' names unknown role 'repo_maintainer')`);
    expect(judge(APPROVER, [changed(APERTURE_BINDING)], realm({ trust }))).toEqual([]);
  });

  test("patterns bind {names} to one path segment, and .yaml matches .yml", () => {
    expect(matchPattern("domains/{domain}/bindings/{repo}.yaml", "domains/s3/bindings/aperture.yml")).toEqual({ domain: "s3", repo: "aperture" });
    expect(matchPattern("domains/{domain}/bindings/{repo}.yaml", "domains/s3/x/bindings/aperture.yaml")).toBeUndefined();
    expect(matchPattern("repos/{repo}.yaml", "repos/a.yaml.bak")).toBeUndefined();
  });
});

describe("with signed commits, an email acts only where its key is recorded", () => {
  test("alice's key recorded in repos/aperture.yaml gives her aperture's files", () => {
    expect(judge({ email: ALICE, key: fingerprintOf(KEY_A) }, [changed(APERTURE_BINDING)])).toEqual([]);
  });

  test("a key recorded elsewhere for the same email does not, and the finding says so", () => {
    const v = judge({ email: ALICE, key: fingerprintOf(KEY_B) }, [changed(APERTURE_BINDING)]);
    expect(v[0]!.message).toContain(`(${ALICE} is listed in repos/aperture.yaml, but the commit's key ${fingerprintOf(KEY_B)} is not recorded for them there)`);
  });

  test("an approver needs a key recorded in realm.yaml", () => {
    const before = realm();
    before.set("realm.yaml", { name: "r", governance: { approvers: [APPROVER], signing_keys: [{ email: APPROVER, key: KEY_B }] } });
    expect(judge({ email: APPROVER, key: fingerprintOf(KEY_B) }, [changed("realm.yaml")], before)).toEqual([]);
    expect(paths(judge({ email: APPROVER, key: fingerprintOf(KEY_A) }, [changed("realm.yaml")], before))).toEqual(["realm.yaml"]);
  });
});
