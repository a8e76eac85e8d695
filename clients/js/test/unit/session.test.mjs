import assert from "node:assert/strict";
import { test } from "node:test";
import { HUB_NAMES, SessionState } from "../../dist/index.js";

test("a fresh session restores nothing on any hub", () => {
  const session = new SessionState();
  for (const hub of HUB_NAMES) assert.deepEqual(session.replay(hub), [], hub);
});

test("dashboard and metrics subscriptions come back with their filters, or without one", () => {
  const session = new SessionState();
  session.dashboardPlatforms = null;
  session.metricsFilter = ["queue_depth", "reach"];
  assert.deepEqual(session.replay("dashboard"), [{ method: "dashboard:subscribe" }]);
  assert.deepEqual(session.replay("metrics"), [{ method: "metrics:subscribe", payload: { metrics: ["queue_depth", "reach"] } }]);
  session.dashboardPlatforms = ["instagram"];
  assert.deepEqual(session.replay("dashboard"), [{ method: "dashboard:subscribe", payload: { platforms: ["instagram"] } }]);
});

test("inbox conversations come back together in one call (so all of them recover), and a whole-inbox subscription replaces them", () => {
  const session = new SessionState();
  assert.deepEqual(session.replay("inbox"), []);
  session.subscribedInbox("c-1");
  session.subscribedInbox("c-2");
  session.subscribedInbox("c-1");
  assert.deepEqual(session.replay("inbox"), [{ method: "inbox:subscribe", payload: { conversationIds: ["c-1", "c-2"] } }]);
  session.subscribedInbox();
  session.subscribedInbox("c-3");
  assert.deepEqual(session.replay("inbox"), [{ method: "inbox:subscribe" }]);
});

test("notification types, page, status, activity and watched users come back on their own hubs", () => {
  const session = new SessionState();
  session.notificationTypes = ["mention", "crisis"];
  session.page = "/inbox";
  session.status = "online";
  assert.deepEqual(session.replay("notifications"), [{ method: "notification:subscribe", payload: { types: ["mention", "crisis"] } }]);
  assert.deepEqual(session.replay("realtime"), [{ method: "page:navigate", payload: { page: "/inbox" } }]);
  assert.deepEqual(session.replay("presence"), [], "a new connection is online already");

  session.status = "away";
  session.activity = { type: "editing", resourceId: "post-7", resourceType: "post" };
  session.watched = ["bob"];
  assert.deepEqual(session.replay("presence"), [
    { method: "presence:status", payload: { status: "away" } },
    { method: "presence:activity", payload: { type: "editing", resourceId: "post-7", resourceType: "post" } },
    { method: "presence:watch", payload: { userIds: ["bob"] } },
  ]);
});

test("a replayed call carries a copy: changing the session later does not change it", () => {
  const session = new SessionState();
  session.notificationTypes = ["mention"];
  const [call] = session.replay("notifications");
  session.notificationTypes.push("crisis");
  assert.deepEqual(call.payload, { types: ["mention"] });
});
