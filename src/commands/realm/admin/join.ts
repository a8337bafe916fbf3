import { blueHome } from "../../../system/home.ts";
import { landedLine, proposalFor } from "../../../sync/propose.ts";
import { defineCommand } from "../../../cli-args.ts";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { basename, join as joinPath, resolve } from "node:path";
import { writeFileAtomic } from "../../../system/atomic-write.ts";
import { ConfigError, GitError, Refused, UsageError } from "../../../errors.ts";
import { parseRemote } from "../../../forge/forge.ts";
import { changedPaths, commitPaths, isCommitted } from "../../../git/member-repo.ts";
import { changeRealm, cloneRealm, remoteUrl } from "../../../git/realm-repo.ts";
import { identityEmail } from "../../../git/identity.ts";
import { loadValidRealm } from "../../../realm/load.ts";
import { planJoin } from "../../../realm/membership.ts";
import { publicUrl } from "../../../git/public-url.ts";
import { isSafeName } from "../../../realm/names.ts";
import { writeRealmFile } from "../../../realm/write.ts";
import { writeYamlFile } from "../../../yaml/source.ts";
import { line, ok, warnLine, warnProblems } from "../../../ui/output.ts";
import { CONFIG_PATH, readMember, realmLocation, requireRepoRoot, type Member } from "../../../realm/workspace.ts";
import { splitList } from "./init.ts";

export const join = defineCommand({
  meta: {
    name: "join",
    description: "Register this repo in a realm and write .blue/config.yaml",
    examples: ["blue realm admin join letemcook", "# On a machine where the realm is not cloned yet:", "blue realm admin join letemcook --url git@git.example.com:acme/letemcook.git", "blue realm admin join letemcook --repo aperture --maintainers alice@example.com,bob"],
  },
  args: {
    realm: { type: "positional", description: "Name of the realm to join", required: true, valueHint: "realm" },
    url: { type: "string", description: "Git URL of the realm, when it is not cloned on this machine yet", valueHint: "git-url" },
    repo: { type: "string", description: "Name of this repo in the realm (default: the basename of the git top level)", valueHint: "name" },
    maintainers: { type: "string", description: "Comma-separated maintainers: emails, or forge user names (no '@'), which reviews and CODEOWNERS can name (default: the e-mail git commits with: GIT_AUTHOR_EMAIL, else user.email)", valueHint: "a,b" },
    commit: { type: "boolean", description: "Commit .blue/config.yaml and .gitignore in this repo (nothing else)" },
  },
  async run({ args }) {
    const root = requireRepoRoot();
    const realmName = args.realm;
    if (!isSafeName(realmName)) throw new UsageError(`'${realmName}' is not a valid realm name`, "Use a-z, 0-9, '.', '_' and '-', starting with a letter or digit.");
    const loc = realmLocation(realmName);
    const already = readMember(root);
    const wantedUrl = args.url === undefined ? undefined : existsSync(args.url) ? resolve(args.url) : args.url;
    const sameRealm = already?.config.realm.name === realmName;
    // A teammate's clone of a member repo: its committed config already names the realm and the repo, and the
    // realm comes from the config's url when --url does not say otherwise.
    const committed = sameRealm && (args.repo ?? already!.config.repo) === already!.config.repo && (await isCommitted(root, CONFIG_PATH));
    let clonedNow = false;
    if (committed && !loc.cloned) {
      await cloneRealm(wantedUrl ?? already!.config.realm.url, loc.clone);
      clonedNow = true;
    }
    const cloned = loc.cloned || clonedNow;
    if (loc.cloned && wantedUrl !== undefined) {
      const current = await remoteUrl(loc.clone);
      const [shown, wanted] = [publicUrl(current ?? ""), publicUrl(wantedUrl)];
      if (current !== wantedUrl) throw new Refused(`realm '${realmName}' is already cloned from ${shown}, not ${wanted}`, `Drop --url to use the existing clone; if the realm has moved to ${wanted}, run 'blue realm admin remote set ${wanted}' first.`);
    }
    const listed = sameRealm && cloned && existsSync(joinPath(loc.clone, "repos", `${already!.config.repo}.yaml`));
    if (committed && listed) {
      const url = (await remoteUrl(loc.clone)) ?? already!.config.realm.url;
      ok(`${already!.config.repo} is already a member of ${realmName}; ${clonedNow ? "cloned the realm to" : "the realm is cloned at"} ${loc.clone}/`);
      if (clonedNow) await pinForge(realmName, url, loc.clone);
      warnIfLocal(url);
      return;
    }
    // A config whose repo the realm no longer lists (removed with `leave --repo` from elsewhere) is stale.
    const stale = sameRealm && cloned && !listed;
    if (already && !stale) {
      throw new Refused(
        `this repo has already joined realm '${already.config.realm.name}' as '${already.config.repo}'`,
        "Run 'blue realm admin leave' first to join again.",
      );
    }
    const repo = args.repo ?? basename(root);
    if (!isSafeName(repo)) {
      if (clonedNow) rmSync(loc.clone, { recursive: true, force: true });
      throw new UsageError(`'${repo}' is not a valid repo name`, "Pass --repo <name> using a-z, 0-9, '.', '_' and '-'.");
    }

    if (!cloned) {
      const url = wantedUrl ?? loc.defaultRemote;
      if (!url) {
        throw new UsageError(`unknown realm '${realmName}': it is not cloned on this machine`, `Pass --url <git-url> to clone it, or check the name (ls ${resolve(loc.clone, "..")}).`);
      }
      await cloneRealm(url, loc.clone);
      clonedNow = true;
    }

    try {
      const url = (await remoteUrl(loc.clone)) ?? loc.clone;
      const realmYaml = joinPath(loc.clone, "realm.yaml");
      if (!existsSync(realmYaml)) {
        throw new ConfigError(`${url} is not a blue realm (it has no realm.yaml)`, `Create one with 'blue realm admin init --name ${realmName} --remote ${url}'.`);
      }
      // Written to the realm, which every member reads: never with the credentials a URL can carry.
      const origin = await remoteUrl(root);
      const ownUrl = origin === undefined ? undefined : publicUrl(origin);
      // By default the maintainer is whoever git will name as the join commit's author (GIT_AUTHOR_EMAIL over
      // user.email), so the realm names its committer.
      const maintainers = args.maintainers ? splitList(args.maintainers) : [await identityEmail(loc.clone)].filter((e): e is string => !!e);
      const proposal = proposalFor(realmName, loc.clone, url);
      const plan = await changeRealm(loc.clone, {
        propose: proposal.propose,
        apply: () => {
          const { model, warnings } = loadValidRealm(loc.clone, realmName);
          warnProblems(warnings);
          if (model.realm?.name !== realmName) {
            throw new ConfigError(`${url} holds realm '${model.realm?.name}', not '${realmName}'`, "Check the realm name and --url.");
          }
          const plan = planJoin(model, { repo, path: root, url: ownUrl, maintainers, now: new Date() });
          writeRealmFile(loc.clone, plan.file, "repo", plan.repo);
          return plan;
        },
        message: (p) => `blue: ${p.repo.name} joins the realm`,
      });

      // Committed with the repo, so teammates read it: never with the credentials a URL can carry.
      writeYamlFile(joinPath(root, CONFIG_PATH), { realm: { name: realmName, url: publicUrl(url) }, repo }, "blue: this repo's realm membership. The realm repo holds everything else.");
      const ignored = ensureCacheIgnored(root);

      ok(`Created ${plan.file} in realm`);
      for (const p of plan.participation) {
        for (const c of p.contracts) ok(`Detected ${p.role === "provider" ? "export" : "import"}: ${c} in domain ${p.domain}`);
        if (p.role === "member") ok(`Member of domain ${p.domain}`);
      }
      ok(`Created ${CONFIG_PATH} locally`);
      if (ignored) ok("Added .blue/cache.db to .gitignore");
      ok(landedLine(proposal, publicUrl(url)));
      warnIfLocal(url);
      if (clonedNow) await pinForge(realmName, url, loc.clone);
    } catch (e) {
      if (clonedNow) rmSync(loc.clone, { recursive: true, force: true });
      throw e;
    }
    await offerCommit(root, realmName, repo, Boolean(args.commit));
  },
});

/** The join that first brings the realm to this machine is the user meeting it on purpose: the forge its
 *  realm.yaml names now is pinned (trust on first use). A later change of forge: is not followed. */
async function pinForge(realm: string, url: string, clone: string): Promise<void> {
  const [{ pinConfiguredForge }, { configuredForge }] = await Promise.all([import("../../../trust/forge-host.ts"), import("../../../sync/host-for.ts")]);
  const host = await pinConfiguredForge(blueHome(), realm, url, configuredForge(clone), process.env);
  if (host) ok(`Pinned forge host ${host} for realm ${realm} on this machine`);
}

/** A realm remote that is a path (or file:// URL) on this machine: no other machine can clone it. */
function warnIfLocal(url: string): void {
  if (parseRemote(url)) return;
  warnLine(`the realm's remote ${url} is a path on this machine: other machines cannot clone it (move it with 'blue realm admin remote set <git-url>')`);
}

/** .blue/config.yaml belongs in the repo: commit it when asked (--commit), else print the command that does. */
async function offerCommit(root: string, realm: string, repo: string, commit: boolean): Promise<void> {
  const paths = await changedPaths(root, [CONFIG_PATH, ".gitignore"]);
  if (paths.length === 0) return;
  const message = `blue: join realm ${realm} as ${repo}`;
  const command = `git add ${paths.join(" ")} && git commit -m '${message}'`;
  if (!commit) {
    const them = paths.length > 1 ? `${paths.join(" and ")} belong in the repo: commit them` : `${paths[0]} belongs in the repo: commit it`;
    line(`${them}, and a teammate's clone needs no set-up beyond 'blue realm status':`);
    line(`  ${command}`);
    return;
  }
  try {
    const sha = await commitPaths(root, paths, message);
    ok(`Committed ${paths.join(" and ")} (${sha} ${message})`);
  } catch (e) {
    throw new GitError(`joined, but the commit in this repo failed: ${(e as Error).message}`, `Commit the files yourself: ${command}`);
  }
}

/** The per-repo cache is machine state, never committed. Returns whether .gitignore changed. */
function ensureCacheIgnored(root: string): boolean {
  const path = joinPath(root, ".gitignore");
  const text = existsSync(path) ? readFileSync(path, "utf8") : "";
  // The pattern must end in `*` to cover SQLite's -wal and -shm files beside cache.db (an older `.blue/cache.db`
  // line alone does not).
  if (text.split(/\r?\n/).some((l) => /^\/?\.blue\/cache\.db\*$/.test(l.trim()))) return false;
  const sep = text === "" || text.endsWith("\n") ? "" : "\n";
  writeFileAtomic(path, `${text}${sep}.blue/cache.db*\n`);
  return true;
}
