// Connection-state recovery against a running edge: a /realtime client cut off while a backend
// broadcasts to its workspace comes back with the last recoveryPosition it received and gets every
// broadcast once, in order, told `recovered: true`; a position the edge cannot resume from is
// surfaced as `recovered: false`.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { api, client, newWorkspace, next, record, token } from "./edge.mjs";

const EVENT = "test:recovery";
const clients = [];
after(() => Promise.all(clients.map((c) => c.stop())));

/**
 * A client whose token factory can be held: a reconnect asks for a token first, so while it is
 * held the client stays away, however soon it retries.
 */
function holdable(userId, workspaceId, options = {}) {
  let held = null;
  const c = client(userId, workspaceId, {
    reconnectDelay: () => 100,
    getToken: async () => {
      if (held) await held.promise;
      return token(userId, workspaceId);
    },
    ...options,
  });
  clients.push(c);
  return {
    client: c,
    hold() {
      let release;
      held = { promise: new Promise((resolve) => (release = resolve)) };
      held.release = release;
    },
    release() {
      const h = held;
      held = null;
      h?.release();
    },
  };
}

/** The first received `event` matching, among those `seen` already or coming. */
function received(c, event, seen, matches, timeoutMs) {
  const found = seen.find(matches);
  return found ? Promise.resolve(found) : next(c, event, matches, timeoutMs);
}

const broadcast = (workspaceId, seq) => api("POST", `/realtime/broadcast/workspace/${workspaceId}`, workspaceId, { event: EVENT, data: { seq } });
const seqs = (seen) => seen.map((p) => p.seq);

/** Cuts the client off with `cut`, broadcasts 2..5 while it is away, lets it back; then 6 live. */
async function missBroadcastsWhileAway(workspaceId, user, cut) {
  const { client: c, hold, release } = holdable(user, workspaceId);
  const seen = record(c, EVENT);
  const connects = record(c, "connected");
  const recoveries = record(c, "recovery");
  await c.start(["realtime"]);
  await broadcast(workspaceId, 1);
  const first = await received(c, EVENT, seen, (p) => p.seq === 1);
  assert.equal(typeof first.recoveryPosition, "string", "a workspace broadcast carries its position");
  assert.equal(c.recoveryPosition("realtime"), first.recoveryPosition);
  assert.deepEqual(recoveries, [], "a first connect without a position says nothing");

  const connection = await c.connection("realtime");
  const away = next(c, "reconnecting", (_, context) => context.hub === "realtime");
  const recovery = next(c, "recovery", (r) => r.hub === "realtime", 30_000);
  hold();
  await cut(c, connection);
  await away;
  for (let seq = 2; seq <= 5; seq++) await broadcast(workspaceId, seq);
  // The next connection opens with the last position received, exactly as received.
  assert.equal(new URL(connection.baseUrl).searchParams.get("recover"), first.recoveryPosition);
  release();

  assert.deepEqual(await recovery, { hub: "realtime", recovered: true });
  await received(c, EVENT, seen, (p) => p.seq === 5, 30_000);
  await broadcast(workspaceId, 6);
  await received(c, EVENT, seen, (p) => p.seq === 6);
  assert.deepEqual(seqs(seen), [1, 2, 3, 4, 5, 6], "every broadcast once, in order: the missed ones, then live");
  assert.deepEqual(connects.map((e) => e.recovered), [false, true]);
  assert.deepEqual(recoveries, [{ hub: "realtime", recovered: true }]);
  assert.equal(c.recoveryPosition("realtime"), seen.at(-1).recoveryPosition, "the position follows the replayed and live events");
}

test("recovery after its socket breaks: SignalR's reconnect passes the last position, the missed broadcasts come once, in order, then live ones", async () => {
  await missBroadcastsWhileAway(newWorkspace(), "frank", (_, connection) => {
    // The WebSocket dies without a close handshake, as when the network goes away.
    connection.connection.transport._webSocket.terminate();
  });
});

test("recovery after the server closes the connection: the client's own reconnect passes the last position too", async () => {
  const workspaceId = newWorkspace();
  await missBroadcastsWhileAway(workspaceId, "gina", async () => {
    // The server closes it without leave to reconnect (as after a draining edge's `reconnect`).
    await api("DELETE", `/realtime/connections/user/gina?workspaceId=${workspaceId}&reason=test`, workspaceId);
  });
});

test("recovery refused: a position of another workspace, or a malformed one, gives recovered false, and the app is told to reload", async () => {
  const [w1, w2] = [newWorkspace(), newWorkspace()];
  const { client: source } = holdable("hana", w1);
  const sourceSeen = record(source, EVENT);
  await source.start(["realtime"]);
  await broadcast(w1, 1);
  const { recoveryPosition } = await received(source, EVENT, sourceSeen, (p) => p.seq === 1);

  for (const [workspaceId, position] of [[w2, recoveryPosition], [w1, "not-a-position"]]) {
    const { client: c } = holdable("hana", workspaceId, { recoveryPositions: { realtime: position } });
    const seen = record(c, EVENT);
    assert.equal(c.recoveryPosition("realtime"), position);
    const connected = next(c, "connected", (e) => e.hub === "realtime");
    const recovery = next(c, "recovery", (r) => r.hub === "realtime");
    await c.start(["realtime"]);
    assert.equal((await connected).recovered, false, position);
    assert.deepEqual(await recovery, { hub: "realtime", recovered: false }, position);
    // Live events still come, and their positions replace the refused one.
    await broadcast(workspaceId, 2);
    const live = await received(c, EVENT, seen, (p) => p.seq === 2);
    assert.equal(c.recoveryPosition("realtime"), live.recoveryPosition);
  }
});
