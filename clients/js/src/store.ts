// Where the client keeps the id of the newest notification it delivered, so that a reconnect (or
// the next page load) asks the server for exactly the ones missed since.

/** A small key-value store; `localStorage` is one. */
export interface NotificationCursorStore {
  get(key: string): string | null;
  set(key: string, value: string | null): void;
}

/** Kept in memory only: for Node.js, tests, or an app that keeps the id itself. */
export function memoryStore(): NotificationCursorStore {
  const values = new Map<string, string>();
  return {
    get: (key) => values.get(key) ?? null,
    set: (key, value) => {
      if (value === null) values.delete(key);
      else values.set(key, value);
    },
  };
}

/** The part of the Web Storage API the store uses. */
export interface WebStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/**
 * Kept in Web Storage (localStorage by default), so a reloaded page recovers too. A storage that
 * refuses (quota, privacy mode) is ignored: the id then lives as long as the client does.
 */
export function webStorageStore(storage: WebStorage): NotificationCursorStore {
  const fallback = memoryStore();
  return {
    get(key) {
      try {
        return storage.getItem(key) ?? fallback.get(key);
      } catch {
        return fallback.get(key);
      }
    },
    set(key, value) {
      fallback.set(key, value);
      try {
        if (value === null) storage.removeItem(key);
        else storage.setItem(key, value);
      } catch {
        // The in-memory copy keeps the id for this client.
      }
    },
  };
}

/** localStorage where there is one (browsers), memory elsewhere (Node.js). */
export function defaultStore(): NotificationCursorStore {
  let storage: WebStorage | undefined;
  try {
    storage = (globalThis as { localStorage?: WebStorage }).localStorage;
  } catch {
    storage = undefined; // a browser that forbids storage access throws on the getter
  }
  return storage ? webStorageStore(storage) : memoryStore();
}
