export {};
// The baseline: a bare Bun.serve on 127.0.0.1 answering with fixed bodies (the daemon's own responses,
// captured by bench/daemon.ts), so the comparison measures what the daemon adds.
// Usage: bun bench/bare-server.ts <bodies.json>   (prints its port on stdout)
const bodies = (await Bun.file(process.argv[2]!).json()) as Record<string, string>;
const server = Bun.serve({
  hostname: "127.0.0.1",
  port: 0,
  fetch(req) {
    const body = bodies[new URL(req.url).pathname];
    return body === undefined ? new Response("not found", { status: 404 }) : new Response(body, { headers: { "content-type": "application/json" } });
  },
});
console.log(server.port);
