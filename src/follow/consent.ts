// This machine's own opt-in to merging a coordinated change (`blue realm pr --auto-merge`). The record in the
// realm remote says a set is opted in, but anyone who can push to the realm can write that record; a daemon
// merges, with its user's git credentials or forge token, only repos at the origins its own user opted in to
// here. Other machines' daemons see the opt-in and leave the merges to the machines that gave it.
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { ensurePrivateDir, PRIVATE_FILE } from "../system/private.ts";
import type { FollowSet } from "./record.ts";

const ConsentFile = z.object({ sets: z.record(z.string(), z.object({ repos: z.record(z.string(), z.string()), at: z.string() })).default({}) });
type ConsentFile = z.infer<typeof ConsentFile>;

const pathOf = (home: string) => join(home, "follow", "auto-merge.json");
const keyOf = (realm: string, rfc: string) => `${realm}/${rfc}`;

function read(home: string): ConsentFile {
  try {
    return existsSync(pathOf(home)) ? ConsentFile.parse(JSON.parse(readFileSync(pathOf(home), "utf8"))) : { sets: {} };
  } catch {
    // A file that does not parse consents to nothing: merging is what it would have allowed.
    return { sets: {} };
  }
}

/** Record that this machine's user opted in to merging `set`'s repos at their current origins. */
export function consentToMerge(home: string, set: Pick<FollowSet, "realm" | "rfc" | "repos">, at: Date): void {
  const file = read(home);
  file.sets[keyOf(set.realm, set.rfc)] = { repos: Object.fromEntries(set.repos.filter((r) => r.remote_url).map((r) => [r.repo, r.remote_url!])), at: at.toISOString() };
  ensurePrivateDir(join(home, "follow"));
  writeFileAtomic(pathOf(home), `${JSON.stringify(file, null, 2)}\n`, PRIVATE_FILE);
}

/** Whether this machine may merge `repo` of `set`: its user opted in here to that repo at the origin the record names. */
export function mayMergeHere(home: string): (set: FollowSet, repo: string) => boolean {
  const file = read(home);
  return (set, repo) => {
    const url = set.repos.find((r) => r.repo === repo)?.remote_url;
    return url !== undefined && url !== null && file.sets[keyOf(set.realm, set.rfc)]?.repos[repo] === url;
  };
}
