// `blue realm admin cache stats|clear`: what the cache holds and how often it was hit since the last clear.
import { z } from "zod";
import { CACHE_TABLES, SQL_TABLES, type CacheTable } from "./cache-db.ts";
import { openDb } from "./cache-open.ts";
import { reportsDirFor } from "./cache-paths.ts";
import { ReportStore } from "./report-cache.ts";

/** `blue realm admin cache stats --json` */
export const CacheStatsDoc = z.object({
  path: z.string(),
  since: z.string().nullable(),
  tables: z.array(
    z.object({
      table: z.enum(CACHE_TABLES),
      entries: z.number(),
      hits: z.number(),
      misses: z.number(),
      /** hits / (hits + misses), null before the first lookup. */
      hit_rate: z.number().nullable(),
    }),
  ),
});
export type CacheStatsDoc = z.infer<typeof CacheStatsDoc>;

/** Every entry and count removed; the counts start again from now. */
export function clearCache(path: string, warn: (m: string) => void, now = Date.now()): void {
  const db = openDb(path, warn);
  try {
    db.transaction(() => {
      for (const t of SQL_TABLES) db.exec(`DELETE FROM ${t}`);
      db.exec("DELETE FROM cache_stats");
      const mark = db.query("INSERT INTO cache_stats (table_name, hits, misses, since) VALUES ($table, 0, 0, $now)");
      for (const t of SQL_TABLES) mark.run({ table: t, now });
    }).immediate();
    db.exec("PRAGMA wal_checkpoint(TRUNCATE)");
    new ReportStore(reportsDirFor(path)).clear();
  } finally {
    db.close();
  }
}

export function cacheStats(path: string, warn: (m: string) => void): CacheStatsDoc {
  const db = openDb(path, warn);
  try {
    const stats = new Map((db.query("SELECT * FROM cache_stats").all() as { table_name: CacheTable; hits: number; misses: number; since: number }[]).map((r) => [r.table_name, r]));
    const since = [...stats.values()].reduce<number | undefined>((m, r) => (m === undefined ? r.since : Math.min(m, r.since)), undefined);
    return {
      path,
      since: since === undefined ? null : new Date(since).toISOString(),
      tables: CACHE_TABLES.map((table) => {
        const s =
          table === "report_cache"
            ? new ReportStore(reportsDirFor(path)).stats()
            : { ...(stats.get(table) ?? { hits: 0, misses: 0 }), entries: (db.query(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n };
        return { table, entries: s.entries, hits: s.hits, misses: s.misses, hit_rate: s.hits + s.misses ? s.hits / (s.hits + s.misses) : null };
      }),
    };
  } finally {
    db.close();
  }
}
