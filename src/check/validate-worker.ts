// A worker thread of validateAll (validate.ts): validates the share it is sent and posts back the verdicts.
import { fullJit } from "../system/jit.ts";
import { ajvOutcome, type ValidationItem } from "./validate.ts";

// A batch big enough for worker threads is work the JIT pays for (system/jit.ts).
fullJit();
declare const self: Worker;
self.onmessage = (e: MessageEvent<ValidationItem[]>) => {
  self.postMessage(e.data.map((i) => ajvOutcome(i.schema, i.value)));
};
