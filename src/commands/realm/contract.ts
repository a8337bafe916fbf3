import { defineCommand } from "../../cli-args.ts";

export const contract = defineCommand({
  meta: { name: "contract", description: "Look at the realm's contracts, or edit one this repo owns" },
  subCommands: {
    show: () => import("./contract/show.ts").then((m) => m.show),
    edit: () => import("./contract/edit.ts").then((m) => m.edit),
  },
});
