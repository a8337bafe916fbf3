// Which picture `blue realm graph` draws and the drawing itself: mermaid by default (it pastes into a README or
// a PR), SVG for --open and for `-o file.svg`, otherwise what --format or the output file's extension says.
import { UsageError } from "../errors.ts";
import { toDot } from "./dot.ts";
import { toMermaid } from "./mermaid.ts";
import type { GraphModel } from "./model.ts";

export const FORMATS = ["mermaid", "dot", "svg", "json"] as const;
export type GraphFormat = (typeof FORMATS)[number];

const BY_EXTENSION: Record<string, GraphFormat> = { svg: "svg", dot: "dot", gv: "dot", mmd: "mermaid", mermaid: "mermaid", json: "json" };

export function chooseFormat(o: { format?: string; output?: string; open?: boolean }): GraphFormat {
  if (o.format !== undefined && !(FORMATS as readonly string[]).includes(o.format)) {
    throw new UsageError(`unknown format '${o.format}'`, `Use one of: ${FORMATS.join(", ")}.`);
  }
  const ext = o.output?.includes(".") ? o.output.slice(o.output.lastIndexOf(".") + 1).toLowerCase() : undefined;
  const format = (o.format as GraphFormat | undefined) ?? (o.output !== undefined ? BY_EXTENSION[ext ?? ""] : o.open ? "svg" : "mermaid");
  if (!format) throw new UsageError(`cannot tell the format from the file name '${o.output}'`, `Name it .svg, .dot, .mmd or .json, or pass --format ${FORMATS.join("|")}.`);
  if (o.open && format !== "svg") throw new UsageError(`--open shows an SVG picture, not ${format}`, "Drop --format, or pass --format svg.");
  return format;
}

export async function renderGraph(g: GraphModel, format: GraphFormat): Promise<string> {
  if (format === "json") return `${JSON.stringify(g, null, 2)}\n`;
  if (format === "mermaid") return toMermaid(g);
  const dot = toDot(g);
  if (format === "dot") return dot;
  const { renderSvg } = await import("./svg.ts");
  return renderSvg(dot);
}
