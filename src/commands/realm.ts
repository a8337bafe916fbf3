import { defineCommand } from "citty";

export const realm = defineCommand({
  meta: { name: "realm", description: "Work with the realm this repo belongs to" },
  subCommands: {
    admin: () => import("./realm/admin.ts").then((m) => m.admin),
  },
});
