// Ownership enforced where blue cannot be bypassed (issue 16): the realm repo's CI runs
// `blue realm check --mode=ownership` over what plain `git push`es brought, and `maintainers add|remove`
// changes who may. Real git, the compiled binary, two teams with their own emails.
import { describe, expect, test } from "bun:test";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse, parseDocument } from "yaml";
import { CheckReport } from "../../src/check/findings.ts";
import { BIN, Sandbox, stackTrace } from "./sandbox.ts";

const APPROVER = "test@example.com"; // the sandbox's git identity: it creates the realm
const ALICE = "alice@aperture.example";
const BOB = "bob@fungal.example";
const BINDING = "domains/s3-access/bindings/aperture.yaml";

/** A realm whose two member repos have different maintainers; its remote; a way to commit as anyone. */
function teams() {
  const sb = new Sandbox();
  const aperture = sb.repo("aperture");
  const fungal = sb.repo("fungal-image-analysis");
  const setup = [
    sb.blue(sb.root, "realm", "admin", "init", "--name", "letemcook"),
    sb.blue(aperture, "realm", "admin", "join", "letemcook", "--maintainers", ALICE),
    sb.blue(aperture, "realm", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal-image-analysis", "--contract", "s3-permissions"),
    sb.blue(fungal, "realm", "admin", "join", "letemcook", "--maintainers", BOB),
  ];
  expect(setup.map((r) => r.code)).toEqual([0, 0, 0, 0]);
  const remote = sb.defaultRemote("letemcook");
  /** A plain git clone of the realm remote: what anyone with push access has. */
  const clone = (name: string) => {
    const dir = sb.path(name);
    sb.git(sb.root, "clone", "-q", remote, dir);
    return dir;
  };
  /** Edit a realm file in `dir` and commit it as `email` (extra git args, e.g. signing, before `commit`). */
  const commitAs = (dir: string, email: string, rel: string, edit: (d: ReturnType<typeof parseDocument>) => void, extra: string[] = []) => {
    const doc = parseDocument(readFileSync(join(dir, rel), "utf8"));
    edit(doc);
    writeFileSync(join(dir, rel), doc.toString());
    sb.git(dir, "-c", `user.email=${email}`, ...extra, "commit", "-qam", `edit ${rel}`);
    return sb.git(dir, "rev-parse", "HEAD");
  };
  const ci = (dir: string, ...args: string[]) => {
    sb.git(dir, "pull", "-q", "--ff-only");
    return sb.blue(dir, "realm", "check", "--mode=ownership", ...args);
  };
  const as = (email: string) => ({ GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "user.email", GIT_CONFIG_VALUE_0: email });
  return { sb, aperture, fungal, remote, clone, commitAs, ci, as };
}

describe("a plain git push that changes another team's files fails the realm's CI", () => {
  const { sb, clone, commitAs, ci } = teams();
  const hostile = clone("hostile");
  const realmCi = clone("realm-ci");
  const before = sb.git(hostile, "rev-parse", "HEAD");

  test("bob changing aperture's binding: exit 1, naming the commit, author, file and who may change it", () => {
    const sha = commitAs(hostile, BOB, BINDING, (d) => d.setIn(["exports", 0, "source_files"], ["evil.py"]));
    sb.git(hostile, "push", "-q", "origin", "main");
    const r = ci(realmCi, "--from", before, "--to", "HEAD");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(
      `✗ ${sha.slice(0, 7)} ${BOB} ${BINDING}: ownership-violation: only aperture's maintainers (${ALICE}) or a realm approver (${APPROVER}) may change it\n` +
        "ownership: 1 commit checked, 1 violation\n",
    );
    expect(r.code).toBe(1);
    const json = sb.blue(realmCi, "realm", "check", "--mode=ownership", "--from", before, "--json");
    const report = CheckReport.parse(JSON.parse(json.stdout));
    expect(report.findings).toEqual([
      { rule: "ownership-violation", severity: "error", mode: "ownership", commit: sha, author: BOB, file: BINDING, domain: "s3-access", contract: "", message: `only aperture's maintainers (${ALICE}) or a realm approver (${APPROVER}) may change it` },
    ]);
    expect(report.ownership).toEqual({ from: sb.git(realmCi, "rev-parse", before), to: sha, commits: 1 });
    expect(json.code).toBe(1);
  });

  test("alice's own change passes (exit 0); on main without --from only the last commit is judged", () => {
    const sha = commitAs(hostile, ALICE, BINDING, (d) => d.setIn(["exports", 0, "source_files"], ["models/s3_paths.py"]));
    sb.git(hostile, "push", "-q", "origin", "main");
    const r = ci(realmCi);
    expect(r.stdout).toBe("ownership: 1 commit checked\n");
    expect(r.code).toBe(0);
    expect(ci(realmCi, "--from", `${sha}~1`).code).toBe(0);
    expect(ci(realmCi, "--from", `${sha}~2`).code).toBe(1);
  });

  test("on a pull-request branch, everything since the merge-base; an approver's merge approves it", () => {
    sb.git(hostile, "checkout", "-q", "-b", "bob-pr");
    const sha = commitAs(hostile, BOB, "domains/s3-access/contracts/s3-permissions.yaml", (d) => d.set("description", "bob was here"));
    const pr = sb.blue(hostile, "realm", "check", "--mode=ownership");
    expect(pr.stdout).toContain(`✗ ${sha.slice(0, 7)} ${BOB} domains/s3-access/contracts/s3-permissions.yaml: ownership-violation: only the maintainers of its owner, aperture's maintainers (${ALICE}) or a realm approver`);
    expect(pr.code).toBe(1);
    sb.git(hostile, "checkout", "-q", "main");
    sb.git(hostile, "-c", `user.email=${APPROVER}`, "merge", "-q", "--no-ff", "-m", "merge bob-pr", "bob-pr");
    const merged = sb.blue(hostile, "realm", "check", "--mode=ownership");
    expect(merged.stdout).toContain(`  ${sha.slice(0, 7)} ${BOB} domains/s3-access/contracts/s3-permissions.yaml: ownership-violation: `);
    expect(merged.stdout).toContain(`; approved: merged by ${APPROVER} in ${sb.git(hostile, "rev-parse", "--short=7", "HEAD")}\nownership: 2 commits checked\n`);
    expect(merged.code).toBe(0);
    // The same merge made by bob approves nothing.
    sb.git(hostile, "reset", "-q", "--hard", "HEAD~1");
    sb.git(hostile, "-c", `user.email=${BOB}`, "merge", "-q", "--no-ff", "-m", "merge bob-pr", "bob-pr");
    expect(sb.blue(hostile, "realm", "check", "--mode=ownership").code).toBe(1);
  });

  test("bad input: one line, a usage exit code, no stack trace", () => {
    const bad = sb.blue(realmCi, "realm", "check", "--mode=ownership", "--from", "no-such-rev");
    expect(bad.code).toBe(64);
    expect(bad.stderr.split("\n")[0]).toBe(`error: --from 'no-such-rev' names no commit in ${realmCi}`);
    expect(stackTrace(bad)).toBe(false);
    const member = sb.blue(sb.path("aperture"), "realm", "check", "--mode=ownership");
    expect(member.code).toBe(64);
    expect(member.stderr.split("\n")[0]).toBe("error: --mode=ownership runs in a clone of the realm repo itself (the realm's CI)");
    expect(sb.blue(realmCi, "realm", "check", "--mode=ownership", "--contract", "s3-permissions").code).toBe(64);
  });
});

describe("history the check cannot judge is not waved through", () => {
  const { sb, remote, clone, commitAs } = teams();

  test("an unrelated history merged in: its parentless commit is a finding, not a founding", () => {
    const dir = clone("orphan");
    const before = sb.git(dir, "rev-parse", "HEAD");
    sb.git(dir, "checkout", "-q", "--orphan", "evil");
    const orphan = commitAs(dir, BOB, BINDING, (d) => d.setIn(["exports", 0, "source_files"], ["evil.py"]));
    sb.git(dir, "checkout", "-q", "main");
    sb.git(dir, "-c", `user.email=${BOB}`, "merge", "-q", "--allow-unrelated-histories", "-X", "theirs", "-m", "merge", "evil");
    const r = sb.blue(dir, "realm", "check", "--mode=ownership", "--from", before);
    expect(r.stdout).toContain(`✗ ${orphan.slice(0, 7)} ${BOB} unrelated-history: has no parent but is not the realm's first commit`);
    expect(r.code).toBe(1);
  });

  test("a shallow clone whose range reaches past its history is refused (exit 64), not passed", () => {
    const dir = sb.path("shallow");
    sb.git(sb.root, "clone", "-q", "--depth", "1", `file://${remote}`, dir);
    const r = sb.blue(dir, "realm", "check", "--mode=ownership");
    expect(r.stderr.split("\n")[0]).toBe("error: this clone of the realm is shallow, and the range reaches past the history it holds");
    expect(r.code).toBe(64);
  });
});

describe("the RFC's setup, each step by its own team", () => {
  /** init by the approver; aperture joins and creates the domain as alice; fungal joins as bob. */
  function setup(admission: "open" | "approval") {
    const sb = new Sandbox();
    const aperture = sb.repo("aperture");
    const fungal = sb.repo("fungal-image-analysis");
    const as = (email: string) => ({ GIT_CONFIG_COUNT: "1", GIT_CONFIG_KEY_0: "user.email", GIT_CONFIG_VALUE_0: email });
    expect(sb.blue(sb.root, "realm", "admin", "init", "--name", "letemcook").code).toBe(0);
    const clone = sb.realmClone("letemcook");
    const doc = parseDocument(readFileSync(join(clone, "realm.yaml"), "utf8"));
    doc.setIn(["governance", "admission"], admission);
    writeFileSync(join(clone, "realm.yaml"), doc.toString());
    sb.git(clone, "commit", "-q", "--allow-empty", "-am", `admission: ${admission}`);
    sb.git(clone, "push", "-q", "origin", "main");
    const founded = sb.git(clone, "rev-parse", "HEAD");
    const steps = [
      sb.exec(BIN, ["realm", "admin", "join", "letemcook"], aperture, as(ALICE)),
      sb.exec(BIN, ["realm", "admin", "domain", "create", "s3-access", "--repos", "aperture,fungal-image-analysis", "--contract", "s3-permissions"], aperture, as(ALICE)),
      sb.exec(BIN, ["realm", "admin", "join", "letemcook"], fungal, as(BOB)),
    ];
    expect(steps.map((r) => r.code)).toEqual([0, 0, 0]);
    const ci = sb.path("ci");
    sb.git(sb.root, "clone", "-q", sb.defaultRemote("letemcook"), ci);
    return sb.blue(ci, "realm", "check", "--mode=ownership", "--from", founded);
  }

  test("with admission open, every step passes: joins, and a domain with its members' first bindings", () => {
    const r = setup("open");
    expect(r.stdout).toBe("ownership: 3 commits checked\n");
    expect(r.code).toBe(0);
  });

  test("with admission by approval, the joins need an approver; creating the domain does not", () => {
    const r = setup("approval");
    const lines = r.stdout.trim().split("\n");
    expect(lines.map((l) => /^✗ \w{7} (\S+) (\S+): /.exec(l)?.slice(1, 3))).toEqual([[ALICE, "repos/aperture.yaml"], [BOB, "repos/fungal-image-analysis.yaml"], undefined]);
    expect(lines[0]).toContain(`${ALICE} repos/aperture.yaml: ownership-violation: only aperture's maintainers (it is joining, and admission is 'approval') or a realm approver (${APPROVER}) may change it`);
    expect(lines[2]).toBe("ownership: 3 commits checked, 2 violations");
    expect(r.code).toBe(1);
  });
});

const hasSshKeygen = Bun.which("ssh-keygen") !== null;

describe.if(hasSshKeygen)("with trust.require_signed_commits", () => {
  const { sb, aperture, clone, commitAs, ci, as } = teams();
  const key = (name: string) => {
    const path = sb.path(`${name}-key`);
    sb.exec("ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", name, "-f", path], sb.root);
    return { path, pub: readFileSync(`${path}.pub`, "utf8").trim() };
  };
  const alice = key("alice");
  const stranger = key("stranger");
  const signWith = (k: { path: string }) => ["-c", "gpg.format=ssh", "-c", `user.signingkey=${k.path}`, "-c", "commit.gpgsign=true"];
  // Alice records her key (as herself, through blue), then an approver turns signing on.
  const added = sb.exec(BIN, ["realm", "admin", "maintainers", "add", "--repo", "aperture", ALICE, "--key", alice.pub], aperture, as(ALICE));
  const dir = clone("signed");
  commitAs(dir, APPROVER, "realm.yaml", (d) => d.setIn(["trust", "require_signed_commits"], true));
  sb.git(dir, "push", "-q", "origin", "main");
  const start = sb.git(dir, "rev-parse", "HEAD");

  test("the key is recorded in repos/aperture.yaml", () => {
    expect(added.stderr).toBe("");
    expect(added.code).toBe(0);
    expect(parse(readFileSync(join(dir, "repos/aperture.yaml"), "utf8")).signing_keys).toEqual([{ email: ALICE, key: alice.pub }]);
  });

  test("unsigned fails, signed with her recorded key passes, signed with a key the realm does not record fails", () => {
    const unsigned = commitAs(dir, ALICE, BINDING, (d) => d.setIn(["exports", 0, "source_files"], ["u.py"]));
    const good = commitAs(dir, ALICE, BINDING, (d) => d.setIn(["exports", 0, "source_files"], ["a.py"]), signWith(alice));
    const foreign = commitAs(dir, ALICE, BINDING, (d) => d.setIn(["exports", 0, "source_files"], ["b.py"]), signWith(stranger));
    const r = sb.blue(dir, "realm", "check", "--mode=ownership", "--from", start, "--json");
    const report = CheckReport.parse(JSON.parse(r.stdout));
    expect(report.findings.map((f) => [f.commit, f.rule])).toEqual([
      [unsigned, "unsigned-commit"],
      [foreign, "bad-signature"],
    ]);
    expect(report.findings[1]!.message).toMatch(new RegExp(`^signed with a key SHA256:\\S+ that the realm does not record for ${ALICE}$`));
    expect(report.ownership?.commits).toBe(3);
    expect(r.code).toBe(1);
    const alone = sb.blue(dir, "realm", "check", "--mode=ownership", "--from", `${good}~1`, "--to", good);
    expect(alone.stdout).toBe("ownership: 1 commit checked\n");
    expect(alone.code).toBe(0);
  });

  test("her key does not make her a maintainer of fungal's files", () => {
    const sha = commitAs(dir, ALICE, "domains/s3-access/bindings/fungal-image-analysis.yaml", (d) => d.setIn(["imports", 0, "binding"], "cdk/stack.py"), signWith(alice));
    const r = sb.blue(dir, "realm", "check", "--mode=ownership", "--from", `${sha}~1`);
    expect(r.stdout).toContain(`✗ ${sha.slice(0, 7)} ${ALICE} domains/s3-access/bindings/fungal-image-analysis.yaml: ownership-violation: only fungal-image-analysis's maintainers (${BOB})`);
    expect(r.code).toBe(1);
  });
});

describe("maintainers add|remove", () => {
  const { sb, aperture, remote, clone, as } = teams();
  const realmClone = sb.realmClone("letemcook");
  const run = (email: string, ...args: string[]) => sb.exec(BIN, ["realm", "admin", "maintainers", ...args], aperture, as(email));
  const repoFile = () => sb.git(sb.root, "--git-dir", remote, "show", "main:repos/aperture.yaml");
  const headOfRemote = () => sb.git(sb.root, "--git-dir", remote, "rev-parse", "main");
  const start = headOfRemote();

  test("a maintainer adds one, keeping the file's comments, committed and pushed as them", () => {
    const path = join(realmClone, "repos/aperture.yaml");
    writeFileSync(path, readFileSync(path, "utf8").replace("maintainers:", "# who answers for aperture\nmaintainers:"));
    sb.git(realmClone, "commit", "-qam", "comment");
    sb.git(realmClone, "push", "-q", "origin", "main");
    const r = run(ALICE, "add", "carol@aperture.example");
    expect(r.stderr).toBe("");
    expect(r.stdout).toBe(`✓ Added maintainer carol@aperture.example to repos/aperture.yaml\n✓ Pushed to ${remote}\n`);
    expect(r.code).toBe(0);
    expect(repoFile()).toContain(`# who answers for aperture\nmaintainers:\n  - ${ALICE}\n  - carol@aperture.example\n`);
    expect(sb.git(sb.root, "--git-dir", remote, "log", "-1", "--format=%ae %s", "main")).toBe(`${ALICE} blue: aperture: added maintainer carol@aperture.example`);
  });

  test("someone who is neither a maintainer nor an approver is refused (exit 1), and nothing is pushed", () => {
    const head = headOfRemote();
    const r = run(BOB, "add", "--repo", "aperture", "mallory@fungal.example");
    expect(r.code).toBe(1);
    expect(r.stderr.split("\n")[0]).toBe(`error: ${BOB} may not change aperture's maintainers: only its maintainers (${ALICE}, carol@aperture.example) or a realm approver (${APPROVER}) may`);
    expect(headOfRemote()).toBe(head);
  });

  test("a lost account is revoked by another maintainer; the last maintainer is never removed", () => {
    const r = run("carol@aperture.example", "remove", ALICE);
    expect(r.code).toBe(0);
    expect(parse(repoFile()).maintainers).toEqual(["carol@aperture.example"]);
    const last = run("carol@aperture.example", "remove", "carol@aperture.example");
    expect(last.code).toBe(1);
    expect(last.stderr.split("\n")[0]).toBe("error: carol@aperture.example is aperture's last maintainer: a repo keeps at least one");
    // Alice, removed, may no longer change it.
    expect(run(ALICE, "add", ALICE).code).toBe(1);
  });

  test("bad input is a usage error (exit 64) with one line", () => {
    for (const args of [["add", "not-an-email"], ["add", "x@y.example", "--key", "AAAA-not-a-key"], ["add", "--repo", "nope", "x@y.example"]]) {
      const r = run(APPROVER, ...args);
      expect(r.code).toBe(64);
      expect(stackTrace(r)).toBe(false);
    }
  });

  test("every commit these made passes the realm's ownership check", () => {
    const r = sb.blue(clone("after-maintainers"), "realm", "check", "--mode=ownership", "--from", start);
    expect(r.stdout).toBe("ownership: 3 commits checked\n");
    expect(r.code).toBe(0);
  });
});
