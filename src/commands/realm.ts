import { defineCommand } from "../cli-args.ts";

export const realm = defineCommand({
  meta: { name: "realm", description: "Work with the realm this repo belongs to" },
  subCommands: {
    status: () => import("./realm/status.ts").then((m) => m.status),
    check: () => import("./realm/check.ts").then((m) => m.check),
    impact: () => import("./realm/impact.ts").then((m) => m.impact),
    graph: () => import("./realm/graph.ts").then((m) => m.graph),
    sync: () => import("./realm/sync.ts").then((m) => m.sync),
    approve: () => import("./realm/approve.ts").then((m) => m.approve),
    waive: () => import("./realm/waive.ts").then((m) => m.waive),
    contract: () => import("./realm/contract.ts").then((m) => m.contract),
    export: () => import("./realm/export.ts").then((m) => m.exportCommand),
    import: () => import("./realm/import.ts").then((m) => m.importCommand),
    worktree: () => import("./realm/worktree.ts").then((m) => m.worktree),
    pr: () => import("./realm/pr.ts").then((m) => m.pr),
    trust: () => import("./realm/trust.ts").then((m) => m.trust),
    notifications: () => import("./realm/notifications.ts").then((m) => m.notifications),
    ack: () => import("./realm/ack.ts").then((m) => m.ack),
    admin: () => import("./realm/admin.ts").then((m) => m.admin),
  },
});
