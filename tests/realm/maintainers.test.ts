// The plan behind `blue realm admin maintainers add|remove`: who may ask, what changes, what is refused.
import { describe, expect, test } from "bun:test";
import type { RealmModel } from "../../src/realm/load.ts";
import { planMaintainers, type MaintainersChange } from "../../src/realm/maintainers.ts";
import { RealmFile, RepoFile } from "../../src/realm/schema.ts";

const KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIChiJJkssGosqoo5BglnkY1Uj0OenjrNP/wd4hOa4/tg alice@laptop";

function model(): RealmModel {
  const realm = RealmFile.parse({ name: "r", created_at: "2026-01-24T10:00:00Z", governance: { approvers: ["root@r.example"] } });
  const repo = RepoFile.parse({ name: "aperture", maintainers: ["alice@a.example"], signing_keys: [{ email: "alice@a.example", key: KEY }], joined_at: "2026-01-24T10:00:00Z" });
  return { root: "/nowhere", realm, repos: new Map([["aperture", repo]]), domains: new Map(), pending: [] };
}
const plan = (c: Partial<MaintainersChange>) => planMaintainers(model(), { action: "add", repo: "aperture", email: "bob@a.example", actor: "alice@a.example", ...c });

describe("maintainers", () => {
  test("a maintainer or an approver may add one, with a key", () => {
    expect(plan({ key: `${KEY.split(" ").slice(0, 2).join(" ")} bob` })).toMatchObject({
      file: "repos/aperture.yaml",
      maintainers: ["alice@a.example", "bob@a.example"],
      done: ["Added maintainer bob@a.example", "Added a signing key of bob@a.example"],
    });
    expect(plan({ actor: "ROOT@r.example" }).maintainers).toEqual(["alice@a.example", "bob@a.example"]);
  });

  test("anyone else is refused", () => {
    expect(() => plan({ actor: "bob@a.example" })).toThrow("bob@a.example may not change aperture's maintainers");
    expect(() => plan({ actor: undefined })).toThrow("you (no git user.email) may not change");
  });

  test("the same key with another comment is not added twice; nothing to do is no change", () => {
    expect(plan({ email: "alice@a.example", key: KEY.replace("alice@laptop", "other comment") }).done).toEqual([]);
  });

  test("remove takes the maintainer and their keys, or with --key only that key; never the last one", () => {
    const two = model();
    two.repos.get("aperture")!.maintainers.push("bob@a.example");
    expect(planMaintainers(two, { action: "remove", repo: "aperture", email: "alice@a.example", actor: "bob@a.example" })).toMatchObject({
      maintainers: ["bob@a.example"],
      signing_keys: [],
      done: ["Removed maintainer alice@a.example and their signing keys"],
    });
    expect(plan({ action: "remove", email: "alice@a.example", key: KEY })).toMatchObject({ maintainers: ["alice@a.example"], signing_keys: [] });
    expect(() => plan({ action: "remove", email: "alice@a.example" })).toThrow("alice@a.example is aperture's last maintainer");
    expect(() => plan({ action: "remove", email: "nobody@a.example" })).toThrow("nobody@a.example is not a maintainer of aperture");
  });

  test("bad input is a usage error", () => {
    expect(() => plan({ email: "bob" })).toThrow("'bob' is not an email address");
    expect(() => plan({ key: "not a key" })).toThrow("--key must be an SSH public key");
    expect(() => plan({ repo: "nope" })).toThrow("unknown repo 'nope'");
  });
});
