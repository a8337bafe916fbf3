import { defineCommand } from "../../../cli-args.ts";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { UsageError } from "../../../errors.ts";
import { cachePathForRealm, cachePathForRepo } from "../../../store/cache-paths.ts";
import { cacheStats, clearCache, type CacheStatsDoc } from "../../../store/cache-stats.ts";
import { json, line, ok, warnStderr } from "../../../ui/output.ts";
import { findRepoRoot, readMember } from "../../../realm/workspace.ts";

/** The cache of the repo around the working directory: a member repo's .blue/cache.db, or the realm repo's. */
function cachePathHere(): string {
  const root = findRepoRoot();
  if (root && existsSync(join(root, "realm.yaml"))) return cachePathForRealm(root);
  if (root && readMember(root)) return cachePathForRepo(root);
  throw new UsageError("not in a member repo or a realm repo", "Run it in a repo that has joined a realm, or in the realm repo itself.");
}

const clear = defineCommand({
  meta: { name: "clear", description: "Remove every cached result and reset the hit and miss counts", examples: ["blue realm admin cache clear"] },
  args: {},
  run() {
    const path = cachePathHere();
    clearCache(path, warnStderr);
    ok(`Cleared ${path}`);
  },
});

const stats = defineCommand({
  meta: { name: "stats", description: "Entries, hits, misses and hit rate of each cache table since the last clear", examples: ["blue realm admin cache stats", "blue realm admin cache stats --json"] },
  args: { json: { type: "boolean", description: "Print one JSON document" } },
  run({ args }) {
    const doc = cacheStats(cachePathHere(), warnStderr);
    if (args.json) return json(doc);
    render(doc);
  },
});

function render(doc: CacheStatsDoc): void {
  line(`Cache: ${doc.path}${doc.since ? ` (counting since ${doc.since})` : ""}`);
  const width = Math.max(...doc.tables.map((t) => t.table.length));
  for (const t of doc.tables) {
    const rate = t.hit_rate === null ? "no lookups yet" : `hit rate ${(t.hit_rate * 100).toFixed(1)}%`;
    line(`  ${t.table.padEnd(width)}  ${t.entries} entries, ${t.hits} hits, ${t.misses} misses, ${rate}`);
  }
}

export const cache = defineCommand({
  meta: { name: "cache", description: "Inspect or clear this repo's .blue/cache.db" },
  subCommands: { clear, stats },
});
