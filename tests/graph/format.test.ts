import { describe, expect, test } from "bun:test";
import { UsageError } from "../../src/errors.ts";
import { chooseFormat } from "../../src/graph/render.ts";

describe("which format blue realm graph draws", () => {
  test("mermaid by default, svg for --open, else what --format says", () => {
    expect(chooseFormat({})).toBe("mermaid");
    expect(chooseFormat({ open: true })).toBe("svg");
    expect(chooseFormat({ format: "dot" })).toBe("dot");
    expect(chooseFormat({ format: "json", output: "x.svg" })).toBe("json");
  });

  test("-o FILE: the format its extension names", () => {
    for (const [file, format] of [["realm.svg", "svg"], ["realm.SVG", "svg"], ["a.b/realm.dot", "dot"], ["realm.gv", "dot"], ["realm.mmd", "mermaid"], ["realm.json", "json"]] as const) {
      expect(chooseFormat({ output: file })).toBe(format);
    }
  });

  test("refuses an unknown format, a file name that names none, and --open of anything but svg", () => {
    expect(() => chooseFormat({ format: "png" })).toThrow(UsageError);
    expect(() => chooseFormat({ output: "realm.png" })).toThrow("cannot tell the format from the file name 'realm.png'");
    expect(() => chooseFormat({ output: "realm" })).toThrow(UsageError);
    expect(() => chooseFormat({ open: true, format: "mermaid" })).toThrow("--open shows an SVG picture, not mermaid");
  });
});
