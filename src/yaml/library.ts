// The `yaml` package, loaded at its first use: its Document API, CST and stringifier cost ~2.5 ms to load in a
// compiled binary, and a command reads and writes most YAML without it (the fast path, Bun's YAML parser). The
// modules that edit or read YAML the exact way call this instead of importing the package (as check/validate.ts
// does with ajv).
import type * as Yaml from "yaml";

let loaded: typeof Yaml | undefined;

export function yamlLibrary(): typeof Yaml {
  return (loaded ??= require("yaml") as typeof Yaml);
}
