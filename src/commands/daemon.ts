import { defineCommand } from "../cli-args.ts";
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { writeFileAtomic } from "../system/atomic-write.ts";
import { body, ensureDaemon, health, readDaemonInfo, STOP_GRACE_MS, stopDaemon } from "../daemon/client.ts";
import { blueHome, daemonFiles } from "../system/home.ts";
import { json, line, ok } from "../ui/output.ts";

const start = defineCommand({
  meta: { name: "start", description: "Start the daemon in the background (commands that need it start it too)", examples: ["blue daemon start"] },
  async run() {
    const { info } = await ensureDaemon({ start: true });
    ok(`Daemon running on localhost:${info.port} (pid ${info.pid})`);
  },
});

const stop = defineCommand({
  meta: { name: "stop", description: "Stop the daemon: in-flight requests finish (up to 5 s, then it is killed), the database is closed", examples: ["blue daemon stop"] },
  async run() {
    const outcome = await stopDaemon();
    if (outcome === "killed") ok(`Daemon killed after ${STOP_GRACE_MS / 1000} s (it did not exit on SIGTERM)`);
    else ok(outcome === "stopped" ? "Daemon stopped" : "Daemon was not running");
  },
});

const status = defineCommand({
  meta: { name: "status", description: "Whether the daemon runs, where, and what it tracks", examples: ["blue daemon status", "blue daemon status --json"] },
  args: { json: { type: "boolean", description: "Print one JSON document" } },
  async run({ args }) {
    const files = daemonFiles();
    const info = readDaemonInfo();
    const h = info ? await health(info.port) : undefined;
    if (!info || !h || h.pid !== info.pid) {
      if (args.json) return json({ running: false, blue_home: blueHome(), runtime_dir: join(files.info, "..") });
      line("Daemon: not running (it starts with the first command that needs it, or 'blue daemon start')");
      return;
    }
    const { client } = await ensureDaemon({ start: false });
    const [realms, sessions] = await Promise.all([body(await client.realms.$get()), body(await client.sessions.$get({ query: {} }))]);
    const doc = {
      running: true,
      pid: info.pid,
      port: info.port,
      version: h.version,
      started_at: info.started_at,
      blue_home: blueHome(),
      database: files.db,
      log: files.log,
      realms: realms.realms.map((r) => r.name),
      sessions: { active: sessions.sessions.filter((s) => s.state === "active").length, idle: sessions.sessions.filter((s) => s.state === "idle").length },
    };
    if (args.json) return json(doc);
    line(`Daemon: running on localhost:${doc.port} (pid ${doc.pid}, version ${doc.version}, since ${doc.started_at})`);
    line(`Realms: ${doc.realms.join(", ") || "none"}`);
    line(`Sessions: ${doc.sessions.active} active, ${doc.sessions.idle} idle`);
    line(`Database: ${doc.database}`);
    line(`Log: ${doc.log}`);
  },
});

const logs = defineCommand({
  meta: { name: "logs", description: "Print the end of the daemon's log", examples: ["blue daemon logs", "blue daemon logs -n 200"] },
  args: { lines: { type: "string", alias: "n", description: "How many lines", default: "50", valueHint: "count" } },
  run({ args }) {
    const path = daemonFiles().log;
    if (!existsSync(path)) return line(`No log yet (${path})`);
    const n = Math.max(1, Number.parseInt(args.lines, 10) || 50);
    const all = readFileSync(path, "utf8").trimEnd().split("\n");
    for (const l of all.slice(-n)) line(l);
  },
});

function unit(kind: "systemd" | "launchd"): { path: string; text: string } {
  const exe = process.execPath;
  const env = Object.entries({ BLUE_HOME: process.env.BLUE_HOME, BLUE_DAEMON_PORT: process.env.BLUE_DAEMON_PORT }).filter(
    (e): e is [string, string] => e[1] !== undefined,
  );
  if (kind === "systemd") {
    return {
      path: join(homedir(), ".config/systemd/user/blue.service"),
      text: [
        "[Unit]",
        "Description=blue daemon: realm sessions and notifications",
        "",
        "[Service]",
        `ExecStart=${exe} __daemon`,
        ...env.map(([k, v]) => `Environment=${k}=${v}`),
        "Restart=on-failure",
        "",
        "[Install]",
        "WantedBy=default.target",
        "",
      ].join("\n"),
    };
  }
  const envXml = env.length
    ? `  <key>EnvironmentVariables</key>\n  <dict>\n${env.map(([k, v]) => `    <key>${k}</key><string>${v}</string>`).join("\n")}\n  </dict>\n`
    : "";
  return {
    path: join(homedir(), "Library/LaunchAgents/dev.blue.daemon.plist"),
    text: `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>Label</key><string>dev.blue.daemon</string>
  <key>ProgramArguments</key>
  <array><string>${exe}</string><string>__daemon</string></array>
${envXml}  <key>RunAtLoad</key><true/>
  <key>KeepAlive</key><true/>
</dict>
</plist>
`,
  };
}

const install = defineCommand({
  meta: {
    name: "install",
    description: "Run the daemon as a service: a systemd user unit (Linux) or a launchd agent (macOS)",
    examples: ["# See what would be written, then write and enable it:", "blue daemon install --print", "blue daemon install"],
  },
  args: { print: { type: "boolean", description: "Print the unit instead of writing it" } },
  run({ args }) {
    const kind = process.platform === "darwin" ? "launchd" : "systemd";
    const { path, text } = unit(kind);
    if (args.print) return void line(text.replace(/\n$/, ""));
    writeFileAtomic(path, text);
    ok(`Wrote ${path}`);
    line(kind === "systemd" ? "Enable it with: systemctl --user daemon-reload && systemctl --user enable --now blue" : `Load it with: launchctl load ${path}`);
  },
});

export const daemon = defineCommand({
  meta: { name: "daemon", description: "Control the per-machine daemon that tracks sessions and notifications" },
  subCommands: { start, stop, status, logs, install },
});
