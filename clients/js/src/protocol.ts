// The wire contract of the edge gateway's six hubs (docs/protocol.md) as types: every
// client-to-server method with its payload and reply, every server-to-client event with its payload.

/** The hubs, by the name this client uses for each. */
export type HubName = "realtime" | "presence" | "notifications" | "dashboard" | "inbox" | "metrics";

/** Each hub's path on an edge. */
export const HUB_PATHS: Readonly<Record<HubName, string>> = Object.freeze({
  realtime: "/realtime",
  presence: "/presence",
  notifications: "/notifications",
  dashboard: "/dashboard",
  inbox: "/inbox",
  metrics: "/metrics",
});

export const HUB_NAMES: readonly HubName[] = Object.freeze(Object.keys(HUB_PATHS) as HubName[]);

/** An ISO-8601 UTC timestamp, e.g. "2026-12-06T12:00:00.000Z". */
export type Timestamp = string;

/** Any JSON value a backend attached (`data`, `post`, `analytics`, `engagement`). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

export type PresenceStatus = "online" | "away" | "offline";
export type ActivityType = "viewing" | "editing" | "commenting";
export type NotificationType =
  | "mention" | "message" | "approval" | "alert" | "crisis"
  | "post_published" | "post_failed" | "review" | "sla_escalation" | "system";
export type ConversationStatus = "open" | "pending" | "resolved" | "closed";

// ---- shared payloads ----------------------------------------------------------------------

/** `connected`: every hub's first event after the handshake (and after every reconnect). */
export interface Connected {
  connectionId: string;
  userId: string;
  workspaceId: string;
  serverTime: Timestamp;
  /**
   * The connection passed `recover` and every event after that position follows (the missed ones,
   * then live ones). False: nothing was replayed, so what the app shows may be stale: load it again.
   */
  recovered: boolean;
}

/** `reconnect`: the edge is shutting down; the connection closes next and this client connects again. */
export interface ReconnectRequested {
  reason: string;
}

/** `session:revoked`: the user's access was removed; the connection closes next. */
export interface SessionRevoked {
  reason: string;
}

export interface Activity {
  type: ActivityType;
  resourceId: string;
  resourceType: string;
  /** Set by the server. */
  at?: Timestamp;
}

/** One user's presence in one workspace, as every presence event carries it. */
export interface Presence {
  userId: string;
  workspaceId: string;
  status: PresenceStatus;
  currentPage: string | null;
  lastSeen: Timestamp;
  connectionCount: number;
  activity: Activity | null;
}

export interface PresenceUpdate {
  workspaceId: string;
  users: Presence[];
}

/** `presence:list` and `presence:online:list`: one page of members. */
export interface PresencePage {
  workspaceId: string;
  users: Presence[];
  nextCursor?: string | null;
}

export interface PresenceSummary {
  workspaceId: string;
  online: number;
  away: number;
  total: number;
}

export interface PageRequest {
  cursor?: string;
  limit?: number;
}

export interface PresenceTyping {
  userId: string;
  conversationId: string;
  isTyping: boolean;
}

export interface PresenceActivity {
  userId: string;
  type: ActivityType;
  resourceId: string;
  resourceType: string;
  at: Timestamp;
}

export interface Notification {
  id: string;
  type: NotificationType;
  title: string;
  message: string;
  data?: Json;
  userId: string;
  workspaceId: string;
  createdAt: Timestamp;
  read: boolean;
}

export interface NotificationReadAck {
  notificationId?: string | null;
  all?: boolean;
  unreadCount: number;
}

export interface UnreadCount {
  count: number;
}

export interface NotificationList {
  notifications: Notification[];
  unreadCount: number;
  nextCursor: string | null;
}

/** `dashboard:subscribed` and `metrics:subscribed`: the filter now in force (null: everything). */
export interface LiveUpdatesSubscribed {
  workspaceId: string;
  filter: string[] | null;
}

interface LiveUpdate {
  workspaceId: string;
  timestamp: Timestamp;
}

export interface MetricUpdate extends LiveUpdate {
  metric: string;
  value: number;
  platform?: string | null;
  data?: Json;
}

export interface PostUpdate extends LiveUpdate {
  postId: string;
  platform?: string | null;
  post: Json;
}

export interface AnalyticsUpdate extends LiveUpdate {
  platform?: string | null;
  analytics: Json;
}

export interface FollowersUpdate extends LiveUpdate {
  platform: string;
  accountId: string;
  followers: number;
  change: number;
}

export interface EngagementUpdate extends LiveUpdate {
  platform: string;
  accountId?: string | null;
  engagement: Json;
}

export interface MetricsUpdate extends LiveUpdate {
  metric: string;
  value: number;
  data?: Json;
}

export interface LastMessage {
  messageId: string;
  authorId: string;
  fromCustomer: boolean;
  sentAt: Timestamp;
}

/** `inbox:conversation:update`, and the conversation of `inbox:subscribed`. */
export interface Conversation {
  workspaceId: string;
  conversationId: string;
  assignee: string | null;
  status: ConversationStatus;
  participants: string[];
  lastMessage: LastMessage | null;
  /** When the customer started waiting for a team reply; null when nobody waits. */
  waitingSince: Timestamp | null;
  /** When the wait breaks the SLA; null without an SLA or when nobody waits. */
  slaDeadline: Timestamp | null;
  escalated: boolean;
  updatedAt: Timestamp;
}

export interface InboxSubscribed {
  workspaceId: string;
  /** null for the whole inbox, and for several conversations. */
  conversationId: string | null;
  /** The conversation as it is now, for one conversation. */
  conversation: Conversation | null;
  /** The conversations as they are now, in the order asked, for several (`conversationIds`). */
  conversations?: Conversation[] | null;
  /** On a connection opened with `recover`: what this subscription missed since follows. */
  recovered: boolean;
}

export interface InboxMessage {
  workspaceId: string;
  conversationId: string;
  messageId: string;
  authorId: string;
  fromCustomer: boolean;
  content: string;
  data?: Json;
  sentAt: Timestamp;
}

export interface InboxTyping {
  userId: string;
  conversationId: string;
  isTyping: boolean;
}

export interface InboxReadReceipt {
  conversationId: string;
  messageId: string;
  userId: string;
  readAt: Timestamp;
}

export interface SlaEscalation {
  workspaceId: string;
  conversationId: string;
  assignee: string | null;
  waitingSince: Timestamp;
  deadline: Timestamp;
}

// ---- server -> client events, per hub -----------------------------------------------------

/** Events every hub sends. */
export interface CommonEvents {
  connected: Connected;
  reconnect: ReconnectRequested;
  "session:revoked": SessionRevoked;
}

export interface RealtimeHubEvents extends CommonEvents {
  "presence:update": PresenceUpdate;
  "presence:summary": PresenceSummary;
  "presence:list": PresencePage;
  pong: { timestamp: Timestamp };
}

export interface PresenceHubEvents extends CommonEvents {
  "presence:update": PresenceUpdate;
  "presence:summary": PresenceSummary;
  "presence:typing": PresenceTyping;
  "presence:activity": PresenceActivity;
  "presence:online:list": PresencePage;
  "presence:watch:ack": { userIds: string[] };
}

export interface NotificationsHubEvents extends CommonEvents {
  notification: Notification;
  "notification:unread": UnreadCount;
  "notification:read:ack": NotificationReadAck;
  "notification:subscribe:ack": { types: NotificationType[] };
}

export interface DashboardHubEvents extends CommonEvents {
  "dashboard:subscribed": LiveUpdatesSubscribed;
  "dashboard:metric:update": MetricUpdate;
  "dashboard:post:update": PostUpdate;
  "dashboard:analytics:update": AnalyticsUpdate;
  "dashboard:followers:update": FollowersUpdate;
  "dashboard:engagement:update": EngagementUpdate;
}

export interface InboxHubEvents extends CommonEvents {
  "inbox:subscribed": InboxSubscribed;
  "inbox:message": InboxMessage;
  "inbox:conversation:update": Conversation;
  "inbox:typing": InboxTyping;
  "inbox:read:receipt": InboxReadReceipt;
  "inbox:sla:escalation": SlaEscalation;
}

export interface MetricsHubEvents extends CommonEvents {
  "metrics:subscribed": LiveUpdatesSubscribed;
  "metrics:update": MetricsUpdate;
}

/** Server-to-client events of each hub. */
export interface HubEvents {
  realtime: RealtimeHubEvents;
  presence: PresenceHubEvents;
  notifications: NotificationsHubEvents;
  dashboard: DashboardHubEvents;
  inbox: InboxHubEvents;
  metrics: MetricsHubEvents;
}

/** Every server event of every hub, by name (a name two hubs send has the same payload on both). */
export type ServerEvents = RealtimeHubEvents & PresenceHubEvents & NotificationsHubEvents & DashboardHubEvents & InboxHubEvents & MetricsHubEvents;
export type ServerEventName = keyof ServerEvents;

/** The server event names of each hub, at run time (the client listens to these on each connection). */
export const SERVER_EVENTS: { readonly [H in HubName]: readonly (keyof HubEvents[H])[] } = Object.freeze({
  realtime: ["connected", "reconnect", "session:revoked", "presence:update", "presence:summary", "presence:list", "pong"],
  presence: ["connected", "reconnect", "session:revoked", "presence:update", "presence:summary", "presence:typing", "presence:activity", "presence:online:list", "presence:watch:ack"],
  notifications: ["connected", "reconnect", "session:revoked", "notification", "notification:unread", "notification:read:ack", "notification:subscribe:ack"],
  dashboard: ["connected", "reconnect", "session:revoked", "dashboard:subscribed", "dashboard:metric:update", "dashboard:post:update", "dashboard:analytics:update", "dashboard:followers:update", "dashboard:engagement:update"],
  inbox: ["connected", "reconnect", "session:revoked", "inbox:subscribed", "inbox:message", "inbox:conversation:update", "inbox:typing", "inbox:read:receipt", "inbox:sla:escalation"],
  metrics: ["connected", "reconnect", "session:revoked", "metrics:subscribed", "metrics:update"],
});

// ---- client -> server methods, per hub ----------------------------------------------------

/** A hub method: what it takes (none, or one payload object) and what `invoke` resolves with. */
export interface Method<Args extends unknown[], Result> {
  args: Args;
  result: Result;
}

export interface RealtimeHubMethods {
  "page:navigate": Method<[{ page: string }], void>;
  ping: Method<[], { timestamp: Timestamp }>;
  "presence:get": Method<[] | [PageRequest], PresencePage>;
}

export interface PresenceHubMethods {
  "presence:status": Method<[{ status: PresenceStatus }], void>;
  "presence:typing": Method<[{ conversationId: string; isTyping: boolean }], void>;
  "presence:activity": Method<[{ type: ActivityType; resourceId: string; resourceType: string }], void>;
  "presence:online": Method<[] | [PageRequest], PresencePage>;
  "presence:watch": Method<[{ userIds: string[] }], { userIds: string[] }>;
}

export interface NotificationsHubMethods {
  "notification:read": Method<[{ notificationId: string }], NotificationReadAck>;
  "notification:read:all": Method<[], NotificationReadAck>;
  "notification:subscribe": Method<[{ types: NotificationType[] }], { types: NotificationType[] }>;
  "notification:sync": Method<[{ lastNotificationId: string }], void>;
  "notification:unread": Method<[], UnreadCount>;
}

export interface DashboardHubMethods {
  "dashboard:subscribe": Method<[] | [{ platforms?: string[] }], LiveUpdatesSubscribed>;
}

export interface InboxHubMethods {
  "inbox:subscribe": Method<[] | [{ conversationId?: string } | { conversationIds: string[] }], InboxSubscribed>;
  "inbox:typing": Method<[{ conversationId: string; isTyping: boolean }], void>;
  "inbox:read": Method<[{ conversationId: string; messageId: string }], InboxReadReceipt>;
}

export interface MetricsHubMethods {
  "metrics:subscribe": Method<[] | [{ metrics?: string[] }], LiveUpdatesSubscribed>;
}

/** Client-to-server methods of each hub. */
export interface HubMethods {
  realtime: RealtimeHubMethods;
  presence: PresenceHubMethods;
  notifications: NotificationsHubMethods;
  dashboard: DashboardHubMethods;
  inbox: InboxHubMethods;
  metrics: MetricsHubMethods;
}

export type MethodName<H extends HubName> = keyof HubMethods[H] & string;
export type MethodArgs<H extends HubName, M extends MethodName<H>> = HubMethods[H][M] extends Method<infer A, unknown> ? A : never;
export type MethodResult<H extends HubName, M extends MethodName<H>> = HubMethods[H][M] extends Method<unknown[], infer R> ? R : never;
