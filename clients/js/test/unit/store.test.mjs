import assert from "node:assert/strict";
import { test } from "node:test";
import { createRealtimeClient, defaultStore, memoryStore, webStorageStore } from "../../dist/index.js";

/** A Web Storage as browsers have it, that can be made to refuse writes (quota, privacy mode). */
function fakeStorage() {
  const items = new Map();
  return {
    refuse: false,
    getItem: (key) => items.get(key) ?? null,
    setItem(key, value) {
      if (this.refuse) throw new Error("QuotaExceededError");
      items.set(key, String(value));
    },
    removeItem: (key) => items.delete(key),
    items,
  };
}

test("the memory store keeps a value per key until it is cleared", () => {
  const store = memoryStore();
  assert.equal(store.get("a"), null);
  store.set("a", "n-1");
  store.set("b", "n-2");
  assert.equal(store.get("a"), "n-1");
  store.set("a", null);
  assert.equal(store.get("a"), null);
  assert.equal(store.get("b"), "n-2");
});

test("the web storage store writes through, and keeps the value in memory when storage refuses it", () => {
  const storage = fakeStorage();
  const store = webStorageStore(storage);
  store.set("k", "n-1");
  assert.equal(storage.items.get("k"), "n-1");
  storage.refuse = true;
  store.set("k", "n-2");
  assert.equal(storage.items.get("k"), "n-1");
  storage.items.delete("k");
  assert.equal(store.get("k"), "n-2");
  store.set("k", null);
  assert.equal(store.get("k"), null);
});

test("the default store is localStorage where there is one, memory in Node.js", () => {
  assert.equal(globalThis.localStorage, undefined);
  const inNode = defaultStore();
  inNode.set("k", "n-1");
  assert.equal(inNode.get("k"), "n-1");
  assert.equal(defaultStore().get("k"), null, "two memory stores share nothing");

  const storage = fakeStorage();
  globalThis.localStorage = storage;
  try {
    defaultStore().set("k", "n-9");
    assert.equal(storage.items.get("k"), "n-9");
  } finally {
    delete globalThis.localStorage;
  }
});

test("a client starts recovery from the id its store kept, per edge, workspace and user, and keeps the newest it is given", () => {
  const store = memoryStore();
  const options = { baseUrl: "http://127.0.0.1:3001/", workspaceId: "w1", userId: "alice", getToken: () => "t", notificationStore: store };
  const first = createRealtimeClient(options);
  assert.equal(first.lastNotificationId, null);
  first.lastNotificationId = "0000000000000042";

  assert.equal(createRealtimeClient(options).lastNotificationId, "0000000000000042", "a new page load resumes after it");
  assert.equal(createRealtimeClient({ ...options, userId: "bob" }).lastNotificationId, null);
  assert.equal(createRealtimeClient({ ...options, workspaceId: "w2" }).lastNotificationId, null);
  assert.equal(createRealtimeClient({ ...options, lastNotificationId: "0000000000000007" }).lastNotificationId, "0000000000000007", "an explicit id wins");
});
