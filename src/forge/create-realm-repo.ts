// `blue realm admin init --forgejo URL | --github OWNER`: where the new realm repo goes, and creating it
// through the forge's API with a token from the credential chain.
import { UsageError } from "../errors.ts";
import type { ForgeConfig } from "../realm/schema.ts";
import { resolveToken } from "./credentials.ts";
import { createForge } from "./client.ts";
import { ownerRepo, type ForgeTarget } from "./forge.ts";
import type { HttpOptions } from "./http.ts";

type Env = Record<string, string | undefined>;

/** `--forgejo https://host[/owner]` (API at URL/api/v1, or BLUE_FORGEJO_API_URL) or `--github OWNER`. */
export function initTarget(o: { name: string; forgejo?: string; github?: string }, env: Env): ForgeTarget {
  if (o.forgejo !== undefined) {
    let u: URL;
    try {
      u = new URL(o.forgejo);
    } catch {
      throw new UsageError(`--forgejo needs the Forgejo web URL, like https://git.example.com; got '${o.forgejo}'`, "For example: --forgejo https://git.example.com/realms");
    }
    const parts = u.pathname.split("/").filter(Boolean);
    if (!/^https?:$/.test(u.protocol) || parts.length > 1 || u.search || u.hash) {
      throw new UsageError(`--forgejo needs the Forgejo web URL, optionally with an owner: https://git.example.com[/owner]; got '${o.forgejo}'`, "For example: --forgejo https://git.example.com/realms");
    }
    const apiUrl = (env.BLUE_FORGEJO_API_URL ?? `${u.origin}/api/v1`).replace(/\/+$/, "");
    return { kind: "forgejo", apiUrl, webUrl: u.origin, host: u.host, owner: parts[0] ?? "", repo: o.name };
  }
  if (o.github !== undefined) {
    if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$/.test(o.github)) throw new UsageError(`--github needs a GitHub user or organisation name; got '${o.github}'`, "For example: --github acme");
    const apiUrl = (env.BLUE_GITHUB_API_URL ?? "https://api.github.com").replace(/\/+$/, "");
    return { kind: "github", apiUrl, webUrl: "https://github.com", host: "github.com", owner: o.github, repo: o.name };
  }
  throw new UsageError("initTarget needs --forgejo or --github", "Pass --forgejo URL or --github OWNER.");
}

export type CreatedRealmRepo = { cloneUrl: string; htmlUrl: string; forge: ForgeConfig; tokenSource: string };

/** Create the (private, empty) realm repo; the returned `forge` goes into realm.yaml. */
export async function createRealmRepo(
  target: ForgeTarget,
  o: { description?: string },
  deps: { env: Env; blueHome: string; http?: HttpOptions },
): Promise<CreatedRealmRepo> {
  const credential = await resolveToken(target, { env: deps.env, blueHome: deps.blueHome });
  const forge = createForge(target, credential, deps.http);
  const repo = await forge.createRepo({ name: target.repo, ...(target.owner ? { owner: target.owner } : {}), private: true, ...(o.description ? { description: o.description } : {}) });
  // Without --forgejo's owner the repo lands under the token's user: read who that is from the repo's web URL.
  const owner = target.owner || ownerOf(repo.htmlUrl);
  return {
    ...repo,
    forge: { type: target.kind as "forgejo" | "github", url: target.apiUrl, ...(owner ? { repo: `${owner}/${target.repo}` } : {}) },
    tokenSource: credential.source,
  };
}

function ownerOf(htmlUrl: string): string {
  try {
    return ownerRepo(new URL(htmlUrl).pathname).owner;
  } catch {
    return "";
  }
}
