// How `blue realm status` words the realm's sessions: what tells them apart, and one line for sessions alike.
import { describe, expect, test } from "bun:test";
import { sessionLines } from "../../../src/commands/realm/status.ts";
import type { StatusDoc } from "../../../src/realm/view.ts";

type S = NonNullable<StatusDoc["sessions"]>[number];
const at = (h: number, m: number, day = 25) => new Date(Date.UTC(2026, 10, day, h, m)).toISOString();
const now = new Date(Date.UTC(2026, 10, 25, 11, 0));
const session = (over: Partial<S>): S => ({
  repo: "aperture",
  you: false,
  state: "active",
  active_rfc: null,
  repo_path: "/src/aperture",
  branch: "main",
  pid: 4242,
  client_id: "cli:4242",
  started_at: at(10, 2),
  last_activity: at(10, 50),
  ...over,
});

describe("session lines", () => {
  test("each says its branch, work tree, process and since when", () => {
    expect(
      sessionLines(
        [
          session({ you: true, repo_path: "/src/aperture/.worktrees/feat-x", branch: "feat/x" }),
          session({ pid: 5150, started_at: at(9, 14), active_rfc: "training-metrics-v2", branch: "feat/training-metrics-v2" }),
          session({ repo: "fungal-image-analysis", repo_path: "/src/fungal", pid: 77, state: "idle", started_at: at(16, 0, 24), last_activity: at(10, 40) }),
          session({ pid: 99, client_id: "mcp:claude-code", branch: null }),
        ],
        now,
      ),
    ).toEqual([
      "aperture (you) — feat/x in /src/aperture/.worktrees/feat-x, pid 4242, started 58 min ago",
      "aperture — feat/training-metrics-v2 in /src/aperture, pid 5150, started 1 h ago, working on training-metrics-v2",
      "fungal-image-analysis — main in /src/fungal, pid 77, started 19 h ago, idle, last active 20 min ago",
      "aperture — in /src/aperture, MCP server for claude-code, pid 99, started 58 min ago",
    ]);
  });

  test("nine shells in one checkout are one line that counts them, not nine alike", () => {
    const shells = Array.from({ length: 9 }, (_, i) => session({ pid: 100 + i, started_at: at(9, 10 + i) }));
    expect(sessionLines([session({ you: true, pid: 1 }), ...shells], now)).toEqual([
      "aperture (you) — main in /src/aperture, pid 1, started 58 min ago",
      "aperture — main in /src/aperture, 9 shells (pids 100, 101, 102, 103, 104, 105, 106, 107, 108), started 1 h ago",
    ]);
  });

  test("a path under HOME is shown from ~", () => {
    const home = process.env.HOME;
    process.env.HOME = "/home/me";
    try {
      expect(sessionLines([session({ repo_path: "/home/me/src/aperture" })], now)).toEqual(["aperture — main in ~/src/aperture, pid 4242, started 58 min ago"]);
    } finally {
      process.env.HOME = home;
    }
  });
});
