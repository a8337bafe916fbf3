// Which repos of a recorded set this machine follows on a forge: the record is written by teammates, so its
// origins never decide where a token goes. A host not pinned here for the realm gets no client (and no token).
import { describe, expect, test } from "bun:test";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forgeFacts, pinnedForgeFor } from "../../src/follow/forge.ts";
import type { Forge, Review } from "../../src/forge/forge.ts";
import type { FollowRepo } from "../../src/follow/record.ts";
import { pinForgeHost } from "../../src/trust/store.ts";

const repo = (remote_url: string): FollowRepo => ({ repo: "x", position: 2, remote_url, branch: "feat/a", base: "main", forge: "github", pr: { number: 7, url: "" }, blocked_by: ["y"], head: null });

describe("a forge client for a repo of a followed set", () => {
  test("a host not pinned for the realm gets none, and says why", async () => {
    const home = mkdtempSync(join(tmpdir(), "blue-follow-pins-"));
    const forFor = pinnedForgeFor({ realm: "rc", realmUrl: join(home, "remotes", "rc.git"), home, env: { BLUE_GITHUB_TOKEN: "secret" } });
    const got = await forFor(repo("https://github.com/acme/x.git"));
    expect(got && "why" in got ? got.why : "").toBe("api.github.com is not a forge host this machine pinned for realm rc: no token is sent there (pin it with 'blue realm trust --forge-host api.github.com')");
  });

  test("once this machine pins the host, the repo is followed through it", async () => {
    const home = mkdtempSync(join(tmpdir(), "blue-follow-pins-"));
    await pinForgeHost(home, "rc", "api.github.com");
    const forFor = pinnedForgeFor({ realm: "rc", realmUrl: join(home, "remotes", "rc.git"), home, env: { BLUE_GITHUB_TOKEN: "secret" } });
    const got = await forFor(repo("https://github.com/acme/x.git"));
    expect(got && "forge" in got ? got.forge.kind : null).toBe("github");
  });

  test("a plain git origin has no forge client", async () => {
    const home = mkdtempSync(join(tmpdir(), "blue-follow-pins-"));
    const forFor = pinnedForgeFor({ realm: "rc", realmUrl: "", home, env: {} });
    expect(await forFor(repo("file:///srv/git/x.git"))).toBe(null);
  });
});

describe("a forge PR's facts", () => {
  const HEAD = "b".repeat(40);
  const stub = (reviews: Review[], approvals: number) =>
    ({
      kind: "github",
      getPullRequest: async () => ({ number: 7, url: "", state: "open", title: "", body: "", head: "feat/a", base: "main", head_sha: HEAD, draft: false, labels: [] }),
      commitChecks: async () => "success",
      listReviews: async () => reviews,
      getBranchProtection: async () => (approvals ? { approvals } : null),
    }) as unknown as Forge;

  test("an approval given on an older head is stale and does not count toward the required approvals", async () => {
    const f = await forgeFacts(stub([{ user: "ann", state: "approved", commit_id: "a".repeat(40) }], 1), repo("https://github.com/acme/x.git"));
    expect(f).toMatchObject({ state: "open", checks: "success", stale_approvals: ["ann"], missing_reviews: ["1 approving review required, 0 current"], head: HEAD });
  });

  test("an approval of the head counts; a reviewer's later change request blocks", async () => {
    expect((await forgeFacts(stub([{ user: "ann", state: "approved", commit_id: HEAD }], 1), repo("https://github.com/acme/x.git"))).missing_reviews).toEqual([]);
    const later = await forgeFacts(stub([{ user: "ann", state: "approved", commit_id: HEAD }, { user: "ann", state: "changes_requested", commit_id: HEAD }], 0), repo("https://github.com/acme/x.git"));
    expect(later.missing_reviews).toEqual(["changes requested by ann"]);
  });
});
