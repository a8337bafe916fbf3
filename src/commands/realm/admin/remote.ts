import { publicUrl } from "../../../git/public-url.ts";
import { defineCommand } from "../../../cli-args.ts";
import { existsSync } from "node:fs";
import { join, resolve } from "node:path";
import { UsageError } from "../../../errors.ts";
import { configuredForge } from "../../../sync/host-for.ts";
import { changeRealm, moveRealmRemote, REALM_BRANCH, remoteUrl } from "../../../git/realm-repo.ts";
import { blueHome } from "../../../system/home.ts";
import type { ForgeConfig } from "../../../realm/schema.ts";
import { editYamlFile } from "../../../yaml/source.ts";
import { loadValidRealm } from "../../../realm/load.ts";
import { json, line, ok, warnProblems } from "../../../ui/output.ts";
import { CONFIG_PATH, findRepoRoot, readMember, realmLocation, resolveRealmName } from "../../../realm/workspace.ts";

const realmArg = { type: "string", description: "The realm (default: the realm of the repo you are in)", valueHint: "name" } as const;

const set = defineCommand({
  meta: {
    name: "set",
    description: "Move the realm to another git remote (an empty repo, or one it was already moved to from another machine)",
    examples: ["blue realm admin remote set git@git.example.com:acme/letemcook.git", "blue realm admin remote set --forgejo https://git.example.com/realms", "blue realm admin remote set --github acme"],
  },
  args: {
    url: { type: "positional", description: "The git URL (ssh, https or a path) of an empty repo, or of the realm's new home", required: false, valueHint: "git-url" },
    forgejo: {
      type: "string",
      description: "Create the new realm repo on this Forgejo (or Gitea) through its API: its web URL, optionally with an owner",
      valueHint: "url",
    },
    github: { type: "string", description: "Create the new realm repo on GitHub under this user or organisation", valueHint: "owner" },
    realm: realmArg,
  },
  async run({ args }) {
    const chosen = [args.url !== undefined && "a URL", args.forgejo !== undefined && "--forgejo", args.github !== undefined && "--github"].filter(Boolean);
    if (chosen.length !== 1) {
      throw new UsageError(chosen.length ? `${chosen.join(" and ")} cannot be combined` : "give the realm's new remote", "Give a git URL, or --forgejo URL, or --github OWNER.");
    }
    const { name, loc } = clonedRealm(args.realm);
    // A realm that does not load is not moved: realm.yaml may have to be edited on the way, and a broken realm
    // is fixed where it is (its problems, with file:line:col, exit 78).
    warnProblems(loadValidRealm(loc.clone, name).warnings);

    let url: string;
    let forge: ForgeConfig | undefined;
    if (args.forgejo !== undefined || args.github !== undefined) {
      const { initTarget, createRealmRepo } = await import("../../../forge/create-realm-repo.ts");
      const target = initTarget({ name, forgejo: args.forgejo, github: args.github }, process.env);
      const created = await createRealmRepo(target, {}, { env: process.env, blueHome: blueHome() });
      ok(`Created realm repo in ${target.kind === "github" ? "GitHub" : "Forgejo"}: ${created.htmlUrl}`);
      url = created.cloneUrl;
      forge = created.forge;
    } else {
      url = existsSync(args.url!) ? resolve(args.url!) : args.url!;
    }

    const moved = await moveRealmRemote(loc.clone, url);
    if (moved.previous === url) {
      ok(`Realm '${name}' already uses ${url}`);
    } else if (moved.adopted) {
      ok(`${url} already holds realm '${name}' (moved from another machine): following it`);
    } else {
      ok(`Pushed ${describeBranches(moved.pushed)} to ${url}`);
    }
    if (moved.previous !== url) ok(`The realm clone ${loc.clone} now uses ${url}${moved.previous ? ` (was ${moved.previous}, left as it is)` : ""}`);

    // realm.yaml names the forge when blue created the repo on one; a plain URL is recognised by its host, so a
    // `forge:` that named the old place goes.
    const before = configuredForge(loc.clone);
    if (before?.type !== forge?.type || before?.url !== forge?.url || before?.repo !== forge?.repo) {
      await changeRealm(loc.clone, {
        apply: () => editYamlFile(join(loc.clone, "realm.yaml"), (doc) => {
          if (forge) doc.set("forge", forge);
          else doc.delete("forge");
        }),
        message: () => `blue: realm moved to ${url}`,
      });
      ok(forge ? `Set realm.yaml forge: ${forge.type}, and pushed it` : "Removed realm.yaml's forge: (it named the old place), and pushed it");
    }
    if (forge) await (await import("../../../trust/forge-host.ts")).pinConfiguredForge(blueHome(), name, url, forge, process.env);

    const root = findRepoRoot();
    const member = root ? readMember(root) : undefined;
    // The config is committed, so teammates read it: never with the credentials a URL can carry.
    const shared = publicUrl(url);
    if (member && member.config.realm.name === name && member.config.realm.url !== shared) {
      editYamlFile(member.configPath, (doc) => doc.setIn(["realm", "url"], shared));
      ok(`Updated ${CONFIG_PATH}: realm.url (commit it, so teammates' checkouts find the realm there)`);
    }
    await reregister(name, url, loc.clone);
  },
});

const show = defineCommand({
  meta: { name: "show", description: "Where the realm's remote is, its forge, and what this repo's config names", examples: ["blue realm admin remote show", "blue realm admin remote show --json"] },
  args: { realm: realmArg, json: { type: "boolean", description: "Print one JSON document" } },
  async run({ args }) {
    const { name, loc } = clonedRealm(args.realm);
    const url = (await remoteUrl(loc.clone)) ?? null;
    const root = findRepoRoot();
    const member = root ? readMember(root) : undefined;
    const configUrl = member?.config.realm.name === name ? member.config.realm.url : null;
    const doc = { realm: name, url, forge: configuredForge(loc.clone) ?? null, clone: loc.clone, config_url: configUrl };
    if (args.json) return json(doc);
    line(`${name}: ${url ?? "(no remote)"}`);
    if (doc.forge) line(`  forge: ${doc.forge.type}${doc.forge.url ? ` ${doc.forge.url}` : ""}${doc.forge.repo ? ` (${doc.forge.repo})` : ""}`);
    line(`  clone: ${loc.clone}`);
    if (configUrl !== null && configUrl !== url) line(`  this repo's ${CONFIG_PATH} names ${configUrl}: run 'blue realm admin remote set ${url}' here to follow the move`);
  },
});

export const remote = defineCommand({
  meta: { name: "remote", description: "Show the realm's git remote, or move the realm to another one" },
  subCommands: { show: () => show, set: () => set },
});

/** The realm named by --realm (else this repo's), which must be cloned on this machine. */
function clonedRealm(flag: string | undefined): { name: string; loc: ReturnType<typeof realmLocation> } {
  const name = resolveRealmName(flag);
  const loc = realmLocation(name);
  if (!loc.cloned) throw new UsageError(`unknown realm '${name}': it is not cloned on this machine`, `Join it first: blue realm admin join ${name} --url <its current URL>`);
  return { name, loc };
}

function describeBranches(pushed: string[]): string {
  const syncs = pushed.filter((b) => b !== REALM_BRANCH).length;
  const main = pushed.includes(REALM_BRANCH) ? REALM_BRANCH : "";
  return [main, syncs ? `${syncs} sync branch${syncs > 1 ? "es" : ""}` : ""].filter(Boolean).join(" and ") || "nothing new";
}

/** A running daemon fetches the realm from where it is tracked: tell it the new URL. It is not started for this. */
async function reregister(name: string, url: string, clone: string): Promise<void> {
  try {
    const { body, ensureDaemon } = await import("../../../daemon/client.ts");
    const { client } = await ensureDaemon({ start: false });
    await body(await client.realms.$post({ json: { name, url, local_path: clone } }));
  } catch {
    // No daemon running. It fetches through the clone's origin, so it follows the move, and records the new URL
    // at its first fetch.
  }
}
