// A consumer of @realtime-orleans/client, type-checked against the packed package (tsc --noEmit)
// by the system tests: what an app writes must compile, and each @ts-expect-error line must be
// refused, so types that are too loose fail the check as surely as types that are wrong.
import {
  createRealtimeClient, memoryStore, type Conversation, type HubName, type InboxMessage, type MetricUpdate,
  type Notification, type RealtimeClient,
} from "@realtime-orleans/client";

const client: RealtimeClient = createRealtimeClient({
  baseUrl: "http://localhost:3001",
  workspaceId: "w1",
  userId: "alice",
  getToken: async () => "token",
  notificationStore: memoryStore(),
  protocol: "messagepack",
});

const hubs: HubName[] = ["realtime", "presence", "notifications", "dashboard", "inbox", "metrics"];
await client.start(hubs);

// Server events: the payload type follows the event name.
client.on("notification", (n: Notification) => console.log(n.id, n.type, n.title, n.read));
client.on("notification:read:ack", ({ unreadCount, all }) => console.log(unreadCount, all));
client.on("dashboard:metric:update", (m: MetricUpdate) => console.log(m.metric, m.value.toFixed(1), m.timestamp));
client.on("dashboard:followers:update", (f) => console.log(f.accountId, f.followers + f.change));
client.on("metrics:update", (m) => console.log(m.metric, m.value));
client.on("inbox:message", (m: InboxMessage) => console.log(m.conversationId, m.content, m.fromCustomer));
client.on("inbox:conversation:update", (c: Conversation) => console.log(c.status, c.slaDeadline, c.escalated));
client.on("inbox:sla:escalation", (e) => console.log(e.deadline, e.assignee));
client.on("inbox:read:receipt", (r) => console.log(r.userId, r.messageId, r.readAt));
client.on("presence:update", ({ users }) => users.forEach((p) => console.log(p.userId, p.status, p.activity?.resourceId)));
client.on("presence:typing", (t) => console.log(t.conversationId, t.isTyping));
client.on("reconnect", ({ reason }) => console.log(reason));
client.on("session:revoked", ({ reason }) => console.log(reason));
// The client's own events.
client.on("connected", ({ hub, userId, serverTime }) => console.log(hub, userId, serverTime));
client.on("state", ({ state }) => console.log(state === "connected" || state === "reconnecting" || state === "disconnected"));
client.on("reconnected", ({ hub }) => console.log(hub));
client.on("recovery", ({ hub, recovered }: { hub: HubName; recovered: boolean }) => console.log(hub, recovered ? "resumed" : "reload"));
client.on("connected", ({ recovered }) => console.log(recovered === true));
console.log(client.recoveryPosition("realtime")?.length);
// A backend's own broadcast: any name, payload unknown until the app checks it.
client.on("campaign:launched", (payload) => console.log(payload));

// Client-to-server calls, with their replies.
const ack = await client.markRead("n-1");
console.log(ack.unreadCount);
const subscribed = await client.subscribeInbox("conv-1");
console.log(subscribed.conversation?.lastMessage?.messageId);
const receipt = await client.markConversationRead("conv-1", "m-1");
console.log(receipt.readAt);
await client.subscribeDashboard({ platforms: ["instagram"] });
await client.subscribeMetrics({ metrics: ["queue_depth"] });
await client.subscribeNotifications(["mention", "crisis"]);
await client.setStatus("away");
await client.setActivity({ type: "editing", resourceId: "post-7", resourceType: "post" });
const page = await client.getPresence({ limit: 50 });
console.log(page.nextCursor, page.users.length);
const { timestamp } = await client.invoke("realtime", "ping");
console.log(timestamp);
await client.invoke("inbox", "inbox:typing", { conversationId: "conv-1", isTyping: true });
await client.invoke("dashboard", "dashboard:subscribe");
console.log(client.lastNotificationId?.length, client.state);

// What the types must refuse.
// @ts-expect-error notifications have no "titel"
client.on("notification", (n) => console.log(n.titel));
// @ts-expect-error a metric's value is a number
client.on("metrics:update", (m) => m.value.toUpperCase());
// @ts-expect-error inbox:read needs the messageId
await client.invoke("inbox", "inbox:read", { conversationId: "conv-1" });
// @ts-expect-error inbox:typing is an /inbox method, not a /presence one
await client.invoke("presence", "inbox:typing", { conversationId: "conv-1", isTyping: true });
// @ts-expect-error there is no "chat" hub
await client.start(["chat"]);
// @ts-expect-error recovery positions are kept per hub, and there is no "chat" hub
createRealtimeClient({ workspaceId: "w1", getToken: () => "t", recoveryPositions: { chat: "p" } });
// @ts-expect-error statuses are online, away or offline
await client.setStatus("busy");
// @ts-expect-error not a notification type
await client.subscribeNotifications(["newsletter"]);
// @ts-expect-error the protocol is "json", "messagepack" or a hub protocol
createRealtimeClient({ workspaceId: "w1", getToken: () => "t", protocol: "xml" });
// @ts-expect-error a workspace is required
createRealtimeClient({ getToken: () => "t" });
// @ts-expect-error a conversation's status is one of four
const status: Conversation["status"] = "archived";
console.log(status);
