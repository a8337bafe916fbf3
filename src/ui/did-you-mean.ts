// "Did you mean …?" for a mistyped name: the candidate closest by edit distance (a swap of two neighbouring
// letters counts as one edit, so `stauts` is one edit from `status`), or the one the name begins. Loaded only
// when a name was not found.

/** The candidate `given` most likely meant, or undefined when none is close. Leading dashes are ignored. */
export function didYouMean(given: string, candidates: readonly string[]): string | undefined {
  const bare = (s: string) => s.replace(/^-+/, "").toLowerCase();
  const g = bare(given);
  if (!g) return undefined;
  // Short names are close to everything: allow one edit up to 4 letters, two beyond.
  const limit = g.length <= 4 ? 1 : 2;
  let best: { name: string; d: number } | undefined;
  for (const c of candidates) {
    const d = distance(g, bare(c));
    if (d <= limit && (!best || d < best.d)) best = { name: c, d };
  }
  if (best) return best.name;
  return g.length >= 3 ? candidates.find((c) => bare(c).startsWith(g)) : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps. */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 0; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2]![j - 2]! + 1);
      d[i]![j] = v;
    }
  }
  return d[a.length]![b.length]!;
}
