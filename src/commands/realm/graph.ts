import { defineCommand } from "../../cli-args.ts";
import { BlueError, UsageError } from "../../errors.ts";
import { line, warnProblems, warnStderr } from "../../ui/output.ts";

export const graph = defineCommand({
  meta: {
    name: "graph",
    description: "Draw the realm: repos, contracts, exports and imports with their ranges, and the changes in flight",
    examples: [
      "blue realm graph                          # mermaid, to paste into a README or a PR",
      "blue realm graph --open                   # an SVG picture in the browser",
      "blue realm graph -o realm.svg             # the format from the file name (.svg .dot .mmd .json)",
      "blue realm graph --repo aperture          # aperture and its neighbours",
      "blue realm graph --domain s3-access --format dot   # for Graphviz: ... | dot -Tpng > s3.png",
      "blue realm graph --format json",
    ],
  },
  args: {
    format: { type: "string", description: "mermaid | dot | svg | json (default: mermaid; svg with --open or -o file.svg)", valueHint: "format" },
    output: { type: "string", alias: "o", description: "Write to this file instead of stdout", valueHint: "file" },
    open: { type: "boolean", description: "Draw an SVG and open it in the browser" },
    json: { type: "boolean", description: "Print the graph's JSON document (as --format json)" },
    domain: { type: "string", description: "Only this domain's contracts and members", valueHint: "domain" },
    repo: { type: "string", description: "Only this repo and its neighbours (its contracts and their importers, the contracts it imports and their owners)", valueHint: "repo" },
    contract: { type: "string", description: "Only this contract, its owner and importers (name, or domain/name)", valueHint: "contract" },
    realm: { type: "string", description: "Draw this realm (cloned on this machine) instead of the one this repo belongs to", valueHint: "name" },
  },
  async run({ args }) {
    if (args.json && args.format !== undefined && args.format !== "json") throw new UsageError(`--json and --format ${args.format} ask for two formats`, "Pass one of them.");
    const [{ chooseFormat, renderGraph }, { buildGraph }, { gatherGraphInput }, { resolveCheckTarget }] = await Promise.all([
      import("../../graph/render.ts"),
      import("../../graph/build.ts"),
      import("../../graph/gather.ts"),
      import("../../check/run.ts"),
    ]);
    const format = chooseFormat({ format: args.json ? "json" : args.format, output: args.output, open: args.open });
    const target = await resolveCheckTarget(args.realm);
    const input = await gatherGraphInput(target.realmDir, target.realm, { host: () => syncHost(target.realm, target.realmDir) });
    warnProblems(input.warnings);
    const filter = { ...(args.domain !== undefined ? { domain: args.domain } : {}), ...(args.repo !== undefined ? { repo: args.repo } : {}), ...(args.contract !== undefined ? { contract: args.contract } : {}) };
    const g = buildGraph(input, filter);
    const text = await renderGraph(g, format);
    // Mermaid's own defaults (maxEdges 500, maxTextSize 50,000): past them GitHub shows an error, not the picture.
    if (format === "mermaid" && (g.edges.length > 500 || text.length > 50_000)) {
      warnStderr(`${g.edges.length} edges, ${text.length} characters: more than mermaid draws by default (500 edges, 50,000 characters); narrow it with --domain, --repo or --contract, or draw it with --format svg`);
    }
    let file = args.output;
    if (file === undefined && args.open) {
      const [{ mkdtempSync }, { tmpdir }, { join }] = await Promise.all([import("node:fs"), import("node:os"), import("node:path")]);
      file = join(mkdtempSync(join(tmpdir(), "blue-graph-")), `${target.realm}.svg`);
    }
    if (file === undefined) return void process.stdout.write(text);
    const [{ writeFileAtomic }, { fileErrorText }] = await Promise.all([import("../../system/atomic-write.ts"), import("../../system/file-error.ts")]);
    try {
      writeFileAtomic(file, text);
    } catch (e) {
      throw new BlueError(`cannot write ${file}: ${fileErrorText(e)}`, "Name a file in a directory you can write, or leave out -o to print to stdout.");
    }
    if (args.open) (await import("../../system/open-file.ts")).openFile(file);
    line(`Wrote ${file}`);
  },
});

/** The realm's sync host, to name each open branch's PR; a forge this machine cannot reach (not pinned, no
 *  token) costs the PR numbers only, said in one line. */
async function syncHost(realm: string, clone: string) {
  try {
    return await (await import("../../sync/host-for.ts")).syncHostFor(realm, clone, "");
  } catch (e) {
    warnStderr(`sync PRs not named: ${(e as Error).message}`);
    return undefined;
  }
}
