// The RFC's two repos with a change across both, ready for `blue realm pr`: each repo gets an origin whose fetch
// URL names the forge (that is how blue detects it) and whose push URL is a bare repo here, so pushes are real
// git; `blue realm worktree --rfc metrics-v2` made the branch, and each worktree has one commit on it.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { editRealmFile, type dailyDevelopment } from "./daily.ts";
import type { initialSetup } from "./sandbox.ts";

export function withChange(world: ReturnType<typeof initialSetup>, originUrl: (name: string, bare: string) => string): void {
  const { sb, aperture, fungal, steps } = world;
  for (const s of steps) if (s.code !== 0) throw new Error(s.stderr);
  for (const [name, dir] of [["aperture", aperture], ["fungal-image-analysis", fungal]] as const) {
    const bare = sb.path("origins", `${name}.git`);
    sb.git(sb.root, "init", "-q", "--bare", bare);
    sb.git(dir, "remote", "add", "origin", originUrl(name, bare));
    sb.git(dir, "remote", "set-url", "--push", "origin", `file://${bare}`);
  }
  const wt = sb.blue(aperture, "realm", "worktree", "--rfc", "metrics-v2");
  if (wt.code !== 0) throw new Error(wt.stderr);
  for (const dir of [aperture, fungal]) {
    const w = join(dir, ".worktrees", "feat-metrics-v2");
    writeFileSync(join(w, "change.txt"), "part of metrics v2\n");
    sb.git(w, "add", "change.txt");
    sb.git(w, "commit", "-qm", "metrics v2");
  }
}

/**
 * The daily-development realm moved onto a forge served at `apiUrl` (a mock): realm.yaml's `forge:` names it,
 * fungal's maintainers are `maintainers` (forge user names become reviewers), and this machine accepts that
 * forge's host on purpose (the realm's remote is a plain path). Returns trust's exit code.
 */
export function realmOnForge(world: ReturnType<typeof dailyDevelopment>, kind: "forgejo" | "github", apiUrl: string, maintainers: string[]): number {
  const { sb, clone } = world;
  editRealmFile(clone, "realm.yaml", (d) => d.set("forge", { type: kind, url: apiUrl, repo: "realms/letemcook" }));
  editRealmFile(clone, "repos/fungal-image-analysis.yaml", (d) => d.set("maintainers", maintainers));
  sb.git(clone, "commit", "-qam", `realm on ${kind}`);
  sb.git(clone, "push", "-q", "origin", "main");
  return sb.blue(world.aperture, "realm", "trust", "--forge-host", new URL(apiUrl).host).code;
}
