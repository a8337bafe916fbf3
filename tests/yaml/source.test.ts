// parseUntrusted: how a record or a file another machine wrote is read outside the realm loader.
import { describe, expect, test } from "bun:test";
import { parseUntrusted } from "../../src/yaml/source.ts";

describe("parseUntrusted: records and files read outside the realm loader", () => {
  test("gives the value of a good text, and nothing for one past blue's limits or one that does not parse", () => {
    expect(parseUntrusted("set.yaml", "rfc: x\nrepos: [a, b]\n")).toEqual({ rfc: "x", repos: ["a", "b"] });
    expect(parseUntrusted("set.yaml", `${"[".repeat(300)}${"]".repeat(300)}`)).toBeUndefined(); // nesting past 256
    expect(parseUntrusted("set.yaml", "a: 1\na: 2\n")).toBeUndefined(); // a repeated key
    expect(parseUntrusted("set.yaml", "a: [\n")).toBeUndefined();
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill(`*${String.fromCharCode(97 + i)}`).join(", ")}]`)].join("\n");
    expect(parseUntrusted("set.yaml", bomb)).toBeUndefined(); // an alias bomb
  });
});
