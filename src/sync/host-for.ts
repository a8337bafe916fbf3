// Which SyncHost a realm uses: the forge in realm.yaml's `forge:` or detected from the realm URL (Forgejo,
// GitHub), with a token from the credential chain; anything else is plain git.
import { join } from "node:path";
import { parseData, readText } from "../yaml/source.ts";
import { remoteUrl } from "../git/realm-repo.ts";
import { blueHome } from "../system/home.ts";
import { ForgeConfig } from "../realm/schema.ts";
import { plainGitHost, type SyncHost } from "./host.ts";

/** realm.yaml's `forge:`, if it has a valid one. */
export function configuredForge(clone: string): ForgeConfig | undefined {
  try {
    const read = readText(join(clone, "realm.yaml"), "realm.yaml");
    const raw = "text" in read ? (parseData("realm.yaml", read.text) as { forge?: unknown } | null)?.forge : undefined;
    return raw === undefined ? undefined : ForgeConfig.parse(raw);
  } catch {
    // realm.yaml's problems are reported by the loader with file:line:col; here it just means "no forge".
    return undefined;
  }
}

/** The sync host of realm `realm` whose clone is `clone` and URL `url` (default: the clone's origin). A forge
 *  named by realm.yaml is used only at a host this machine pinned (trust/forge-host.ts): no token goes elsewhere. */
export async function syncHostFor(realm: string, clone: string, url: string): Promise<SyncHost> {
  const configured = configuredForge(clone);
  const { detectForge } = await import("../forge/forge.ts");
  const realmUrl = url || (await remoteUrl(clone)) || "";
  const target = detectForge(realmUrl, configured, process.env);
  if (target.kind === "none") return plainGitHost(clone);
  const [{ requirePinnedHost }, { realmTrust }] = await Promise.all([import("../trust/forge-host.ts"), import("../trust/store.ts")]);
  requirePinnedHost(realm, target, realmUrl, process.env, realmTrust(blueHome(), realm).forge_hosts);
  const [{ resolveToken }, { createForge }, { forgeSyncHost }] = await Promise.all([
    import("../forge/credentials.ts"),
    import("../forge/client.ts"),
    import("./forge-host.ts"),
  ]);
  const credential = await resolveToken(target, { env: process.env, blueHome: blueHome() });
  return forgeSyncHost(createForge(target, credential), clone);
}
