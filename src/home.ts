// Where blue keeps its state (DESIGN.md §2). Everything is derived from BLUE_HOME so tests never touch ~/.blue.
import { homedir } from "node:os";
import { join } from "node:path";

export function blueHome(): string {
  return process.env.BLUE_HOME || join(homedir(), ".blue");
}
/** The managed clone of a realm. */
export function realmClonePath(name: string): string {
  return join(blueHome(), "realms", name);
}
/** The embedded default remote: a bare repo, so a realm works on one machine with no server. */
export function defaultRemotePath(name: string): string {
  return join(blueHome(), "remotes", `${name}.git`);
}
