import { defineCommand } from "../../../cli-args.ts";
import pkg from "../../../../package.json" with { type: "json" };
import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { writeFileAtomic } from "../../../system/atomic-write.ts";
import { BlueError, Refused, UsageError } from "../../../errors.ts";
import { changeRealm, cloneRealm, createBareRemote, probeRemote } from "../../../git/realm-repo.ts";
import { identityEmail } from "../../../git/identity.ts";
import { blueHome, defaultRemotePath } from "../../../system/home.ts";
import { newRealmFile } from "../../../realm/membership.ts";
import { isSafeName } from "../../../realm/names.ts";
import type { ForgeConfig } from "../../../realm/schema.ts";
import { writeRealmFile } from "../../../realm/write.ts";
import { ok } from "../../../ui/output.ts";
import { realmLocation } from "../../../realm/workspace.ts";

export const init = defineCommand({
  meta: {
    name: "init",
    description: "Create a new realm: a git repo that records repos, domains, contracts and bindings",
    examples: ["# A realm in a bare repo under $BLUE_HOME, for one machine (move it later with 'remote set'):", "blue realm admin init --name letemcook", "blue realm admin init --name letemcook --forgejo https://git.example.com/realms", "blue realm admin init --name letemcook --github acme --approvers alice@example.com,bob@example.com", "blue realm admin init --name letemcook --remote git@git.example.com:acme/letemcook.git"],
  },
  args: {
    name: { type: "string", description: "Name of the realm (a-z, 0-9, '.', '_', '-')", required: true, valueHint: "name" },
    remote: {
      type: "string",
      description: "An existing, empty git repo to hold the realm (ssh, https or file URL). Default: a bare repo in $BLUE_HOME/remotes/",
      valueHint: "git-url",
    },
    forgejo: {
      type: "string",
      description: "Create the realm repo on this Forgejo (or Gitea) through its API: its web URL, optionally with an owner (https://git.example.com/realms)",
      valueHint: "url",
    },
    github: { type: "string", description: "Create the realm repo on GitHub under this user or organisation", valueHint: "owner" },
    description: { type: "string", description: "One line saying what the realm coordinates", valueHint: "text" },
    approvers: {
      type: "string",
      description: "Comma-separated realm approvers: emails, or forge user names (no '@'), which forge protection can name (default: the e-mail git commits with: GIT_AUTHOR_EMAIL, else user.email)",
      valueHint: "a,b",
    },
    protect: {
      type: "boolean",
      default: true,
      description: "With --forgejo or --github: write the ownership workflow (and CODEOWNERS) and protect main, as 'blue realm admin protect' does",
      negativeDescription: "With --forgejo or --github: leave main open (no ownership workflow, CODEOWNERS or branch protection)",
    },
    "install-command": { type: "string", description: "With protection: shell lines for the workflow's \"Install blue\" step", valueHint: "cmd" },
  },
  async run({ args }) {
    const name = args.name;
    if (!isSafeName(name)) throw new UsageError(`'${name}' is not a valid realm name`, "Use a-z, 0-9, '.', '_' and '-', starting with a letter or digit.");
    const loc = realmLocation(name);
    if (existsSync(loc.clone)) {
      throw new Refused(`a realm named '${name}' already exists on this machine (${loc.clone})`, `Pick another --name, or join it with 'blue realm admin join ${name}'.`);
    }

    const chosen = [args.remote && "--remote", args.forgejo !== undefined && "--forgejo", args.github !== undefined && "--github"].filter(Boolean);
    if (chosen.length > 1) throw new UsageError(`${chosen.join(" and ")} cannot be combined`, "Give one place for the realm repo.");
    const install = args["install-command"];
    if (install !== undefined && (install.trim() === "" || chosen.length === 0 || chosen[0] === "--remote" || args.protect === false)) {
      throw new UsageError("--install-command goes with --forgejo or --github, and protection", "It sets the install step of the ownership workflow that protection writes.");
    }

    let url: string;
    let createdRemote: string | undefined;
    let forge: ForgeConfig | undefined;
    let onForge: { label: string; htmlUrl: string } | undefined;
    if (args.forgejo !== undefined || args.github !== undefined) {
      const { initTarget, createRealmRepo } = await import("../../../forge/create-realm-repo.ts");
      const target = initTarget({ name, forgejo: args.forgejo, github: args.github }, process.env);
      const created = await createRealmRepo(target, { description: args.description }, { env: process.env, blueHome: blueHome() });
      url = created.cloneUrl;
      forge = created.forge;
      onForge = { label: target.kind === "github" ? "GitHub" : "Forgejo", htmlUrl: created.htmlUrl };
    } else if (args.remote) {
      url = existsSync(args.remote) ? resolve(args.remote) : args.remote;
      const { empty } = await probeRemote(url);
      if (!empty) {
        throw new Refused(`${url} already has commits; a new realm needs an empty repo`, `To use the realm already there, run 'blue realm admin join ${name} --url ${url}' in a member repo.`);
      }
    } else {
      url = defaultRemotePath(name);
      if (existsSync(url)) {
        throw new Refused(`the realm name '${name}' is taken: ${url} exists`, `Pick another --name, or join it with 'blue realm admin join ${name}'.`);
      }
      await createBareRemote(url);
      createdRemote = url;
    }

    try {
      await cloneRealm(url, loc.clone);
      await changeRealm(loc.clone, {
        apply: async () => {
          // The approver by default is whoever git commits this as (GIT_AUTHOR_EMAIL over user.email).
          const approvers = args.approvers ? splitList(args.approvers) : [await identityEmail(loc.clone)].filter((e): e is string => !!e);
          const realm = newRealmFile(name, new Date(), approvers);
          const { name: n, version, created_at, ...rest } = realm;
          const description = args.description ? { description: args.description } : {};
          writeRealmFile(loc.clone, "realm.yaml", "realm", { name: n, version, ...description, created_at, ...(forge ? { forge } : {}), ...rest });
          writeFileAtomic(join(loc.clone, "README.md"), readme(name));
        },
        message: () => `blue: create realm ${name}`,
      });
    } catch (e) {
      // Leave nothing behind: not the clone, and not a default remote we made for it.
      rmSync(loc.clone, { recursive: true, force: true });
      if (createdRemote) rmSync(createdRemote, { recursive: true, force: true });
      if (onForge && e instanceof BlueError && !e.hint) {
        // The forge repo stays (blue does not delete repos); say how to use it.
        throw Object.assign(e, { hint: `The empty repo ${onForge.htmlUrl} was created; to use it, run 'blue realm admin init --name ${name} --remote ${url}'.` });
      }
      throw e;
    }

    // This machine created the realm on that forge: its host is where the realm's token may go (docs/security.md).
    if (forge) await (await import("../../../trust/forge-host.ts")).pinConfiguredForge(blueHome(), name, url, forge, process.env);
    ok(onForge ? `Created realm repo in ${onForge.label}: ${onForge.htmlUrl}` : createdRemote ? `Created realm repo: ${url}` : `Using realm repo: ${url}`);
    ok(`Cloned to ${loc.clone}/`);
    ok("Created realm.yaml");
    ok(`Pushed to ${url}`);

    if (forge && args.protect !== false) {
      const [{ protectRealm }, { renderProtect }] = await Promise.all([import("../../../protect/run.ts"), import("./protect.ts")]);
      try {
        const report = await protectRealm({ realm: name, clone: loc.clone, version: pkg.version, ...(install !== undefined ? { installCommand: install } : {}), dryRun: false, env: process.env, blueHome: blueHome() });
        renderProtect(report);
      } catch (e) {
        // The realm stands; only its protection is missing.
        if (e instanceof BlueError) {
          const then = `The realm '${name}' was created and pushed; protect it with 'blue realm admin protect --realm ${name}' once that is fixed.`;
          throw Object.assign(e, { hint: e.hint ? `${e.hint}\n${then}` : then });
        }
        throw e;
      }
    }
  },
});

export function splitList(s: string): string[] {
  return s
    .split(",")
    .map((x) => x.trim())
    .filter(Boolean);
}

function readme(name: string): string {
  return `# Realm: ${name}

This repository is a blue realm. It records which repos coordinate with which, and the contracts between them.

- \`realm.yaml\`: the realm's governance and trust settings
- \`repos/{repo}.yaml\`: one file per member repo
- \`domains/{domain}/domain.yaml\`: a relationship between repos
- \`domains/{domain}/contracts/{contract}.yaml\`: a versioned, JSON-Schema-typed value owned by one repo
- \`domains/{domain}/bindings/{repo}.yaml\`: which contracts a repo exports or imports

Change it with \`blue realm admin ...\` and \`blue realm sync\` rather than by hand; \`blue schema <kind>\` prints each file's JSON Schema.
`;
}
