// `blue realm admin init --github OWNER`, `remote set --github OWNER` and `protect`, run through the compiled binary
// against GitHub's REST API as its own OpenAPI description has it (Prism, from @octokit/openapi). A small proxy in
// front of Prism swaps the placeholder clone_url in Prism's answer for a real bare repo, so the command's clone and
// push are real git, and remembers the branch protection blue PUT (Prism is stateless) to answer GETs of it with
// it, or Prism's own 404 before; BLUE_GITHUB_API_URL points blue at the proxy.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { GITHUB_SPEC, startPrism, type Prism } from "../forge/prism.ts";
import { Sandbox, stackTrace } from "./sandbox.ts";

const TOKEN = "ghp_e2eSecretTokenValue00000000000000000";

/** GitHub's answer to GET .../protection for what was PUT (the fields blue reads, shaped as the description has them). */
function protectionAnswer(put: { required_status_checks: { strict: boolean; contexts: string[] }; enforce_admins: boolean; required_pull_request_reviews: Record<string, unknown> }) {
  const url = "https://api.github.com/repos/o/r/branches/main/protection";
  return {
    url,
    required_status_checks: { url: `${url}/required_status_checks`, ...put.required_status_checks, checks: put.required_status_checks.contexts.map((context) => ({ context, app_id: null })) },
    required_pull_request_reviews: { url: `${url}/required_pull_request_reviews`, ...put.required_pull_request_reviews },
    enforce_admins: { url: `${url}/enforce_admins`, enabled: put.enforce_admins },
  };
}

describe("realms on GitHub", () => {
  let prism: Prism;
  let proxy: ReturnType<typeof Bun.serve>;
  const sb = new Sandbox();
  const seen: { method: string; path: string; auth: string | null; status: number; body: string }[] = [];
  const protections = new Map<string, Parameters<typeof protectionAnswer>[0]>();
  const forgeRepo = (name: string) => sb.path("github-repos", `${name}.git`);
  const api = () => `http://127.0.0.1:${proxy.port}`;
  const env = () => ({ GITHUB_TOKEN: TOKEN, BLUE_GITHUB_API_URL: api() });
  // Async: the proxy runs in this process and must keep answering while blue runs.
  const blue = (cwd: string, env: Record<string, string>, ...args: string[]) => sb.blueAsync(cwd, args, env);
  const calls = () => seen.map((s) => `${s.method} ${s.path} ${s.status}`);
  const bodyOf = (method: string, path: string) => JSON.parse(seen.find((s) => s.method === method && s.path === path)!.body);
  const log = (name: string, ref = "main") => sb.git(sb.root, "--git-dir", forgeRepo(name), "log", "--format=%s", ref).split("\n");
  const show = (name: string, ref: string) => sb.git(sb.root, "--git-dir", forgeRepo(name), "show", ref);

  beforeAll(async () => {
    prism = await startPrism(GITHUB_SPEC);
    proxy = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(req) {
        const u = new URL(req.url);
        const sent = req.method === "GET" ? undefined : await req.text();
        const headers = new Headers(req.headers);
        const guarded = /^\/repos\/([^/]+\/[^/]+)\/branches\/([^/]+)\/protection$/.exec(u.pathname);
        const key = guarded ? `${guarded[1]}#${guarded[2]}` : "";
        // A branch nobody protected yet: the description's own 404. A repo named free-*: a plan without protected branches.
        if (guarded && req.method === "GET" && !protections.has(key)) headers.set("Prefer", "code=404");
        if (guarded && u.pathname.includes("/free-")) headers.set("Prefer", "code=403");
        const res = await fetch(`${prism.url}${u.pathname}${u.search}`, { method: req.method, headers, body: sent });
        seen.push({ method: req.method, path: u.pathname, auth: req.headers.get("authorization"), status: res.status, body: sent ?? "" });
        if (guarded && req.method === "PUT" && res.status === 200) protections.set(key, JSON.parse(sent!));
        if (guarded && req.method === "GET" && protections.has(key)) return Response.json(protectionAnswer(protections.get(key)!));
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

  test("init --github creates the repo in the organisation, pushes the realm, writes the ownership workflow and CODEOWNERS, and protects main", async () => {
    seen.length = 0;
    const r = await blue(sb.root, env(), "realm", "admin", "init", "--name", "letemcook", "--github", "octo-org", "--approvers", "octocat");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const url = `file://${forgeRepo("letemcook")}`;
    expect(r.stdout).toBe(
      [
        "✓ Created realm repo in GitHub: https://github.com/octo-org/letemcook",
        `✓ Cloned to ${sb.realmClone("letemcook")}/`,
        "✓ Created realm.yaml",
        `✓ Pushed to ${url}`,
        "✓ Wrote .github/workflows/blue-ownership.yaml",
        `  its "Install blue" step installs blue with this blue version by its release's install.sh: edit the step, or pass --install-command`,
        "✓ Wrote .github/CODEOWNERS (3 paths)",
        `✓ Pushed to ${url}`,
        "✓ Protected main on GitHub: pull requests with code-owner review, required check blue-ownership",
        "",
      ].join("\n"),
    );
    // An owner other than the token's user is an organisation; the files are pushed before main is protected.
    expect(calls()).toEqual([
      "GET /user 200",
      "POST /orgs/octo-org/repos 201",
      "GET /repos/octo-org/letemcook/branches/main/protection 404",
      "PUT /repos/octo-org/letemcook/branches/main/protection 200",
    ]);
    expect(seen.every((s) => s.auth?.endsWith(TOKEN))).toBe(true);
    expect(bodyOf("PUT", "/repos/octo-org/letemcook/branches/main/protection")).toEqual({
      required_status_checks: { strict: true, contexts: ["blue-ownership"] },
      enforce_admins: true,
      required_pull_request_reviews: { dismiss_stale_reviews: true, require_code_owner_reviews: true, required_approving_review_count: 1 },
      restrictions: null,
    });
    expect(parse(readFileSync(`${sb.realmClone("letemcook")}/realm.yaml`, "utf8")).forge).toEqual({ type: "github", url: api(), repo: "octo-org/letemcook" });
    expect(log("letemcook")).toEqual(["blue: protect main (.github/workflows/blue-ownership.yaml, .github/CODEOWNERS)", "blue: create realm letemcook"]);
    const workflow = parse(show("letemcook", "main:.github/workflows/blue-ownership.yaml"));
    expect(workflow.jobs["blue-ownership"].name).toBe("blue-ownership");
    expect(workflow.jobs["blue-ownership"].steps.at(-1).run).toBe('blue realm check --mode=ownership --from "$FROM" --to HEAD');
    expect(show("letemcook", "main:.github/CODEOWNERS").split("\n").slice(2)).toEqual(["* @octocat", "/realm.yaml @octocat", "/.github/ @octocat"]);
  });

  test("protect --dry-run on a protected realm whose members changed: says CODEOWNERS would go through a PR, and changes nothing", async () => {
    for (const [repo, maintainer] of [["aperture", "eric-g"], ["fungal-image-analysis", "fungal-bot,fungal@example.com"]] as const) {
      const dir = sb.repo(repo);
      const j = await blue(dir, {}, "realm", "admin", "join", "letemcook", "--maintainers", maintainer);
      expect(j.stderr).toBe("");
      expect(j.code).toBe(0);
    }
    const dir = sb.path("aperture");
    expect((await blue(dir, {}, "realm", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal-image-analysis", "--contract", "s3-permissions")).code).toBe(0);
    const before = sb.git(sb.root, "--git-dir", forgeRepo("letemcook"), "for-each-ref");
    seen.length = 0;
    const r = await blue(dir, env(), "realm", "admin", "protect", "--dry-run");
    expect(r.code).toBe(0);
    expect(r.stderr).toBe("warning: CODEOWNERS leaves out fungal@example.com: not a GitHub user name (list users without '@' in repos/*.yaml maintainers or realm.yaml governance.approvers)\n");
    expect(r.stdout).toBe(
      [
        "✓ .github/workflows/blue-ownership.yaml is up to date",
        "Would write .github/CODEOWNERS (8 paths) on branch blue/protect",
        "Would propose them in a pull request from blue/protect: main takes no direct pushes, so the change goes through review",
        "✓ main on GitHub is already protected: pull requests with code-owner review, required check blue-ownership",
        "",
      ].join("\n"),
    );
    expect(calls()).toEqual(["GET /repos/octo-org/letemcook/branches/main/protection 200"]);
    expect(sb.git(sb.root, "--git-dir", forgeRepo("letemcook"), "for-each-ref")).toBe(before);
  });

  test("protect on a protected realm proposes the new CODEOWNERS in a pull request, and leaves main alone", async () => {
    const main = sb.git(sb.root, "--git-dir", forgeRepo("letemcook"), "rev-parse", "main");
    seen.length = 0;
    const r = await blue(sb.path("aperture"), env(), "realm", "admin", "protect");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/✓ Wrote \.github\/CODEOWNERS \(8 paths\) on branch blue\/protect\n✓ Opened PR #\d+ \(main takes no direct pushes, so the change goes through review\): https:\/\/\S+\n/);
    expect(calls()).toEqual([
      "GET /repos/octo-org/letemcook/branches/main/protection 200",
      "GET /repos/octo-org/letemcook/pulls 200",
      "POST /repos/octo-org/letemcook/pulls 201",
    ]);
    expect(bodyOf("POST", "/repos/octo-org/letemcook/pulls")).toMatchObject({ head: "blue/protect", base: "main", title: "blue: protect main (.github/CODEOWNERS)" });
    expect(sb.git(sb.root, "--git-dir", forgeRepo("letemcook"), "rev-parse", "main")).toBe(main);
    expect(log("letemcook", "blue/protect")[0]).toBe("blue: protect main (.github/CODEOWNERS)");
    // The two-repo realm's CODEOWNERS, exactly.
    expect(show("letemcook", "blue/protect:.github/CODEOWNERS")).toBe(
      [
        "# Written by `blue realm admin protect` from realm.yaml (governance.approvers) and repos/*.yaml (maintainers):",
        "# run it again after members or maintainers change; edits here are overwritten. The last matching line wins.",
        "* @octocat",
        "/repos/aperture.yaml @eric-g",
        "/domains/*/bindings/aperture.yaml @eric-g",
        "/repos/fungal-image-analysis.yaml @fungal-bot",
        "/domains/*/bindings/fungal-image-analysis.yaml @fungal-bot",
        "/domains/s3-access/contracts/s3-permissions.yaml @eric-g",
        "/realm.yaml @octocat",
        "/.github/ @octocat",
      ].join("\n"),
    );
  });

  test("protect on an existing, unprotected realm pushes the files and protects main; run again, it changes nothing", async () => {
    const init = await blue(sb.root, env(), "realm", "admin", "init", "--name", "later", "--github", "octo-org", "--approvers", "octocat", "--no-protect");
    expect(init.code).toBe(0);
    expect(init.stdout).not.toContain("Protected");
    expect(log("later")).toEqual(["blue: create realm later"]);
    seen.length = 0;
    const first = await blue(sb.root, env(), "realm", "admin", "protect", "--realm", "later", "--install-command", "npm install -g blue-cli@0.1.0");
    expect(first.stderr).toBe("");
    expect(first.code).toBe(0);
    expect(first.stdout).toContain(`✓ Wrote .github/workflows/blue-ownership.yaml\n  its "Install blue" step installs blue with --install-command: edit the step, or pass --install-command\n`);
    expect(first.stdout).toContain("✓ Protected main on GitHub: pull requests with code-owner review, required check blue-ownership\n");
    expect(calls()).toEqual(["GET /repos/octo-org/later/branches/main/protection 404", "PUT /repos/octo-org/later/branches/main/protection 200"]);
    expect(parse(show("later", "main:.github/workflows/blue-ownership.yaml")).jobs["blue-ownership"].steps[1].run).toBe("npm install -g blue-cli@0.1.0");
    const head = sb.git(sb.root, "--git-dir", forgeRepo("later"), "rev-parse", "main");

    seen.length = 0;
    const again = await blue(sb.root, env(), "realm", "admin", "protect", "--realm", "later", "--json");
    expect(again.stderr).toBe("");
    expect(again.code).toBe(0);
    const doc = JSON.parse(again.stdout);
    expect(doc).toMatchObject({
      realm: "later",
      forge: "github",
      repo: "octo-org/later",
      dry_run: false,
      delivery: "none",
      pushed_to: null,
      pull_request: null,
      protection: { action: "none", rules: { checks: ["blue-ownership"], approvals: 1, code_owners: true, approvers: [] } },
      install: { command: "npm install -g blue-cli@0.1.0", source: "kept" },
      warnings: [],
    });
    expect(doc.files).toEqual([
      { path: ".github/workflows/blue-ownership.yaml", changed: false },
      { path: ".github/CODEOWNERS", changed: false, paths: 3 },
    ]);
    // Only a read: no commit, no PUT.
    expect(calls()).toEqual(["GET /repos/octo-org/later/branches/main/protection 200"]);
    expect(sb.git(sb.root, "--git-dir", forgeRepo("later"), "rev-parse", "main")).toBe(head);
  });

  test("init --github where the forge will not protect main: the realm stands, and the error says how to protect it later", async () => {
    seen.length = 0;
    const r = await blue(sb.root, env(), "realm", "admin", "init", "--name", "free-plan", "--github", "octo-org", "--approvers", "octocat");
    expect(r.code).toBe(1);
    const [message, ...hint] = r.stderr.trim().split("\n");
    expect(message).toMatch(/^error: could not read or set the protection of main in octo-org\/free-plan: github at 127\.0\.0\.1:\d+ rejected the token from GITHUB_TOKEN \(403/);
    expect(hint.join("\n")).toContain("admin rights on the realm repo");
    expect(hint.at(-1)).toBe("The realm 'free-plan' was created and pushed; protect it with 'blue realm admin protect --realm free-plan' once that is fixed.");
    expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
    expect(stackTrace(r)).toBe(false);
    // The description lists a 403 for the PUT only: the files went in, then protecting main was refused.
    expect(calls().at(-1)).toBe("PUT /repos/octo-org/free-plan/branches/main/protection 403");
    expect(log("free-plan")).toEqual(["blue: protect main (.github/workflows/blue-ownership.yaml, .github/CODEOWNERS)", "blue: create realm free-plan"]);
    expect(existsSync(sb.realmClone("free-plan"))).toBe(true);
  });

  test("protect on a plain-git realm: one line, exit 1, nothing written; bad input is a usage error", async () => {
    expect((await blue(sb.root, {}, "realm", "admin", "init", "--name", "plain")).code).toBe(0);
    const head = sb.git(sb.root, "--git-dir", sb.defaultRemote("plain"), "rev-parse", "main");
    const r = await blue(sb.root, env(), "realm", "admin", "protect", "--realm", "plain");
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe(`error: realm 'plain' is on plain git (${sb.defaultRemote("plain")}): only a forge can refuse a change, so there is nothing to protect`);
    expect(stackTrace(r)).toBe(false);
    expect(sb.git(sb.root, "--git-dir", sb.defaultRemote("plain"), "rev-parse", "main")).toBe(head);
    const empty = await blue(sb.root, env(), "realm", "admin", "protect", "--realm", "later", "--install-command", " ");
    expect(empty.code).toBe(64);
    expect(empty.stderr).toStartWith("error: --install-command needs the shell lines that install blue");
    const unknown = await blue(sb.root, env(), "realm", "admin", "protect", "--realm", "nowhere");
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toStartWith("error: unknown realm 'nowhere'");
    const withRemote = await blue(sb.root, env(), "realm", "admin", "init", "--name", "x", "--install-command", "true");
    expect(withRemote.code).toBe(64);
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
