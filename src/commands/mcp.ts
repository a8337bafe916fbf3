import { defineCommand } from "../cli-args.ts";

export const mcp = defineCommand({
  meta: {
    name: "mcp",
    description: "Run an MCP server over stdio for AI coding agents (tools: realm_status, realm_check, contract_get)",
    examples: ["# Add it to Claude Code, in a member repo:", "claude mcp add blue -- blue mcp"],
  },
  async run() {
    // Loaded here only: the SDK is the largest module and no other command needs it.
    const { serveMcp } = await import("../mcp/server.ts");
    await serveMcp();
  },
});
