// Where an operation's step journal lives (store/operations.ts), without loading its schema: the in-sync fast path
// of `blue realm sync` (sync/in-sync.ts) only asks whether an earlier sync left one to finish.
import { join } from "node:path";
import { sha256 } from "./hash.ts";

export const operationsDir = (home: string) => join(home, "operations");
export const operationFile = (home: string, key: string) => join(operationsDir(home), `${sha256(key).slice(0, 32)}.json`);
