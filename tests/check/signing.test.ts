// Which keys may have signed a commit: those the realm recorded for its author before it, never one the commit
// itself adds to an existing file (a joining repo's first commit excepted), written so ssh reads nothing else.
import { describe, expect, test } from "bun:test";
import { allowedSigners, keysFor } from "../../src/check/signing.ts";

const OLD = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIChiJJkssGosqoo5BglnkY1Uj0OenjrNP/wd4hOa4/tg";
const NEW = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIP8AzoYLoD3Ny7ymOVcbjEBIzrv7YQwvbkdQu3xHWDcv";

describe("keysFor", () => {
  const before = new Map<string, unknown>([
    ["realm.yaml", { governance: { approvers: ["root@r"], signing_keys: [{ email: "root@r", key: `${NEW} root` }] } }],
    ["repos/a.yaml", { maintainers: ["alice@a"], signing_keys: [{ email: "Alice@A", key: `${OLD} alice@laptop` }] }],
  ]);

  test("the keys recorded for the author's email before the commit, comments dropped", () => {
    expect(keysFor(before, new Map(), [], "alice@a")).toEqual([OLD]);
    expect(keysFor(before, new Map(), [], "root@r")).toEqual([NEW]);
  });

  test("a key the commit adds to an existing repo file does not sign that commit", () => {
    const after = new Map([["repos/a.yaml", { signing_keys: [{ email: "alice@a", key: OLD }, { email: "alice@a", key: NEW }] }]]);
    expect(keysFor(before, after, [{ path: "repos/a.yaml", kind: "modified" }], "alice@a")).toEqual([OLD]);
  });

  test("a joining repo's first commit may be signed with a key its new file records", () => {
    const after = new Map([["repos/b.yaml", { signing_keys: [{ email: "bob@b", key: NEW }] }]]);
    expect(keysFor(before, after, [{ path: "repos/b.yaml", kind: "added" }], "bob@b")).toEqual([NEW]);
  });

  test("a malformed key never reaches the allowed-signers file", () => {
    const keys = [`${OLD}\n* ssh-ed25519 AAAAevil`, "* ssh-ed25519 AAAA", `${NEW} fine comment`].map((key) => ({ email: "alice@a", key }));
    const evil = new Map<string, unknown>([["repos/a.yaml", { signing_keys: keys }]]);
    expect(allowedSigners(keysFor(evil, new Map(), [], "alice@a"))).toBe(`author namespaces="git" ${NEW}\n`);
  });
});
