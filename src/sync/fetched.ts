// The realm clones this process has fetched already: the in-sync fast path (sync/in-sync.ts) fetches before it knows
// whether it can answer, and when it cannot, the full path (sync/run.ts) starts from that fetch instead of fetching
// again. What another machine pushed since is seen at the next fetch, and every push is leased to what was read.
const fetched = new Set<string>();

export function markFetched(clone: string): void {
  fetched.add(clone);
}

/** Whether `clone` was fetched in this process and not yet used; the answer is given once. */
export function takeFetched(clone: string): boolean {
  return fetched.delete(clone);
}

// The realm clones whose records of closed sync branches (refs/blue/closed/*) the fast path found to be exactly the
// realm remote's, in this process: sync/closed.ts need not fetch them again.
const closedListed = new Set<string>();

export function markClosedListed(clone: string): void {
  closedListed.add(clone);
}

/** Whether the clone's closed records were found current in this process and not yet used; the answer is given once. */
export function takeClosedListed(clone: string): boolean {
  return closedListed.delete(clone);
}
