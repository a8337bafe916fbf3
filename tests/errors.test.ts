// Every error blue prints ends with a line saying what to do next: the one it was raised with, else the fallback
// for its kind (cli.ts prints `e.hint ?? fallbackHint(e, command)`).
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import { BlueError, ConfigError, DaemonUnavailable, fallbackHint, ForgeError, GitError, Refused, Unreachable, UsageError } from "../src/errors.ts";

const SRC = resolve(import.meta.dir, "..", "src");
const files = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : []));

/** The arguments of each `new SomeError(…)` in a source text, split at their top-level commas. */
function constructions(text: string): { at: number; args: number; text: string }[] {
  const out: { at: number; args: number; text: string }[] = [];
  for (const m of text.matchAll(/new (\w*(?:Error|Unreachable|Unavailable|Refused|Untrusted|HostNotPinned))\(/g)) {
    let depth = 1;
    let commas = 0;
    let quote: string | null = null;
    const braces: number[] = []; // depth at which each `${` opened, inside a template
    let i = m.index! + m[0].length;
    for (; i < text.length && depth > 0; i++) {
      const c = text[i]!;
      if (quote) {
        if (c === "\\") i++;
        else if (quote === "`" && c === "$" && text[i + 1] === "{") {
          braces.push(depth);
          depth++;
          quote = null;
          i++;
        } else if (c === quote) quote = null;
        continue;
      }
      if (c === '"' || c === "'" || c === "`") quote = c;
      else if (c === "}" && braces.at(-1) === depth - 1) {
        depth--;
        braces.pop();
        quote = "`";
      } else if ("([{".includes(c)) depth++;
      else if (")]}".includes(c)) depth--;
      else if (c === "," && depth === 1) commas++;
    }
    const inner = text.slice(m.index! + m[0].length, i - 1).trim();
    out.push({ at: m.index!, args: inner === "" ? 0 : commas + (inner.endsWith(",") ? 0 : 1), text: `${m[1]}(${inner.slice(0, 80)}` });
  }
  return out;
}

describe("hints", () => {
  test("each error blue raises is raised with its hint", () => {
    const missing: string[] = [];
    for (const file of files(SRC)) {
      const rel = relative(SRC, file);
      // An MCP tool error is read by an agent: its message already says what to do.
      if (rel === "mcp/server.ts" || rel === "errors.ts") continue;
      const text = readFileSync(file, "utf8");
      for (const c of constructions(text)) {
        if (!/^(Error|TypeError|RangeError)\(/.test(c.text) && c.args < 2) missing.push(`${rel}:${text.slice(0, c.at).split("\n").length}: ${c.text}`);
      }
    }
    expect(missing).toEqual([]);
  });

  test("an error raised without one gets the fallback for its kind", () => {
    expect(fallbackHint(new UsageError("bad"), "blue realm sync")).toBe("Run 'blue realm sync --help' for usage.");
    expect(fallbackHint(new ConfigError("bad"), "blue realm sync")).toBe("Fix the file it names, then run the command again.");
    expect(fallbackHint(new DaemonUnavailable("x"), "blue realm status")).toContain("blue daemon logs");
    expect(fallbackHint(new Unreachable("x"), "blue realm sync")).toContain("network");
    expect(fallbackHint(new GitError("x"), "blue realm sync")).toBe("Fix what git says, then run the command again.");
    expect(fallbackHint(new ForgeError("x"), "blue realm pr")).toContain("token");
    expect(fallbackHint(new Refused("x"), "blue realm pr")).toBe("See 'blue realm pr --help' for what the command needs.");
    expect(fallbackHint(new BlueError("x"), "blue")).toBe("See 'blue --help' for what the command needs.");
  });
});
