// What the open dashboard pages hear (server-sent events): the daemon publishes a change when it fetched a
// realm or a sync landed (a notification, an acknowledgement); every open stream gets it and its page reloads
// the part that shows it. Streams end when the daemon shuts down, so a graceful stop does not wait on them.

export type DashboardEvent = { kind: "fetched" | "sync" | "ack"; realm: string; at: string };

type Listener = { send: (e: DashboardEvent) => void; close: () => void };

export function createEventHub() {
  const listeners = new Set<Listener>();
  let generation = 0;
  return {
    /** Bumped by every change: what the pages read from the realm may be cached until it moves. */
    generation: () => generation,
    publish(e: DashboardEvent): void {
      generation++;
      for (const l of listeners) l.send(e);
    },
    subscribe(l: Listener): () => void {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    listeners: () => listeners.size,
    closeAll(): void {
      for (const l of listeners) l.close();
      listeners.clear();
    },
  };
}

export type EventHub = ReturnType<typeof createEventHub>;
