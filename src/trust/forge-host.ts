// Tokens are bound to hosts (DESIGN.md §7): a realm's forge token goes only to a host this machine pinned, never
// to one that realm.yaml's `forge:` names on its own. Pinned: the host of the realm's URL (the member repo's
// committed config, or the clone's origin, both set by this machine's user), hosts the environment names
// (BLUE_FORGEJO_URL, BLUE_FORGEJO_API_URL, BLUE_GITHUB_API_URL), and hosts recorded in trust.json when the realm
// was created or joined on a forge, or accepted with `blue realm trust --forge-host`.
import { HostNotPinned } from "../errors.ts";
import { detectForge, parseRemote, type ForgeTarget } from "../forge/forge.ts";
import type { ForgeConfig } from "../realm/schema.ts";
import { pinForgeHost } from "./store.ts";

type Env = Record<string, string | undefined>;

function hostOf(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(url).host.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/** host[:port] the forge API of `target` is reached at: where its token would be sent. */
export function tokenHost(target: ForgeTarget): string {
  return hostOf(target.apiUrl) ?? target.host.toLowerCase();
}

/** Every host a token for this realm may be sent to. */
export function pinnedHosts(realmUrl: string, env: Env, recorded: readonly string[]): Set<string> {
  const hosts = new Set<string>(recorded.map((h) => h.toLowerCase()));
  const remote = parseRemote(realmUrl);
  if (remote) {
    hosts.add(remote.host.toLowerCase());
    // An ssh or git:// remote names the machine; its API is served over https on the same name.
    hosts.add(remote.hostname.toLowerCase());
  }
  for (const v of [env.BLUE_FORGEJO_URL, env.BLUE_FORGEJO_API_URL, env.BLUE_GITHUB_API_URL]) {
    const h = hostOf(v);
    if (h) hosts.add(h);
  }
  if (hosts.has("github.com")) hosts.add("api.github.com");
  return hosts;
}

/** Throws HostNotPinned when `target`'s API host is not pinned for the realm: nothing is sent anywhere. */
export function requirePinnedHost(realm: string, target: ForgeTarget, realmUrl: string, env: Env, recorded: readonly string[]): void {
  const to = tokenHost(target);
  const hosts = pinnedHosts(realmUrl, env, recorded);
  if (hosts.has(to)) return;
  const known = hosts.size ? `only ${[...hosts].join(", ")}` : "no forge host";
  throw new HostNotPinned(
    `realm.yaml's forge: would send realm ${realm}'s token to ${to}, but this machine pinned ${known} for it: nothing was sent`,
    `If the realm's forge moved on purpose, accept it with 'blue realm trust --forge-host ${to}' (or move the realm with 'blue realm admin remote set'); otherwise ask who changed realm.yaml.`,
  );
}

/** Record the forge host a realm's own realm.yaml (or the forge just created) names, when this machine meets the
 *  realm on purpose: `init --forgejo/--github`, `remote set` to a forge, the `join` that first clones it. */
export async function pinConfiguredForge(home: string, realm: string, realmUrl: string, forge: ForgeConfig | undefined, env: Env): Promise<string | undefined> {
  if (!forge) return undefined;
  const target = detectForge(realmUrl, forge, env);
  if (target.kind === "none") return undefined;
  const host = tokenHost(target);
  await pinForgeHost(home, realm, host);
  return host;
}

/**
 * Why this machine will not contact a member repo's git origin that a realm's record names (undefined: it may).
 * Another team writes those records: a local path or file:// URL is read as it is; a remote one only at a host
 * pinned for the realm, so a pushed record cannot make the daemon probe or wait on hosts of its choosing.
 */
export function unpinnedGitOrigin(url: string, pins: ReadonlySet<string>): string | undefined {
  const remote = parseRemote(url);
  if (!remote) return undefined;
  if (pins.has(remote.host.toLowerCase()) || pins.has(remote.hostname.toLowerCase())) return undefined;
  return `${remote.hostname} is not a host this machine pinned for the realm (pin it with 'blue realm trust --forge-host ${remote.hostname}')`;
}
