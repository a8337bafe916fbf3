// What both ends of the daemon API agree on outside its Zod schemas, so the CLI can use it without loading zod.

/** Every answer names the daemon's version: a client that sees its own skips asking /health first. */
export const VERSION_HEADER = "x-blue-version";
