// How blue reads a command line. Commands are citty command definitions, but the arguments are parsed here:
// citty's parser is node:util's parseArgs, and loading node:util costs every command ~1.6 ms of a ~5 ms start.
// What citty's parser does, this does too (types boolean, string, enum and positional; defaults; `--no-flag`;
// `--flag=value`; aliases; required arguments; the same messages), and what blue adds: an unknown flag, a
// flag without its value, or an extra argument is an error, not ignored. One difference: of `--flag` and
// `--no-flag`, the last given wins (as in git), where citty lets `--no-flag` win wherever it stands.
// citty itself is loaded for --help.
import type { ArgDef, ArgsDef, CommandDef, ParsedArgs } from "citty";
import { UnknownName, UsageError } from "./errors.ts";

declare module "citty" {
  interface CommandMeta {
    /** Command lines shown under EXAMPLES in `--help` (a line starting with '#' is a comment). */
    examples?: readonly string[];
  }
}

/** citty's defineCommand (the identity, for types), without loading citty. */
export function defineCommand<const T extends ArgsDef = ArgsDef>(def: CommandDef<T>): CommandDef<T> {
  return def;
}

// Most names are one lowercase word: no regex for those (a cold regex replace costs more than the parse).
const camel = (s: string) => (s.includes("-") ? s.replace(/-([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : s);
const kebab = (s: string) => (s.toLowerCase() === s ? s : s.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`));
const aliasesOf = (def: ArgDef): string[] => ("alias" in def && def.alias !== undefined ? [def.alias].flat() : []);

/**
 * The arguments after the command's name, as citty's `args`: each defined argument under its name (and its
 * camelCase and kebab-case spellings and aliases), positionals in `_`. `usage` is the command's name, for hints.
 */
export function parseCommandArgs(defs: ArgsDef, rest: readonly string[], usage: string): ParsedArgs {
  const hint = `Run '${usage} --help' for usage.`;
  const spellings = new Map<string, string>(); // every accepted spelling → the argument's name
  const out: Record<string, unknown> = { _: [] };
  const positionalDefs: [string, ArgDef][] = [];
  for (const [name, def] of Object.entries(defs)) {
    if (def.type === "positional") {
      positionalDefs.push([name, def]);
      continue;
    }
    for (const s of [name, camel(name), kebab(name), ...aliasesOf(def)]) spellings.set(s, name);
    if (def.default !== undefined) out[name] = def.default;
  }
  const typeOf = (name: string) => defs[name]!.type ?? "boolean";

  const positionals: string[] = [];
  let passed: string[] = []; // after `--`: positionals, whatever they look like (not counted as extra)
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--") {
      passed = rest.slice(i + 1);
      break;
    }
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const given = (eq === -1 ? arg : arg.slice(0, eq)).replace(/^--?/, "");
    const inline = eq === -1 ? undefined : arg.slice(eq + 1);
    let name = spellings.get(given);
    if (name === undefined && given.startsWith("no-")) {
      const negated = spellings.get(given.slice(3));
      if (negated !== undefined && typeOf(negated) === "boolean") {
        out[negated] = false;
        continue;
      }
    }
    if (name === undefined) throw unknownFlag(arg, defs, usage);
    const type = typeOf(name);
    if (type === "boolean") {
      out[name] = inline === undefined ? true : inline !== "false";
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = rest[i + 1];
      if (next === undefined || next.startsWith("-")) throw new UsageError(`flag needs a value: --${given}`, hint);
      value = next;
      i++;
    }
    out[name] = value;
  }
  if (positionals.length > positionalDefs.length) {
    throw new UsageError(`unexpected argument "${positionals[positionalDefs.length]}" for "${usage}"`, hint);
  }

  positionals.push(...passed);
  out._ = positionals;
  let next = 0;
  for (const [name, def] of Object.entries(defs)) {
    const value = out[name];
    if (def.type === "positional") {
      const given = positionals[next++];
      if (given !== undefined) out[name] = given;
      else if (def.default === undefined && def.required !== false) throw new UsageError(`Missing required positional argument: ${name.toUpperCase()}`, hint);
      else out[name] = def.default;
    } else if (def.type === "enum") {
      const options = def.options ?? [];
      if (value !== undefined && options.length > 0 && !options.includes(value as string)) {
        throw new UsageError(`Invalid value for argument: --${name} (${String(value)}). Expected one of: ${options.join(", ")}.`, hint);
      }
    } else if ("required" in def && def.required && value === undefined) {
      throw new UsageError(`Missing required argument: --${name}`, hint);
    }
  }
  // Every spelling reads the same value, as with citty.
  for (const [spelling, name] of spellings) if (spelling !== name && out[name] !== undefined) out[spelling] = out[name];
  return out as ParsedArgs;
}

/** An unknown flag, with the flags it might have meant (for "Did you mean …?"). */
export function unknownFlag(arg: string, defs: ArgsDef, usage: string): UnknownName {
  const given = arg.split("=")[0]!;
  const known = Object.entries(defs).flatMap(([name, def]) =>
    def.type === "positional" ? [] : [`--${kebab(name)}`, ...((def.type ?? "boolean") === "boolean" ? [`--no-${kebab(name)}`] : [])],
  );
  return new UnknownName(`unknown flag '${given}' for '${usage}'`, `Run '${usage} --help' for usage.`, given, [...known, "--help"]);
}
