// Finding a forge token, first found wins (DESIGN.md §3): environment, `git credential fill`, the OS keychain,
// $BLUE_HOME/credentials.yaml. What is returned says where the token came from, so an error can name the
// source; the token itself is never printed, logged or stored by blue.
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";
import { ConfigError, ForgeError } from "../errors.ts";
import { runBounded } from "../system/subprocess.ts";
import type { ForgeKind, ForgeTarget } from "./forge.ts";

export const Credential = z.object({ token: z.string().min(1), source: z.string() });
export type Credential = z.infer<typeof Credential>;

/** $BLUE_HOME/credentials.yaml */
export const CredentialsFile = z.strictObject({
  hosts: z.record(z.string(), z.strictObject({ token: z.string().min(1) })).default({}),
});

type Env = Record<string, string | undefined>;

export type CredentialDeps = {
  env: Env;
  blueHome: string;
  /** The git executable (default: `git` on env.PATH). */
  git?: string;
  /** Where the keychain tools are looked for (default: process.platform). */
  platform?: NodeJS.Platform;
  timeoutMs?: number;
};

export function envVariables(kind: ForgeKind): string[] {
  if (kind === "github") return ["BLUE_REALM_TOKEN", "BLUE_GITHUB_TOKEN", "GITHUB_TOKEN"];
  return ["BLUE_REALM_TOKEN", "BLUE_FORGEJO_TOKEN"];
}

/** The hint line after a missing or rejected token. */
export function howToSetToken(kind: ForgeKind, host: string): string {
  const v = kind === "github" ? "BLUE_GITHUB_TOKEN" : "BLUE_FORGEJO_TOKEN";
  return `Set ${v} (or BLUE_REALM_TOKEN), store one for ${host} with 'git credential approve', or add hosts: {${host}: {token: …}} to $BLUE_HOME/credentials.yaml (mode 0600).`;
}

export async function resolveToken(target: ForgeTarget, deps: CredentialDeps): Promise<Credential> {
  const tried: string[] = [];
  for (const name of envVariables(target.kind)) {
    const v = deps.env[name]?.trim();
    if (v) return { token: v, source: name };
    tried.push(name);
  }

  const fromGit = await gitCredential(target, deps);
  if (fromGit) return { token: fromGit, source: "git credential fill" };
  tried.push("git credential fill");

  const keychain = await keychainToken(target.host, deps);
  if (keychain.token) return { token: keychain.token, source: keychain.source };
  tried.push(keychain.source);

  const file = join(deps.blueHome, "credentials.yaml");
  const fromFile = await fileToken(file, target.host);
  if (fromFile) return { token: fromFile, source: file };
  tried.push(existsSync(file) ? `${file} (no entry for ${target.host})` : `${file} (absent)`);

  throw new ForgeError(`no token for ${target.kind} at ${target.host}; tried ${tried.join(", ")}`, howToSetToken(target.kind, target.host));
}

function protocolOf(target: ForgeTarget): string {
  try {
    return new URL(target.webUrl || target.apiUrl).protocol.replace(/:$/, "");
  } catch {
    return "https";
  }
}

/** `git credential fill` for the forge host, as git itself would ask its helpers; never prompts. */
async function gitCredential(target: ForgeTarget, deps: CredentialDeps): Promise<string | undefined> {
  const git = deps.git ?? Bun.which("git", { PATH: deps.env.PATH ?? "" });
  if (!git) return undefined;
  const input = `protocol=${protocolOf(target)}\nhost=${target.host}\n\n`;
  // No terminal prompt and no askpass GUI: a missing credential is a miss, not a question to the user.
  const env = { ...deps.env, GIT_TERMINAL_PROMPT: "0", GIT_ASKPASS: "", SSH_ASKPASS: "" };
  const r = await runBounded([git, "-c", "core.askPass=", "credential", "fill"], { cwd: deps.blueHome && existsSync(deps.blueHome) ? deps.blueHome : "/", env, timeoutMs: deps.timeoutMs ?? 10_000, input });
  if (r.code !== 0) return undefined;
  const password = r.stdout.split("\n").find((l) => l.startsWith("password="))?.slice("password=".length);
  return password?.trim() || undefined;
}

async function keychainToken(host: string, deps: CredentialDeps): Promise<{ token?: string; source: string }> {
  const platform = deps.platform ?? process.platform;
  const [tool, args] =
    platform === "darwin" ? ["security", ["find-internet-password", "-s", host, "-w"]] : ["secret-tool", ["lookup", "service", "blue", "host", host]];
  const exe = Bun.which(tool as string, { PATH: deps.env.PATH ?? "" });
  if (!exe) return { source: `${tool} (not installed)` };
  const r = await runBounded([exe, ...(args as string[])], { cwd: "/", env: deps.env, timeoutMs: deps.timeoutMs ?? 10_000 });
  const token = r.code === 0 ? r.stdout.trim() : "";
  return token ? { token, source: `OS keychain (${tool})` } : { source: `OS keychain (${tool})` };
}

async function fileToken(file: string, host: string): Promise<string | undefined> {
  if (!existsSync(file)) return undefined;
  const mode = statSync(file).mode & 0o777;
  if (mode & 0o077) {
    throw new ConfigError(
      `${file} is readable by others (mode ${mode.toString(8).padStart(4, "0")}); blue does not read tokens from it`,
      `Run: chmod 600 ${file}`,
    );
  }
  const { parse } = await import("yaml");
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, "utf8"));
  } catch (e) {
    throw new ConfigError(`${file}: not valid YAML: ${(e as Error).message.split("\n")[0]}`, "Fix the file, or remove it to use the other credential sources (docs/security.md).");
  }
  const parsed = CredentialsFile.safeParse(doc ?? {});
  if (!parsed.success) {
    // The issue's path only, never its input: that could be a token.
    const issue = parsed.error.issues[0]!;
    throw new ConfigError(`${file}: ${issue.path.join(".")}: ${issue.message}`, "Expected: hosts: { <host>: { token: <token> } }");
  }
  return parsed.data.hosts[host]?.token;
}
