// The realm clone a member repo points at, cloned from its .blue/config.yaml on first use (a teammate's
// checkout names a realm this machine has not seen yet).
import { progress } from "../ui/output.ts";
import { realmLocation } from "../system/home.ts";
import type { Member } from "./member.ts";

export async function ensureRealmClone(member: Member): Promise<string> {
  const loc = realmLocation(member.config.realm.name);
  if (!loc.cloned) {
    await progress(`Cloning realm '${member.config.realm.name}' from ${member.config.realm.url}`);
    // Loaded only here: a warm `status` never needs the realm's git operations.
    const { cloneRealm } = await import("../git/realm-repo.ts");
    await cloneRealm(member.config.realm.url, loc.clone);
  }
  return loc.clone;
}
