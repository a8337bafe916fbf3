// `blue realm admin init --github OWNER` and `remote set --github OWNER`, run through the compiled binary against
// GitHub's REST API as its own OpenAPI description has it (Prism, from @octokit/openapi). A small proxy in front of
// Prism swaps the placeholder clone_url in Prism's answer for a real bare repo, so the command's clone and push are
// real git; BLUE_GITHUB_API_URL points blue at the proxy.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { GITHUB_SPEC, startPrism, type Prism } from "../forge/prism.ts";
import { Sandbox } from "./sandbox.ts";

const TOKEN = "ghp_e2eSecretTokenValue00000000000000000";

describe("realms on GitHub", () => {
  let prism: Prism;
  let proxy: ReturnType<typeof Bun.serve>;
  const sb = new Sandbox();
  const seen: { method: string; path: string; auth: string | null; status: number }[] = [];
  const forgeRepo = (name: string) => sb.path("github-repos", `${name}.git`);
  const api = () => `http://127.0.0.1:${proxy.port}`;
  const env = () => ({ GITHUB_TOKEN: TOKEN, BLUE_GITHUB_API_URL: api() });
  // Async: the proxy runs in this process and must keep answering while blue runs.
  const blue = (cwd: string, env: Record<string, string>, ...args: string[]) => sb.blueAsync(cwd, args, env);

  beforeAll(async () => {
    prism = await startPrism(GITHUB_SPEC);
    proxy = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(req) {
        const u = new URL(req.url);
        const sent = req.method === "GET" ? undefined : await req.text();
        const res = await fetch(`${prism.url}${u.pathname}${u.search}`, { method: req.method, headers: req.headers, body: sent });
        seen.push({ method: req.method, path: u.pathname, auth: req.headers.get("authorization"), status: res.status });
        const created = req.method === "POST" && /^\/(user|orgs\/([^/]+))\/repos$/.exec(u.pathname);
        if (created && res.status === 201) {
          // Each repo the command asks for is a real, empty bare repo named as asked.
          const name = (JSON.parse(sent ?? "{}") as { name: string }).name;
          if (!existsSync(forgeRepo(name))) sb.git(sb.root, "init", "-q", "--bare", "--initial-branch=main", forgeRepo(name));
          const repo = (await res.json()) as Record<string, unknown>;
          return Response.json({ ...repo, clone_url: `file://${forgeRepo(name)}`, html_url: `https://github.com/${created[2] ?? "octocat"}/${name}` }, { status: 201 });
        }
        return new Response(res.body, { status: res.status, headers: res.headers });
      },
    });
  }, 120_000);
  afterAll(() => {
    proxy?.stop(true);
    prism?.stop();
  });

  test("init --github creates the repo in the organisation, pushes the realm and records the forge in realm.yaml", async () => {
    seen.length = 0;
    const r = await blue(sb.root, env(), "realm", "admin", "init", "--name", "letemcook", "--github", "octo-org");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("✓ Created realm repo in GitHub: https://github.com/octo-org/letemcook");
    expect(r.stdout).not.toContain(TOKEN);
    // An owner other than the token's user is an organisation.
    expect(seen.map((s) => `${s.method} ${s.path} ${s.status}`)).toEqual(["GET /user 200", "POST /orgs/octo-org/repos 201"]);
    expect(seen.every((s) => s.auth?.endsWith(TOKEN))).toBe(true);
    expect(parse(readFileSync(`${sb.realmClone("letemcook")}/realm.yaml`, "utf8")).forge).toEqual({ type: "github", url: api(), repo: "octo-org/letemcook" });
    expect(sb.git(sb.root, "--git-dir", forgeRepo("letemcook"), "log", "--format=%s", "main")).toBe("blue: create realm letemcook");
  });

  test("remote set --github moves a realm made on this machine to a new GitHub repo, and realm.yaml names the forge", async () => {
    const repo = sb.repo("mover");
    expect((await blue(sb.root, {}, "realm", "admin", "init", "--name", "moving")).code).toBe(0);
    expect((await blue(repo, {}, "realm", "admin", "join", "moving")).code).toBe(0);
    seen.length = 0;
    const r = await blue(repo, env(), "realm", "admin", "remote", "set", "--github", "octo-org");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const target = `file://${forgeRepo("moving")}`;
    expect(r.stdout).toBe(
      [
        "✓ Created realm repo in GitHub: https://github.com/octo-org/moving",
        `✓ Pushed main to ${target}`,
        `✓ The realm clone ${sb.realmClone("moving")} now uses ${target} (was ${sb.defaultRemote("moving")}, left as it is)`,
        "✓ Set realm.yaml forge: github, and pushed it",
        "✓ Updated .blue/config.yaml: realm.url (commit it, so teammates' checkouts find the realm there)",
        "",
      ].join("\n"),
    );
    expect(seen.map((s) => `${s.method} ${s.path} ${s.status}`)).toEqual(["GET /user 200", "POST /orgs/octo-org/repos 201"]);
    const moved = parse(sb.git(sb.root, "--git-dir", forgeRepo("moving"), "show", "main:realm.yaml"));
    expect(moved.forge).toEqual({ type: "github", url: api(), repo: "octo-org/moving" });
    expect(parse(readFileSync(`${repo}/.blue/config.yaml`, "utf8")).realm.url).toBe(target);
  });

  test("a bad owner is a usage error before any request; no token: the sources tried", async () => {
    seen.length = 0;
    const bad = await blue(sb.root, env(), "realm", "admin", "init", "--name", "x", "--github", "not/an-owner");
    expect(bad.code).toBe(64);
    expect(bad.stderr).toStartWith("error: --github needs a GitHub user or organisation name; got 'not/an-owner'");
    // GITHUB_TOKEN emptied: the sandbox keeps the rest of this process's environment, where CI may have one.
    const none = await blue(sb.root, { GITHUB_TOKEN: "", BLUE_GITHUB_API_URL: api() }, "realm", "admin", "init", "--name", "y", "--github", "octo-org");
    expect(none.code).toBe(1);
    expect(none.stderr).toStartWith("error: no token for github at github.com; tried BLUE_REALM_TOKEN, BLUE_GITHUB_TOKEN, GITHUB_TOKEN");
    expect(seen).toEqual([]);
    expect(existsSync(sb.realmClone("x")) || existsSync(sb.realmClone("y"))).toBe(false);
  });
});
