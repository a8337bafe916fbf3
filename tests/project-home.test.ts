// One canonical home for the project (issue 22), named the same everywhere: GitHub blue-realm/blue, its Forgejo
// mirror codeberg.org/blue-realm/blue. package.json holds it for the code (the --help footer, SARIF).
import { describe, expect, test } from "bun:test";
import { readdirSync, readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import pkg from "../package.json" with { type: "json" };
import { reportFromProblems } from "../src/check/findings.ts";
import { toSarif } from "../src/ui/check-report.ts";
import { renderHelp } from "../src/ui/help.ts";

const ROOT = resolve(import.meta.dir, "..");
const HOME = "https://github.com/blue-realm/blue";

function files(dir: string, keep: (f: string) => boolean): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = join(dir, e.name);
    return e.isDirectory() ? files(rel, keep) : keep(rel) ? [rel] : [];
  });
}

describe("the canonical home", () => {
  test("package.json: homepage, repository and bugs", () => {
    expect(pkg.homepage).toBe(HOME);
    expect(pkg.repository).toEqual({ type: "git", url: `git+${HOME}.git` });
    expect(pkg.bugs).toEqual({ url: `${HOME}/issues` });
  });

  test("every link to the project's repository, release or raw files names blue-realm/blue", () => {
    const named = [
      "README.md",
      "CHANGELOG.md",
      "install.sh",
      "package.json",
      ...files("docs", (f) => f.endsWith(".md")),
      ...files("src", (f) => f.endsWith(".ts")),
      ...files(".github", (f) => f.endsWith(".yml")),
      ...files(".forgejo", (f) => f.endsWith(".yml")),
    ];
    const links: string[] = [];
    for (const file of named) {
      const text = readFileSync(join(ROOT, file), "utf8");
      for (const m of text.matchAll(/(?:github\.com|codeberg\.org|raw\.githubusercontent\.com)\/([\w.-]+)\/blue\b/g)) links.push(`${relative(ROOT, join(ROOT, file))}: ${m[0]}`);
    }
    expect(links.length).toBeGreaterThan(5);
    expect(links.filter((l) => !/\/blue-realm\/blue$/.test(l))).toEqual([]);
  });

  test("the README's install line is the real one, and install.sh downloads from the real releases", () => {
    const readme = readFileSync(join(ROOT, "README.md"), "utf8");
    expect(readme).toContain("curl -fsSL https://raw.githubusercontent.com/blue-realm/blue/main/install.sh | sh");
    expect(readFileSync(join(ROOT, "install.sh"), "utf8")).toContain(`\nDEFAULT_DOWNLOAD_URL=${HOME}/releases/download\n`);
  });

  test("blue --help ends with where the manual is and where to report a bug, as gh's does", async () => {
    const text = await renderHelp({ meta: { description: "Coordinate" }, subCommands: {} }, ["blue"]);
    expect(text).toEndWith(
      [
        "LEARN MORE",
        "  Use 'blue <command> --help' for more information about a command.",
        "  Exit codes: 0 ok, 1 failed, 2 warnings only, 64 usage error, 69 unreachable, 78 bad configuration.",
        `  Read the manual at ${HOME}#readme`,
        "",
        "FEEDBACK",
        `  Report a bug or ask for a feature at ${HOME}/issues`,
      ].join("\n"),
    );
    // A subcommand's help stays as it was.
    expect(await renderHelp({ meta: { description: "Sub" } }, ["blue", "sub"])).not.toContain("FEEDBACK");
  });

  test("SARIF names the home as the tool's informationUri", () => {
    const sarif = toSarif(reportFromProblems("letemcook", null, "contract", [], "no realm")) as { runs: { tool: { driver: { informationUri: string } } }[] };
    expect(sarif.runs[0]!.tool.driver.informationUri).toBe(HOME);
  });
});
