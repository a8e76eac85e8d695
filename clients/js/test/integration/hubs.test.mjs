// @realtime-orleans/client against a running edge: a real event round trip on every hub, a
// reconnect after the server closes the connections (the client restores its subscriptions and
// recovers the notification it missed), and MessagePack.
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { api, client, newWorkspace, next, record } from "./edge.mjs";

const workspace = newWorkspace();
const clients = [];
const open = (userId, options) => {
  const c = client(userId, options?.workspaceId ?? workspace, options);
  clients.push(c);
  return c;
};
after(() => Promise.all(clients.map((c) => c.stop())));

test("/realtime: connected, ping, a page change seen by a teammate, a backend's broadcast", async () => {
  const alice = open("alice");
  const bob = open("bob");
  const connected = next(alice, "connected", (c) => c.hub === "realtime");
  await alice.start(["realtime"]);
  assert.equal((await connected).userId, "alice");
  assert.equal(alice.state, "connected");
  assert.match((await alice.ping()).timestamp, /^\d{4}-\d\d-\d\dT/);

  await bob.start(["realtime"]);
  const seen = next(alice, "presence:update", (u) => u.users.some((p) => p.userId === "bob" && p.currentPage === "/calendar"));
  await bob.navigate("/calendar");
  await seen;

  const launched = next(alice, "campaign:launched");
  await api("POST", `/realtime/broadcast/workspace/${workspace}`, workspace, { event: "campaign:launched", data: { name: "Spring" } });
  const { recoveryPosition, ...data } = await launched;
  assert.deepEqual(data, { name: "Spring" });
  assert.equal(alice.recoveryPosition("realtime"), recoveryPosition, "the edge adds the broadcast's position, which the client keeps");
  const list = await alice.getPresence({ limit: 10 });
  assert.deepEqual(list.users.map((p) => p.userId).sort(), ["alice", "bob"]);
});

test("/presence: typing and activity reach the teammate", async () => {
  const alice = open("alice");
  const bob = open("bob");
  await Promise.all([alice.start(["presence"]), bob.start(["presence"])]);
  const typing = next(bob, "presence:typing", (t) => t.userId === "alice" && t.isTyping);
  await alice.setTyping("general", true);
  assert.equal((await typing).conversationId, "general");
  const activity = next(bob, "presence:activity", (a) => a.userId === "alice");
  await alice.setActivity({ type: "editing", resourceId: "post-7", resourceType: "post" });
  assert.equal((await activity).resourceId, "post-7");
});

test("/notifications: a backend's notification arrives, is read, and the store keeps its id", async () => {
  const alice = open("alice");
  await alice.start(["notifications"]);
  const arrived = next(alice, "notification");
  const { id } = await api("POST", "/realtime/notifications/send", workspace, { userId: "alice", workspaceId: workspace, type: "approval", title: "Post approved", message: "Monday's post" });
  const notification = await arrived;
  assert.equal(notification.id, id);
  assert.equal(notification.title, "Post approved");
  assert.equal(alice.lastNotificationId, id);
  assert.equal((await alice.getUnreadCount()).count, 1);
  const ack = await alice.markRead(id);
  assert.equal(ack.unreadCount, 0);
  const listed = await alice.listNotifications({ limit: 5 });
  assert.equal(listed.notifications[0].id, id);
  assert.equal(listed.notifications[0].read, true);
});

test("/notifications: a client started from the store's id gets the one sent while it was away, once", async () => {
  const user = "carol";
  const first = open(user);
  await first.start(["notifications"]);
  const arrived = next(first, "notification");
  await api("POST", "/realtime/notifications/send", workspace, { userId: user, workspaceId: workspace, type: "mention", title: "one", message: "1" });
  const seen = await arrived;
  await first.stop();

  const { id: missed } = await api("POST", "/realtime/notifications/send", workspace, { userId: user, workspaceId: workspace, type: "mention", title: "two", message: "2" });
  const again = open(user, { lastNotificationId: first.lastNotificationId });
  assert.equal(again.lastNotificationId, seen.id);
  const delivered = record(again, "notification");
  const recovered = next(again, "notification", (n) => n.id === missed);
  await again.start(["notifications"]);
  await recovered;
  assert.deepEqual(delivered.map((n) => n.title), ["two"]);
});

test("/dashboard: the latest values, then a backend's update", async () => {
  const alice = open("alice");
  const ack = await alice.subscribeDashboard();
  assert.equal(ack.workspaceId, workspace);
  const update = next(alice, "dashboard:metric:update", (m) => m.metric === "reach");
  await api("POST", `/realtime/dashboard/${workspace}/metric`, workspace, { metric: "reach", value: 1234, platform: "instagram" });
  const metric = await update;
  assert.equal(metric.value, 1234);
  assert.equal(metric.platform, "instagram");
  const followers = next(alice, "dashboard:followers:update");
  await api("POST", `/realtime/dashboard/${workspace}/followers`, workspace, { platform: "instagram", accountId: "acc-1", followers: 15230, change: 12 });
  assert.equal((await followers).followers, 15230);
});

test("/metrics: subscribe, then a backend's metric", async () => {
  const alice = open("alice");
  await alice.subscribeMetrics({ metrics: ["queue_depth"] });
  const update = next(alice, "metrics:update");
  await api("POST", `/realtime/metrics/${workspace}`, workspace, { metric: "queue_depth", value: 7 });
  const metric = await update;
  assert.equal(metric.metric, "queue_depth");
  assert.equal(metric.value, 7);
});

test("/inbox: a customer's message, typing, a read receipt, the SLA running out", async () => {
  const alice = open("alice");
  const bob = open("bob");
  const conversationId = "conv-1";
  await api("POST", `/realtime/inbox/${workspace}/conversations/${conversationId}/messages`, workspace, { messageId: "m-0", from: "customer", authorId: "cust-1", content: "Hello?" });
  const subscribed = await alice.subscribeInbox(conversationId);
  assert.equal(subscribed.conversation.conversationId, conversationId);
  assert.equal(subscribed.conversation.lastMessage.messageId, "m-0");
  await bob.subscribeInbox();

  const message = next(alice, "inbox:message", (m) => m.messageId === "m-1");
  await api("POST", `/realtime/inbox/${workspace}/conversations/${conversationId}/messages`, workspace, { messageId: "m-1", from: "customer", authorId: "cust-1", content: "Where is my order?" });
  assert.equal((await message).content, "Where is my order?");

  const typing = next(bob, "inbox:typing", (t) => t.userId === "alice" && t.isTyping);
  await alice.setInboxTyping(conversationId, true);
  assert.equal((await typing).conversationId, conversationId);

  const receipt = next(bob, "inbox:read:receipt", (r) => r.userId === "alice");
  const own = await alice.markConversationRead(conversationId, "m-1");
  assert.equal(own.messageId, "m-1");
  assert.equal((await receipt).messageId, "m-1");

  const update = next(bob, "inbox:conversation:update", (c) => c.slaDeadline !== null);
  const escalation = next(bob, "inbox:sla:escalation", () => true, 20_000);
  await api("PATCH", `/realtime/inbox/${workspace}/conversations/${conversationId}`, workspace, { slaSeconds: 1 });
  const withSla = await update;
  assert.ok(Date.parse(withSla.slaDeadline) > Date.parse(withSla.waitingSince));
  assert.equal((await escalation).conversationId, conversationId);
});

test("after the server closes every connection, the client connects again, restores its subscriptions and recovers what it missed", async () => {
  const user = "dave";
  const dave = open(user, { reconnectDelay: () => 300 });
  await dave.start(["notifications", "dashboard", "inbox", "metrics"]);
  await Promise.all([dave.subscribeDashboard({ platforms: ["tiktok"] }), dave.subscribeMetrics(), dave.subscribeInbox(), dave.subscribeNotifications(["crisis"])]);
  // Recovery resumes after the newest notification the client has.
  const first = next(dave, "notification");
  await api("POST", "/realtime/notifications/send", workspace, { userId: user, workspaceId: workspace, type: "crisis", title: "before", message: "!" });
  const { id: before } = await first;
  assert.equal(dave.lastNotificationId, before);
  const revoked = next(dave, "session:revoked");
  const back = ["notifications", "dashboard", "inbox", "metrics"].map((hub) => next(dave, "reconnected", (_, c) => c.hub === hub, 30_000));
  const cutOff = next(dave, "state", (s) => s.state === "reconnecting");

  // Revoking the session closes each connection from the server; the token factory then gives a newer token.
  await api("DELETE", `/realtime/connections/user/${user}?workspaceId=${workspace}&reason=test`, workspace);
  assert.equal((await revoked).reason, "test");
  await cutOff;
  // A call made while the connections are being replaced waits for them instead of failing.
  const during = Promise.all([dave.getUnreadCount(), dave.invoke("metrics", "metrics:subscribe")]);
  // Each wait starts before its send: the notification can reach the client before the send's HTTP response does.
  const recovered = next(dave, "notification", (n) => n.title === "while away", 30_000);
  const { id: missed } = await api("POST", "/realtime/notifications/send", workspace, { userId: user, workspaceId: workspace, type: "crisis", title: "while away", message: "!" });
  await Promise.all(back);
  assert.equal((await recovered).id, missed);
  assert.equal(dave.state, "connected");
  const [unread] = await during;
  assert.equal(typeof unread.count, "number");

  // Subscriptions were restored by the client, not asked for again by the test.
  const metric = next(dave, "dashboard:metric:update", (m) => m.metric === "views");
  const live = next(dave, "metrics:update", (m) => m.metric === "errors");
  const message = next(dave, "inbox:message", (m) => m.messageId === "after");
  const filtered = record(dave, "notification");
  const kept = next(dave, "notification", (n) => n.title === "kept");
  await api("POST", `/realtime/dashboard/${workspace}/metric`, workspace, { metric: "views", value: 1, platform: "instagram" });
  await api("POST", `/realtime/dashboard/${workspace}/metric`, workspace, { metric: "views", value: 2, platform: "tiktok" });
  await api("POST", `/realtime/metrics/${workspace}`, workspace, { metric: "errors", value: 3 });
  await api("POST", `/realtime/inbox/${workspace}/conversations/conv-after/messages`, workspace, { messageId: "after", from: "customer", authorId: "cust-2", content: "hi" });
  await api("POST", "/realtime/notifications/send", workspace, { userId: user, workspaceId: workspace, type: "mention", title: "filtered out", message: "-" });
  const { id: crisis } = await api("POST", "/realtime/notifications/send", workspace, { userId: user, workspaceId: workspace, type: "crisis", title: "kept", message: "!" });
  assert.equal((await metric).platform, "tiktok", "the platform filter came back with the subscription");
  assert.equal((await live).value, 3);
  assert.equal((await message).content, "hi");
  assert.equal((await kept).id, crisis);
  assert.deepEqual(filtered.map((n) => n.title), ["kept"], "the type filter came back too");
});

test("after its socket breaks, SignalR's automatic reconnect takes over: calls made meanwhile wait, subscriptions come back", async () => {
  const erin = open("erin", { reconnectDelay: () => 1500 });
  await erin.subscribeMetrics({ metrics: ["latency"] });
  await erin.subscribeInbox("conv-erin").catch(() => {}); // not a conversation yet: refused, not kept
  await api("POST", `/realtime/inbox/${workspace}/conversations/conv-erin/messages`, workspace, { messageId: "e-0", from: "customer", authorId: "cust-3", content: "first" });
  await erin.subscribeInbox("conv-erin");
  const metrics = await erin.connection("metrics");
  const inbox = await erin.connection("inbox");
  const back = Promise.all(["metrics", "inbox"].map((hub) => next(erin, "reconnected", (_, c) => c.hub === hub, 30_000)));
  const cutOff = next(erin, "reconnecting", (_, c) => c.hub === "metrics");

  // The WebSocket dies without a close handshake, as when the network goes away.
  for (const connection of [metrics, inbox]) connection.connection.transport._webSocket.terminate();
  await cutOff;
  assert.equal(metrics.state, "Reconnecting");
  const during = erin.invoke("metrics", "metrics:subscribe", { metrics: ["latency"] });
  await back;
  assert.deepEqual((await during).filter, ["latency"]);

  const live = next(erin, "metrics:update", (m) => m.metric === "latency");
  const message = next(erin, "inbox:message", (m) => m.messageId === "e-1");
  await api("POST", `/realtime/metrics/${workspace}`, workspace, { metric: "latency", value: 12 });
  await api("POST", `/realtime/inbox/${workspace}/conversations/conv-erin/messages`, workspace, { messageId: "e-1", from: "customer", authorId: "cust-3", content: "again" });
  assert.equal((await live).value, 12);
  assert.equal((await message).content, "again");
});

test("MessagePack: the same payloads as JSON", async () => {
  const alice = open("alice", { protocol: "messagepack" });
  await alice.subscribeDashboard();
  const update = next(alice, "dashboard:metric:update", (m) => m.metric === "shares");
  await api("POST", `/realtime/dashboard/${workspace}/metric`, workspace, { metric: "shares", value: 5, platform: "x", data: { campaign: "spring" } });
  const metric = await update;
  assert.equal(metric.value, 5);
  assert.equal(typeof metric.timestamp, "string");
  assert.deepEqual(metric.data, { campaign: "spring" });
  const connection = await alice.connection("dashboard");
  assert.equal(connection._protocol.name, "messagepack", "the connection speaks MessagePack");
});
