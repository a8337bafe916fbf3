import { blueHome } from "../../../system/home.ts";
import { landedLine, proposalFor } from "../../../sync/propose.ts";
import { defineCommand } from "../../../cli-args.ts";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { basename, join as joinPath, resolve } from "node:path";
import { writeFileAtomic } from "../../../system/atomic-write.ts";
import { ConfigError, Refused, UsageError } from "../../../errors.ts";
import { changeRealm, cloneRealm, remoteUrl, userEmail } from "../../../git/realm-repo.ts";
import { loadValidRealm } from "../../../realm/load.ts";
import { planJoin } from "../../../realm/membership.ts";
import { isSafeName } from "../../../realm/names.ts";
import { writeRealmFile } from "../../../realm/write.ts";
import { writeYamlFile } from "../../../yaml/source.ts";
import { ok, warnProblems } from "../../../ui/output.ts";
import { CONFIG_PATH, readMember, realmLocation, requireRepoRoot } from "../../../realm/workspace.ts";
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
    maintainers: { type: "string", description: "Comma-separated maintainers: emails, or forge user names (no '@'), which reviews and CODEOWNERS can name (default: your git user.email)", valueHint: "a,b" },
  },
  async run({ args }) {
    const root = requireRepoRoot();
    const realmName = args.realm;
    if (!isSafeName(realmName)) throw new UsageError(`'${realmName}' is not a valid realm name`, "Use a-z, 0-9, '.', '_' and '-', starting with a letter or digit.");
    const loc = realmLocation(realmName);
    const already = readMember(root);
    // A config whose repo the realm no longer lists (removed with `leave --repo` from elsewhere) is stale.
    const stale = already && already.config.realm.name === realmName && loc.cloned && !existsSync(joinPath(loc.clone, "repos", `${already.config.repo}.yaml`));
    if (already && !stale) {
      throw new Refused(
        `this repo has already joined realm '${already.config.realm.name}' as '${already.config.repo}'`,
        "Run 'blue realm admin leave' first to join again.",
      );
    }
    const repo = args.repo ?? basename(root);
    if (!isSafeName(repo)) {
      throw new UsageError(`'${repo}' is not a valid repo name`, "Pass --repo <name> using a-z, 0-9, '.', '_' and '-'.");
    }

    let clonedNow = false;
    if (!loc.cloned) {
      const url = args.url ? (existsSync(args.url) ? resolve(args.url) : args.url) : loc.defaultRemote;
      if (!url) {
        throw new UsageError(`unknown realm '${realmName}': it is not cloned on this machine`, `Pass --url <git-url> to clone it, or check the name (ls ${resolve(loc.clone, "..")}).`);
      }
      await cloneRealm(url, loc.clone);
      clonedNow = true;
    } else if (args.url) {
      const current = await remoteUrl(loc.clone);
      const wanted = existsSync(args.url) ? resolve(args.url) : args.url;
      if (current !== wanted) throw new Refused(`realm '${realmName}' is already cloned from ${current}, not ${wanted}`, `Drop --url to use the existing clone; if the realm has moved to ${wanted}, run 'blue realm admin remote set ${wanted}' first.`);
    }

    try {
      const url = (await remoteUrl(loc.clone)) ?? loc.clone;
      const realmYaml = joinPath(loc.clone, "realm.yaml");
      if (!existsSync(realmYaml)) {
        throw new ConfigError(`${url} is not a blue realm (it has no realm.yaml)`, `Create one with 'blue realm admin init --name ${realmName} --remote ${url}'.`);
      }
      const ownUrl = await remoteUrl(root);
      const maintainers = args.maintainers ? splitList(args.maintainers) : [await userEmail(root)].filter((e): e is string => !!e);
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

      writeYamlFile(joinPath(root, CONFIG_PATH), { realm: { name: realmName, url }, repo }, "blue: this repo's realm membership. The realm repo holds everything else.");
      const ignored = ensureCacheIgnored(root);

      ok(`Created ${plan.file} in realm`);
      for (const p of plan.participation) {
        for (const c of p.contracts) ok(`Detected ${p.role === "provider" ? "export" : "import"}: ${c} in domain ${p.domain}`);
        if (p.role === "member") ok(`Member of domain ${p.domain}`);
      }
      ok(`Created ${CONFIG_PATH} locally`);
      if (ignored) ok("Added .blue/cache.db to .gitignore");
      ok(landedLine(proposal, url));
      // The join that first brings the realm to this machine is the user meeting it on purpose: the forge its
      // realm.yaml names now is pinned (trust on first use). A later change of forge: is not followed.
      if (clonedNow) {
        const [{ pinConfiguredForge }, { configuredForge }] = await Promise.all([import("../../../trust/forge-host.ts"), import("../../../sync/host-for.ts")]);
        const host = await pinConfiguredForge(blueHome(), realmName, url, configuredForge(loc.clone), process.env);
        if (host) ok(`Pinned forge host ${host} for realm ${realmName} on this machine`);
      }
    } catch (e) {
      if (clonedNow) rmSync(loc.clone, { recursive: true, force: true });
      throw e;
    }
  },
});

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
