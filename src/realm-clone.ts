// The realm clone a member repo points at, cloned from its .blue/config.yaml on first use (a teammate's
// checkout names a realm this machine has not seen yet).
import { cloneRealm } from "./git/realm-repo.ts";
import { log } from "./ui/output.ts";
import { realmLocation, type Member } from "./workspace.ts";

export async function ensureRealmClone(member: Member): Promise<string> {
  const loc = realmLocation(member.config.realm.name);
  if (!loc.cloned) {
    log().start(`Cloning realm '${member.config.realm.name}' from ${member.config.realm.url}`);
    await cloneRealm(member.config.realm.url, loc.clone);
  }
  return loc.clone;
}
