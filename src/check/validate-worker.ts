// A worker thread of validateAll (validate.ts): validates the share it is sent and posts back the verdicts.
import { ajvOutcome, type ValidationItem } from "./validate.ts";

declare const self: Worker;
self.onmessage = (e: MessageEvent<ValidationItem[]>) => {
  self.postMessage(e.data.map((i) => ajvOutcome(i.schema, i.value)));
};
