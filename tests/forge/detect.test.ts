// Which forge a realm uses: realm.yaml's forge: first, then the realm URL.
import { describe, expect, test } from "bun:test";
import { detectForge, parseRemote } from "../../src/forge/forge.ts";

describe("detectForge", () => {
  test("github.com over https and ssh is GitHub at api.github.com", () => {
    for (const url of ["https://github.com/octo-org/realm.git", "git@github.com:octo-org/realm.git", "ssh://git@github.com/octo-org/realm"]) {
      expect(detectForge(url, undefined, {})).toEqual({ kind: "github", apiUrl: "https://api.github.com", webUrl: "https://github.com", host: "github.com", owner: "octo-org", repo: "realm" });
    }
  });

  test("the host named by BLUE_FORGEJO_URL is Forgejo, with its API under /api/v1", () => {
    const env = { BLUE_FORGEJO_URL: "https://git.example.com" };
    expect(detectForge("https://git.example.com/realms/letemcook.git", undefined, env)).toEqual({
      kind: "forgejo",
      apiUrl: "https://git.example.com/api/v1",
      webUrl: "https://git.example.com",
      host: "git.example.com",
      owner: "realms",
      repo: "letemcook",
    });
    expect(detectForge("git@git.example.com:realms/letemcook.git", undefined, env).kind).toBe("forgejo");
    // Another host is not Forgejo just because the variable is set.
    expect(detectForge("https://git.other.com/realms/letemcook.git", undefined, env).kind).toBe("none");
  });

  test("codeberg.org is Forgejo", () => {
    const t = detectForge("https://codeberg.org/team/realm.git", undefined, {});
    expect(t).toMatchObject({ kind: "forgejo", apiUrl: "https://codeberg.org/api/v1", owner: "team", repo: "realm" });
  });

  test("file URLs, local paths and unknown hosts are plain git", () => {
    for (const url of ["/home/you/.blue/remotes/letemcook.git", "file:///srv/realm.git", "./realm.git", "https://git.example.com/realms/letemcook.git"]) {
      expect(detectForge(url, undefined, {}).kind).toBe("none");
    }
  });

  test("realm.yaml's forge: wins, its url being the API base", () => {
    const t = detectForge("file:///srv/realm.git", { type: "forgejo", url: "https://git.example.com/api/v1/", repo: "realms/letemcook" }, {});
    expect(t).toEqual({ kind: "forgejo", apiUrl: "https://git.example.com/api/v1", webUrl: "https://git.example.com", host: "git.example.com", owner: "realms", repo: "letemcook" });
    expect(detectForge("https://github.com/o/r.git", { type: "none" }, {}).kind).toBe("none");
    expect(detectForge("https://ghe.example.com/o/r.git", { type: "github" }, {})).toMatchObject({ kind: "github", apiUrl: "https://ghe.example.com/api/v3", owner: "o", repo: "r" });
  });

  test("parseRemote keeps the web port and drops the ssh port", () => {
    expect(parseRemote("http://127.0.0.1:3000/o/r.git")?.host).toBe("127.0.0.1:3000");
    expect(parseRemote("ssh://git@git.example.com:2222/o/r.git")?.host).toBe("git.example.com");
  });
});

describe("initTarget", () => {
  test("--forgejo URL[/owner]: the API under /api/v1 unless BLUE_FORGEJO_API_URL says otherwise", async () => {
    const { initTarget } = await import("../../src/forge/create-realm-repo.ts");
    expect(initTarget({ name: "letemcook", forgejo: "https://git.example.com/realms" }, {})).toEqual({
      kind: "forgejo",
      apiUrl: "https://git.example.com/api/v1",
      webUrl: "https://git.example.com",
      host: "git.example.com",
      owner: "realms",
      repo: "letemcook",
    });
    expect(initTarget({ name: "r", forgejo: "https://git.example.com/" }, { BLUE_FORGEJO_API_URL: "http://127.0.0.1:4010/" })).toMatchObject({ apiUrl: "http://127.0.0.1:4010", owner: "" });
    expect(() => initTarget({ name: "r", forgejo: "git.example.com" }, {})).toThrow(/--forgejo needs the Forgejo web URL/);
    expect(() => initTarget({ name: "r", forgejo: "https://git.example.com/a/b" }, {})).toThrow(/optionally with an owner/);
  });

  test("--github OWNER: api.github.com unless BLUE_GITHUB_API_URL says otherwise", async () => {
    const { initTarget } = await import("../../src/forge/create-realm-repo.ts");
    expect(initTarget({ name: "r", github: "octo-org" }, {})).toMatchObject({ kind: "github", apiUrl: "https://api.github.com", host: "github.com", owner: "octo-org", repo: "r" });
    expect(initTarget({ name: "r", github: "octo-org" }, { BLUE_GITHUB_API_URL: "http://127.0.0.1:4011" }).apiUrl).toBe("http://127.0.0.1:4011");
    expect(() => initTarget({ name: "r", github: "bad/owner" }, {})).toThrow(/--github needs/);
  });
});
