// What a realm, repo, domain or contract name may be, as a plain test: schema.ts words the rule for users
// through zod, and the start-up path of a command (which must not load zod) asks this.
export const NAME_RE = /^[a-z0-9][a-z0-9._-]*$/;
export const NAME_MAX = 100;

/** Safe as a file name and in a git branch. */
export function isSafeName(s: unknown): s is string {
  return typeof s === "string" && s.length <= NAME_MAX && NAME_RE.test(s) && !s.includes("..");
}
