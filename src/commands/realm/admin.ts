import { defineCommand } from "../../cli-args.ts";

export const admin = defineCommand({
  meta: { name: "admin", description: "Create a realm, join or leave it, manage its domains and repos' maintainers, move its remote, protect it on its forge, and this repo's cache" },
  subCommands: {
    init: () => import("./admin/init.ts").then((m) => m.init),
    join: () => import("./admin/join.ts").then((m) => m.join),
    domain: () => import("./admin/domain.ts").then((m) => m.domain),
    leave: () => import("./admin/leave.ts").then((m) => m.leave),
    maintainers: () => import("./admin/maintainers.ts").then((m) => m.maintainers),
    remote: () => import("./admin/remote.ts").then((m) => m.remote),
    protect: () => import("./admin/protect.ts").then((m) => m.protect),
    cache: () => import("./admin/cache.ts").then((m) => m.cache),
  },
});
