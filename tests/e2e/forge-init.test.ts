// `blue realm admin init --forgejo URL` and `protect`, run through the compiled binary against Forgejo's API as
// described by its own swagger file (Prism). A small proxy in front of Prism serves the API under /api/v1, as a
// real Forgejo does, swaps the placeholder clone_url in Prism's answer for a real bare repo, so the command's
// clone and push are real git, and remembers the branch protection rules blue created or edited (Prism is
// stateless) to list them afterwards.
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync, readFileSync } from "node:fs";
import { parse } from "yaml";
import { FORGEJO_SPEC, freePort, startPrism, type Prism } from "../forge/prism.ts";
import { editRealmFile } from "./daily.ts";
import { BIN, Sandbox, stackTrace, type Run } from "./sandbox.ts";

const TOKEN = "forgejo-e2e-secret-9f2b7c";
const haveSpec = existsSync(FORGEJO_SPEC);
if (!haveSpec) console.warn(`skipping init --forgejo tests: ${FORGEJO_SPEC} is absent (it lives in ../shared beside the project, not in it)`);

/** Like Sandbox.blue, but async: the proxy runs in this process and must keep answering while blue runs. */
async function blue(sb: Sandbox, cwd: string, env: Record<string, string>, ...args: string[]): Promise<Run> {
  const p = Bun.spawn([BIN, ...args], { cwd, env: { ...sb.env, ...env }, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [stdout, stderr, code] = await Promise.all([new Response(p.stdout).text(), new Response(p.stderr).text(), p.exited]);
  return { code, stdout, stderr };
}

describe.skipIf(!haveSpec)("blue realm admin init --forgejo", () => {
  let prism: Prism;
  let proxy: ReturnType<typeof Bun.serve>;
  const sb = new Sandbox();
  const bare = sb.path("forge-repos", "letemcook.git");
  const seen: { method: string; path: string; auth: string | null; status: number; body: string }[] = [];
  /** owner/repo → the protection rules created (by rule_name), as Forgejo would list them. */
  const rules = new Map<string, Record<string, unknown>[]>();
  const calls = () => seen.map((s) => `${s.method} ${s.path} ${s.status}`);
  const bodyOf = (method: string, path: string) => JSON.parse(seen.findLast((s) => s.method === method && s.path === path)!.body);

  beforeAll(async () => {
    prism = await startPrism(FORGEJO_SPEC);
    sb.git(sb.root, "init", "-q", "--bare", "--initial-branch=main", bare);
    proxy = Bun.serve({
      port: 0,
      hostname: "127.0.0.1",
      async fetch(req) {
        const u = new URL(req.url);
        // /deny/api/v1/...: the same API, but the token does not arrive, so Prism answers 401.
        const deny = u.pathname.startsWith("/deny/");
        const path = u.pathname.replace(/^(\/deny)?\/api\/v1/, "");
        if (path === u.pathname) return new Response("not found", { status: 404 });
        const headers = new Headers(req.headers);
        if (deny) headers.delete("authorization");
        const sent = req.method === "GET" ? undefined : await req.text();
        const res = await fetch(`${prism.url}${path}${u.search}`, { method: req.method, headers, body: sent });
        seen.push({ method: req.method, path, auth: req.headers.get("authorization"), status: res.status, body: sent ?? "" });
        const guarded = /^\/repos\/([^/]+\/[^/]+)\/branch_protections(?:\/([^/]+))?$/.exec(path);
        if (guarded) {
          const list = rules.get(guarded[1]!) ?? [];
          rules.set(guarded[1]!, list);
          if (req.method === "GET" && !guarded[2] && res.status === 200) return Response.json(list);
          if (req.method === "POST" && res.status === 201) list.push(JSON.parse(sent!));
          if (req.method === "PATCH" && res.status === 200) Object.assign(list.find((r) => r.rule_name === decodeURIComponent(guarded[2]!)) ?? {}, JSON.parse(sent!));
        }
        if (req.method === "POST" && /^\/(user|orgs\/[^/]+)\/repos$/.test(path) && res.status === 201) {
          // Each repo the command asks for is a real, empty bare repo named as asked.
          const name = (JSON.parse(sent ?? "{}") as { name: string }).name;
          const repoDir = sb.path("forge-repos", `${name}.git`);
          if (!existsSync(repoDir)) sb.git(sb.root, "init", "-q", "--bare", "--initial-branch=main", repoDir);
          const repo = (await res.json()) as Record<string, unknown>;
          return Response.json({ ...repo, clone_url: `file://${repoDir}`, html_url: `http://${u.host}/realms/${name}` }, { status: 201 });
        }
        return new Response(res.body, { status: res.status, headers: res.headers });
      },
    });
  });
  afterAll(() => {
    proxy?.stop(true);
    prism?.stop();
  });

  test("creates the repo through the API, pushes the realm and the ownership workflow, records the forge in realm.yaml, and protects main", async () => {
    const web = `http://127.0.0.1:${proxy.port}`;
    const r = await blue(sb, sb.root, { BLUE_FORGEJO_TOKEN: TOKEN }, "realm", "admin", "init", "--name", "letemcook", "--forgejo", `${web}/realms`, "--approvers", "eric-g");
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      [
        `✓ Created realm repo in Forgejo: ${web}/realms/letemcook`,
        `✓ Cloned to ${sb.realmClone("letemcook")}/`,
        "✓ Created realm.yaml",
        `✓ Pushed to file://${bare}`,
        "✓ Wrote .forgejo/workflows/blue-ownership.yaml",
        `  its "Install blue" step installs blue with this blue version by its release's install.sh: edit the step, or pass --install-command`,
        `✓ Pushed to file://${bare}`,
        "✓ Protected main on Forgejo: pull requests with 1 approval by a realm approver (eric-g), required check blue-ownership / blue-ownership (*), no direct pushes",
        "",
      ].join("\n"),
    );
    expect(r.stdout).not.toContain(TOKEN);
    // The owner differs from the token's user, so the repo goes to the organisation; protection lists the rules first.
    expect(calls()).toEqual([
      "GET /user 200",
      "POST /orgs/realms/repos 201",
      "GET /repos/realms/letemcook/branch_protections 200",
      "GET /repos/realms/letemcook/branch_protections 200",
      "POST /repos/realms/letemcook/branch_protections 201",
    ]);
    expect(seen.every((s) => s.auth === `token ${TOKEN}`)).toBe(true);
    expect(bodyOf("POST", "/repos/realms/letemcook/branch_protections")).toEqual({
      rule_name: "main",
      enable_push: false,
      enable_status_check: true,
      status_check_contexts: ["blue-ownership / blue-ownership (*)"],
      required_approvals: 1,
      enable_approvals_whitelist: true,
      approvals_whitelist_username: ["eric-g"],
      block_on_rejected_reviews: true,
      dismiss_stale_approvals: true,
      apply_to_admins: true,
    });
    const realm = parse(readFileSync(`${sb.realmClone("letemcook")}/realm.yaml`, "utf8"));
    expect(realm.forge).toEqual({ type: "forgejo", url: `${web}/api/v1`, repo: "realms/letemcook" });
    // The workflow runs --mode=ownership: a blue without it refuses the realm instead of half-reading it.
    expect(realm.min_blue_version).toBe("0.1.0");
    expect(sb.git(sb.root, "--git-dir", bare, "log", "--format=%s", "main").split("\n")).toEqual(["blue: protect main (.forgejo/workflows/blue-ownership.yaml)", "blue: create realm letemcook"]);
    // Forgejo gets no CODEOWNERS (it could not require their review); the workflow names its job for the check.
    expect(sb.git(sb.root, "--git-dir", bare, "ls-tree", "-r", "--name-only", "main").split("\n")).toEqual([".forgejo/workflows/blue-ownership.yaml", "README.md", "realm.yaml"]);
    const workflow = parse(sb.git(sb.root, "--git-dir", bare, "show", "main:.forgejo/workflows/blue-ownership.yaml"));
    expect(workflow.name).toBe("blue-ownership");
    expect(workflow.jobs["blue-ownership"]).toMatchObject({ name: "blue-ownership", "runs-on": "docker" });
    expect(workflow.jobs["blue-ownership"].steps[0].with["fetch-depth"]).toBe(0);
  });

  test("protect --dry-run after the approvers changed says what it would set and changes nothing; protect sets it; again, nothing", async () => {
    const clone = sb.realmClone("letemcook");
    editRealmFile(clone, "realm.yaml", (d) => d.setIn(["governance", "approvers"], ["eric-g", "ops-lead", "ops@example.com"]));
    sb.git(clone, "commit", "-qam", "approvers");
    sb.git(clone, "push", "-q", "origin", "main");
    const head = sb.git(sb.root, "--git-dir", bare, "rev-parse", "main");
    const env = { BLUE_FORGEJO_TOKEN: TOKEN };
    const leftOut = "warning: the approvals whitelist leaves out ops@example.com: not a Forgejo user name (list users without '@' in realm.yaml governance.approvers)\n";
    const rule = "pull requests with 1 approval by a realm approver (eric-g, ops-lead), required check blue-ownership / blue-ownership (*), no direct pushes";

    seen.length = 0;
    const dry = await blue(sb, sb.root, env, "realm", "admin", "protect", "--realm", "letemcook", "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stderr).toBe(leftOut);
    expect(dry.stdout).toBe(`✓ .forgejo/workflows/blue-ownership.yaml is up to date\nWould protect main on Forgejo: ${rule}\n`);
    expect(calls()).toEqual(["GET /repos/realms/letemcook/branch_protections 200"]);
    expect(rules.get("realms/letemcook")![0]!.approvals_whitelist_username).toEqual(["eric-g"]);

    seen.length = 0;
    const real = await blue(sb, sb.root, env, "realm", "admin", "protect", "--realm", "letemcook");
    expect(real.code).toBe(0);
    expect(real.stdout).toBe(`✓ .forgejo/workflows/blue-ownership.yaml is up to date\n✓ Protected main on Forgejo: ${rule}\n`);
    expect(calls()).toEqual(["GET /repos/realms/letemcook/branch_protections 200", "GET /repos/realms/letemcook/branch_protections 200", "PATCH /repos/realms/letemcook/branch_protections/main 200"]);
    expect(bodyOf("PATCH", "/repos/realms/letemcook/branch_protections/main")).toMatchObject({ enable_push: false, approvals_whitelist_username: ["eric-g", "ops-lead"] });

    seen.length = 0;
    const again = await blue(sb, sb.root, env, "realm", "admin", "protect", "--realm", "letemcook");
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`✓ .forgejo/workflows/blue-ownership.yaml is up to date\n✓ main on Forgejo is already protected: ${rule}\n`);
    expect(calls()).toEqual(["GET /repos/realms/letemcook/branch_protections 200"]);
    expect(sb.git(sb.root, "--git-dir", bare, "rev-parse", "main")).toBe(head);
  });

  test("a forge host this machine did not pin gets no token: exit 78, nothing sent", async () => {
    const clone = sb.realmClone("letemcook");
    const elsewhere = `http://127.0.0.1:${await freePort()}/api/v1`;
    editRealmFile(clone, "realm.yaml", (d) => d.setIn(["forge", "url"], elsewhere));
    sb.git(clone, "commit", "-qam", "forge moved by someone");
    sb.git(clone, "push", "-q", "origin", "main");
    seen.length = 0;
    const r = await blue(sb, sb.root, { BLUE_FORGEJO_TOKEN: TOKEN }, "realm", "admin", "protect", "--realm", "letemcook");
    expect(r.code).toBe(78);
    expect(r.stderr.split("\n")[0]).toMatch(/^error: realm\.yaml's forge: would send realm letemcook's token to 127\.0\.0\.1:\d+, but this machine pinned only /);
    expect(seen).toEqual([]);
    expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
  });

  test("a rejected token: one line naming its source, exit 1, the token nowhere, no clone left", async () => {
    const web = `http://127.0.0.1:${proxy.port}`;
    const r = await blue(sb, sb.root, { BLUE_FORGEJO_TOKEN: TOKEN, BLUE_FORGEJO_API_URL: `${web}/deny/api/v1` }, "realm", "admin", "init", "--name", "denied", "--forgejo", web);
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toMatch(/^error: forgejo at 127\.0\.0\.1:\d+ rejected the token from BLUE_FORGEJO_TOKEN \(401/);
    expect(r.stderr).toContain("Set BLUE_FORGEJO_TOKEN");
    expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
    expect(stackTrace(r)).toBe(false);
    expect(existsSync(sb.realmClone("denied"))).toBe(false);
  });

  test("a forge that does not answer: exit 69, the token nowhere", async () => {
    const r = await blue(sb, sb.root, { BLUE_FORGEJO_TOKEN: TOKEN }, "realm", "admin", "init", "--name", "nowhere", "--forgejo", `http://127.0.0.1:${await freePort()}`);
    expect(r.code).toBe(69);
    expect(r.stderr).toStartWith("error: cannot reach forgejo at http://127.0.0.1:");
    expect(`${r.stdout}${r.stderr}`).not.toContain(TOKEN);
    expect(existsSync(sb.realmClone("nowhere"))).toBe(false);
  });

  test("no token anywhere: says which sources were tried", async () => {
    const r = await blue(sb, sb.root, {}, "realm", "admin", "init", "--name", "tokenless", "--forgejo", "http://127.0.0.1:1");
    expect(r.code).toBe(1);
    expect(r.stderr).toStartWith("error: no token for forgejo at 127.0.0.1:1; tried BLUE_REALM_TOKEN, BLUE_FORGEJO_TOKEN, git credential fill,");
  });

  test("remote set --forgejo moves a realm made on this machine to a new Forgejo repo, and realm.yaml names the forge", async () => {
    const web = `http://127.0.0.1:${proxy.port}`;
    const repo = sb.repo("mover");
    expect((await blue(sb, sb.root, {}, "realm", "admin", "init", "--name", "moving")).code).toBe(0);
    expect((await blue(sb, repo, {}, "realm", "admin", "join", "moving")).code).toBe(0);
    seen.length = 0;
    const r = await blue(sb, repo, { BLUE_FORGEJO_TOKEN: TOKEN }, "realm", "admin", "remote", "set", "--forgejo", `${web}/realms`);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const target = `file://${sb.path("forge-repos", "moving.git")}`;
    expect(r.stdout).toBe(
      [
        `✓ Created realm repo in Forgejo: ${web}/realms/moving`,
        `✓ Pushed main to ${target}`,
        `✓ The realm clone ${sb.realmClone("moving")} now uses ${target} (was ${sb.defaultRemote("moving")}, left as it is)`,
        "✓ Set realm.yaml forge: forgejo, and pushed it",
        "✓ Updated .blue/config.yaml: realm.url (commit it, so teammates' checkouts find the realm there)",
        "",
      ].join("\n"),
    );
    expect(r.stdout + r.stderr).not.toContain(TOKEN);
    expect(seen.map((s) => `${s.method} ${s.path} ${s.status}`)).toEqual(["GET /user 200", "POST /orgs/realms/repos 201"]);
    const moved = parse(sb.git(sb.root, "--git-dir", sb.path("forge-repos", "moving.git"), "show", "main:realm.yaml"));
    expect(moved.forge).toEqual({ type: "forgejo", url: `${web}/api/v1`, repo: "realms/moving" });
    expect(sb.git(sb.root, "--git-dir", sb.path("forge-repos", "moving.git"), "log", "-1", "--format=%s", "main")).toBe(`blue: realm moved to ${target}`);

    // On to a plain git remote: the forge: entry, which named the Forgejo repo, goes.
    const plain = sb.path("plain", "moving.git");
    sb.git(sb.root, "init", "-q", "--bare", "--initial-branch=main", plain);
    const again = await blue(sb, repo, { BLUE_FORGEJO_TOKEN: TOKEN }, "realm", "admin", "remote", "set", plain);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("✓ Removed realm.yaml's forge: (it named the old place), and pushed it\n");
    expect(parse(sb.git(sb.root, "--git-dir", plain, "show", "main:realm.yaml")).forge).toBeUndefined();
  });

  test("--forgejo with --remote or --github is a usage error", async () => {
    const r = await blue(sb, sb.root, {}, "realm", "admin", "init", "--name", "x", "--forgejo", "https://git.example.com", "--github", "octo");
    expect(r.code).toBe(64);
    expect(r.stderr).toStartWith("error: --forgejo and --github cannot be combined");
  });
});
