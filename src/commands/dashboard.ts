// `blue dashboard`: start (or reuse) the daemon, mint a one-time sign-in code with the bearer token, and open
// the dashboard's sign-in URL in the browser (`--no-open`, or no browser to open: print it).
import { defineCommand } from "../cli-args.ts";
import { body, ensureDaemon } from "../daemon/client.ts";
import { line, ok, warnStderr } from "../ui/output.ts";

export const dashboard = defineCommand({
  meta: {
    name: "dashboard",
    description: "Open the realm dashboard in the browser (starts the daemon if needed)",
    examples: ["blue dashboard", "blue dashboard --no-open"],
  },
  args: {
    open: { type: "boolean", default: true, description: "Open the dashboard in the browser", negativeDescription: "Print the sign-in URL instead of opening a browser" },
  },
  async run({ args }) {
    const { client, info } = await ensureDaemon({ start: true });
    const { code, expires_at } = await body(await client["dashboard-codes"].$post());
    const url = `http://127.0.0.1:${info.port}/dashboard/login?code=${encodeURIComponent(code)}`;
    if (args.open) {
      const { openUrl } = await import("../system/open-url.ts");
      if (await openUrl(url)) return ok(`Dashboard opened in your browser (http://127.0.0.1:${info.port}/dashboard)`);
      warnStderr("could not open a browser; open this URL yourself:");
    }
    line(url);
    warnStderr(`The code in it signs in once, until ${expires_at}.`);
  },
});
