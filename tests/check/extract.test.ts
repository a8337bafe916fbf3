// A provider's exported value read from its files: a hostile or broken file is one line naming it at line:col,
// never yaml's exception or a stack that runs out later.
import { describe, expect, test } from "bun:test";
import { chmodSync, mkdirSync, mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extractExport } from "../../src/check/extract.ts";
import { BlueError, ConfigError } from "../../src/errors.ts";
import { ExportBinding } from "../../src/realm/schema.ts";
import { YAML_LIMITS } from "../../src/yaml/limits.ts";

function repoWith(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "blue-extract-"));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(join(root, rel, ".."), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}
const fromFile = (file: string, pointer = "") => ExportBinding.parse({ contract: "c", extract: { file, pointer } });
// Every command is consented to here: what is tested is reading its output.
const OPTS = { gate: () => undefined };

async function failure(root: string, exp: ExportBinding): Promise<Error> {
  try {
    await extractExport(root, exp, OPTS);
  } catch (e) {
    return e as Error;
  }
  throw new Error("extract did not fail");
}

const BOMB = `permissions:\n  a: &a [x, x, x, x, x, x, x, x, x]\n${"bcdefghi".split("").map((n, i) => `  ${n}: &${n} [${Array(9).fill(`*${"abcdefghi"[i]}`).join(", ")}]\n`).join("")}`;

describe("extract from a file", () => {
  test("reads YAML and JSON as before", async () => {
    const root = repoWith({ "config/s3.yaml": "permissions:\n  read: [a]\n", "config/s3.json": '{"permissions": {"read": ["a"]}}' });
    expect((await extractExport(root, fromFile("config/s3.yaml", "/permissions"), OPTS))?.value).toEqual({ read: ["a"] });
    expect((await extractExport(root, fromFile("config/s3.json", "/permissions"), OPTS))?.value).toEqual({ read: ["a"] });
  });

  test("an alias bomb in a YAML file is a ConfigError at its line:col", async () => {
    const e = await failure(repoWith({ "config/s3.yaml": BOMB }), fromFile("config/s3.yaml", "/permissions"));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe("config/s3.yaml:6:10: permissions.e[0]: aliases expand the file by more than 10000 nodes here (an alias bomb?); blue's limit is 10000");
  });

  test("JSON nested past the limit is found before it is parsed", async () => {
    const e = await failure(repoWith({ "config/s3.json": `{"permissions":\n ${"[".repeat(5000)}${"]".repeat(5000)}}` }), fromFile("config/s3.json"));
    expect(e).toBeInstanceOf(ConfigError);
    expect(e.message).toBe("config/s3.json:2:257: nested more than 256 levels deep; blue's limit is 256");
  });

  test("a file larger than the limit is not read", async () => {
    const root = repoWith({ "config/big.json": "" });
    truncateSync(join(root, "config/big.json"), YAML_LIMITS.fileBytes + 1);
    const e = await failure(root, fromFile("config/big.json"));
    expect(e.message).toBe("config/big.json:1:1: the file is 128.0 MiB; blue's limit is 128 MiB");
  });

  test("a command that prints JSON nested past the limit is refused with one line", async () => {
    const root = repoWith({ "scripts/value.sh": `#!/bin/sh\nprintf '%s' '${"[".repeat(300)}${"]".repeat(300)}'\n` });
    chmodSync(join(root, "scripts/value.sh"), 0o755);
    const e = await failure(root, ExportBinding.parse({ contract: "c", extract: { command: "scripts/value.sh" } }));
    expect(e).toBeInstanceOf(BlueError);
    expect(e.message).toBe("extract command 'scripts/value.sh' for c printed JSON nested more than 256 levels deep; blue's limit is 256");
  });
});
