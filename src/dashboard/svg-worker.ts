// A worker thread of the dashboard's picture (graph.ts): Graphviz lays out the DOT it is sent, off the daemon's
// own thread, so a big realm's layout never holds up the daemon's API.
import { renderSvg } from "../graph/svg.ts";
import { fullJit } from "../system/jit.ts";

fullJit();
declare const self: Worker;
self.onmessage = async (e: MessageEvent<string>) => {
  try {
    self.postMessage({ svg: await renderSvg(e.data) });
  } catch (err) {
    self.postMessage({ error: (err as Error).message.split("\n")[0] });
  }
};
