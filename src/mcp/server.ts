// `blue mcp`: an MCP server over stdio for AI coding agents working in a member repo. Its tools return the
// same documents as the matching `--json` commands. stdout carries only the protocol; notes go to stderr.
// The repo and realm come from .blue/config.yaml around the working directory, read on every call, so a
// server started before `blue realm admin join` works once the repo has joined.
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { z } from "zod";
import pkg from "../../package.json" with { type: "json" };
import { BlueError, ConfigError, formatProblem, UsageError } from "../errors.ts";
import { runCheck } from "../check/run.ts";
import { CheckReport, Finding } from "../check/findings.ts";
import { ContractView, memberContractView } from "../contract/view.ts";
import { StatusDoc } from "../realm/view.ts";
import { buildStatus } from "../status/report.ts";
import { ensureRealmClone } from "../realm/clone.ts";
import { findRepoRoot, readMember, type Member } from "../realm/workspace.ts";
import { holdSession, type HeldSession } from "./session.ts";

const HOOK_TIMEOUT_MS = 60_000;

export const CheckInput = z.object({
  mode: Finding.shape.mode.exclude(["ownership"]).describe("contract: contracts are valid; exporter: this repo's code matches what it exports; importer: imports are satisfied and current; compatibility: changes between versions"),
  contract: z.string().optional().describe("Only this contract"),
  from: z.string().optional().describe("compatibility: the older version (default: the one before `to`)"),
  to: z.string().optional().describe("compatibility: the newer version (default: the current one)"),
  transitive: z.boolean().optional().describe("compatibility: the current version against every earlier one"),
});
export const ContractInput = z.object({
  name: z.string().describe("The contract's name"),
  version: z.string().optional().describe("An earlier version, read from the realm's git history (default: the current one)"),
});

const log = (text: string) => process.stderr.write(`blue mcp: ${text}\n`);

/** The member repo around `cwd`; anything else is a tool error saying what to do. */
function memberAt(cwd: string): Member {
  const root = findRepoRoot(cwd);
  const member = root ? readMember(root) : undefined;
  if (!member) {
    const where = root ? `${root} has not joined a realm (no .blue/config.yaml)` : `${cwd} is not inside a git repository`;
    throw new UsageError(`${where}: start blue mcp with a member repo as its working directory, or run 'blue realm admin join <realm>' in this repo`);
  }
  return member;
}

function toolError(e: unknown): CallToolResult {
  let text: string;
  if (e instanceof BlueError) {
    text = e.hint ? `${e.message}. ${e.hint}` : e.message;
    if (e instanceof ConfigError) text += e.problems.map((p) => `\n${formatProblem(p)}`).join("");
  } else {
    text = `internal error: ${(e as Error)?.message ?? String(e)}`;
  }
  return { isError: true, content: [{ type: "text", text }] };
}

function result(doc: Record<string, unknown>): CallToolResult {
  return { structuredContent: doc, content: [{ type: "text", text: JSON.stringify(doc, null, 2) }] };
}

export function createServer(cwd: string, session: HeldSession): McpServer {
  const server = new McpServer({ name: "blue", version: pkg.version });
  /** Run a tool for the member repo; the session is refreshed and every failure becomes a tool error. */
  const tool = async (fn: (member: Member) => Promise<Record<string, unknown>>): Promise<CallToolResult> => {
    await session.ready;
    try {
      const member = memberAt(cwd);
      await session.touch(server.server.getClientVersion()?.name);
      return result(await fn(member));
    } catch (e) {
      return toolError(e);
    }
  };

  server.registerTool(
    "realm_status",
    {
      title: "Realm status",
      description: "This repo's realm: its domains and role in each, contract versions and import state, contract changes its code makes to what it exports (and who is affected), sessions in the realm and pending notifications. Same document as `blue realm status --json`.",
      outputSchema: StatusDoc,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    () => tool((member) => buildStatus(member, { startDaemon: true, session: session.current() })),
  );

  server.registerTool(
    "realm_check",
    {
      title: "Realm check",
      description: "Check this repo's contracts in one mode and return the findings (rule, severity, file, line, JSON pointer, message) and a summary. Same document as `blue realm check --mode <mode> --json`.",
      inputSchema: CheckInput,
      outputSchema: CheckReport,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) =>
      tool(async (member) => {
        const target = { realmDir: await ensureRealmClone(member), realm: member.config.realm.name, repoRoot: member.root, repo: member.config.repo, pins: member.config.trusted_commands };
        return runCheck(target, { modes: [input.mode], contract: input.contract, from: input.from, to: input.to, transitive: input.transitive, hookTimeoutMs: HOOK_TIMEOUT_MS, ci: Boolean(process.env.CI) });
      }),
  );

  server.registerTool(
    "contract_get",
    {
      title: "Get a contract",
      description: "One contract of the realm: owner, version, compatibility, JSON Schema, value, evolution, and the repos that export and import it. Optionally an earlier version. Same document as `blue realm contract show NAME --json`.",
      inputSchema: ContractInput,
      outputSchema: ContractView,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    (input) => tool((member) => memberContractView(member, input.name, input.version)),
  );
  return server;
}

/** Serve until the client disconnects (stdin ends) or a signal arrives; then end the daemon session. */
export async function serveMcp(cwd: string = process.cwd()): Promise<void> {
  let member: Member | undefined;
  try {
    member = memberAt(cwd);
  } catch (e) {
    log((e as Error).message);
  }
  const session = holdSession(member, log);
  const server = createServer(cwd, session);
  const closed = new Promise<void>((done) => {
    server.server.onclose = done;
  });
  const close = () => void server.close().catch(() => undefined);
  process.stdin.once("end", close);
  process.stdin.once("close", close);
  process.once("SIGTERM", close);
  process.once("SIGINT", close);
  await server.connect(new StdioServerTransport());
  await closed;
  await session.ready;
  await session.release();
}
