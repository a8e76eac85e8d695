// The client of an edge gateway: one object for one workspace, sharing one token factory across
// the hubs it connects (each a SignalR connection, opened by start() or on first use). It
// reconnects forever with backoff, then restores what the server forgot with the old connection
// (subscriptions, page, status, activity) and fetches the notifications missed in between from
// the newest one delivered, an id it keeps in a pluggable store. Each hub connection keeps the last
// recoveryPosition it received and reconnects with it, so the server replays what it missed, and
// tells the app (`recovery`) whether it did.

import { HttpError, HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";
import type { HubConnection, IHubProtocol, IRetryPolicy } from "@microsoft/signalr";
import { backoffDelay } from "./backoff.js";
import { HUB_NAMES, SERVER_EVENTS } from "./protocol.js";
import type {
  ActivityType, Connected, HubName, InboxReadReceipt, InboxSubscribed, LiveUpdatesSubscribed, MethodArgs, MethodName,
  MethodResult, NotificationList, NotificationReadAck, NotificationType, PageRequest, PresencePage, PresenceStatus,
  ServerEvents, Timestamp, UnreadCount,
} from "./protocol.js";
import { hubUrl, RecoveryPositions } from "./recovery.js";
import { SessionState } from "./session.js";
import { defaultStore, type NotificationCursorStore } from "./store.js";

export type ConnectionState = "connected" | "reconnecting" | "disconnected";

/** Events the client raises itself, about its connections. */
export interface StateEvents {
  /** The server's handshake event, after every (re)connect of every hub, with the hub it came on. */
  connected: Connected & { hub: HubName };
  reconnecting: { hub: HubName; error?: Error };
  reconnected: { hub: HubName; connectionId: string | null };
  disconnected: { hub: HubName; error?: Error };
  /**
   * After every reconnect of a hub (and a first connect given a position): `recovered: true`, the
   * events missed meanwhile follow, in order, before live ones; `false`, nothing was replayed, so
   * reload what the app shows from this hub. On /notifications missed notifications also come back
   * by `lastNotificationId`, so it is true there whenever the connection passed one.
   */
  recovery: { hub: HubName; recovered: boolean };
  /** Overall: `connected` only while every hub in use is. */
  state: { state: ConnectionState };
}

/** What `on()` can listen to: every server event of every hub, and the client's own. */
export type ClientEvents = Omit<ServerEvents, "connected"> & StateEvents;
export type ClientEventName = keyof ClientEvents;

export interface EventContext {
  /** The hub the event came on; null for `state`. */
  hub: HubName | null;
}

export type EventHandler<P> = (payload: P, context: EventContext) => void;

export interface RealtimeClientOptions {
  /** Edge address, e.g. "http://localhost:3001"; default: the page's origin. */
  baseUrl?: string;
  /** The workspace every connection is in. */
  workspaceId: string;
  /** The JWT, asked for on every (re)connect of every hub, so it may refresh it. */
  getToken: () => string | Promise<string>;
  /** The user the token is for: keeps two users' notification positions apart in one store. */
  userId?: string;
  /**
   * The newest notification already shown: recovery starts after it. Default: the one the store
   * kept from earlier (another page load), if any.
   */
  lastNotificationId?: string | null;
  /** Where the newest notification id is kept. Default: localStorage, or memory where there is none (Node.js). */
  notificationStore?: NotificationCursorStore;
  /** "json" (default), "messagepack" (loads @microsoft/signalr-protocol-msgpack on first connect), or any SignalR hub protocol. */
  protocol?: "json" | "messagepack" | IHubProtocol;
  /** Delay before reconnect attempt n (0-based). Default: backoffDelay, 0.5 s doubling to 30 s, ±20%. */
  reconnectDelay?: (retryCount: number) => number;
  /**
   * Positions to resume from on the first connect of each hub (the last `recoveryPosition` of an
   * earlier page, within the server's recovery window). Default: none.
   */
  recoveryPositions?: Partial<Record<HubName, string>>;
  /** SignalR's own logging. Default: Warning. */
  logLevel?: LogLevel;
}

interface Hub {
  connection: HubConnection;
  started: Promise<void> | null;
  state: ConnectionState;
  /** Calls waiting for SignalR's automatic reconnect to end, either way. */
  settled: Array<() => void>;
  /** `connected` events received: every one after the first answers a reconnect. */
  connects: number;
  /** What the URL of the current (or next) connection asked to resume from. */
  asked: { recover: boolean; lastNotificationId: boolean };
}

/** Any name: a backend's broadcast on /realtime comes under its own name. */
type AnyHandler = (payload: unknown, context: EventContext) => void;

/** Events the client raises itself (StateEvents), by name. */
export const STATE_EVENTS: readonly (keyof StateEvents)[] = Object.freeze(["connected", "reconnecting", "reconnected", "disconnected", "recovery", "state"]);
const STATE_EVENT_NAMES: readonly string[] = STATE_EVENTS;
const SEEN_NOTIFICATIONS_KEPT = 1000;

export class RealtimeClient {
  readonly workspaceId: string;
  readonly baseUrl: string;
  readonly #getToken: () => string | Promise<string>;
  readonly #store: NotificationCursorStore;
  readonly #storeKey: string;
  readonly #protocolOption: RealtimeClientOptions["protocol"];
  readonly #reconnectDelay: (retryCount: number) => number;
  readonly #logLevel: LogLevel;
  readonly #listeners = new Map<string, Set<AnyHandler>>();
  readonly #hubs = new Map<HubName, Hub>();
  /** Event names listened to on every connection: the contract's, plus any name passed to on(). */
  readonly #wired = new Set<string>(HUB_NAMES.flatMap((h) => SERVER_EVENTS[h] as readonly string[]).filter((e) => e !== "connected"));
  readonly #session = new SessionState();
  readonly #seenNotifications = new Set<string>();
  readonly #positions = new RecoveryPositions();
  #protocol: Promise<IHubProtocol | undefined> | null = null;
  #lastNotificationId: string | null;
  #stopped = false;
  #state: ConnectionState = "disconnected";

  constructor(options: RealtimeClientOptions) {
    if (!options?.workspaceId) throw new Error("The realtime client needs a workspaceId.");
    if (typeof options.getToken !== "function") throw new Error("The realtime client needs getToken: () => token.");
    this.workspaceId = options.workspaceId;
    this.baseUrl = (options.baseUrl ?? (globalThis as { location?: { origin: string } }).location?.origin ?? "").replace(/\/+$/, "");
    this.#getToken = options.getToken;
    this.#store = options.notificationStore ?? defaultStore();
    this.#storeKey = `realtime-orleans:last-notification:${this.baseUrl}|${this.workspaceId}|${options.userId ?? ""}`;
    this.#protocolOption = options.protocol;
    this.#reconnectDelay = options.reconnectDelay ?? ((n) => backoffDelay(n));
    this.#logLevel = options.logLevel ?? LogLevel.Warning;
    this.#lastNotificationId = options.lastNotificationId !== undefined ? options.lastNotificationId : this.#store.get(this.#storeKey);
    for (const [hub, position] of Object.entries(options.recoveryPositions ?? {}) as [HubName, string | undefined][]) {
      if (HUB_NAMES.includes(hub)) this.#positions.set(hub, this.workspaceId, position ?? null);
    }
  }

  /** The last `recoveryPosition` received on the hub (or given in the options): its next connection resumes from it. */
  recoveryPosition(hub: HubName): string | null {
    return this.#positions.get(hub, this.workspaceId);
  }

  /** Overall state: `connected` only while every hub in use is. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The newest notification delivered; recovery resumes after it. */
  get lastNotificationId(): string | null {
    return this.#lastNotificationId;
  }

  /** E.g. the newest id of a list loaded over HTTP, so that recovery does not send those again. */
  set lastNotificationId(id: string | null) {
    this.#lastNotificationId = id;
    this.#store.set(this.#storeKey, id);
  }

  /** Connects the given hubs (default: realtime, presence, notifications, dashboard) and resolves once they are up. */
  async start(hubs: readonly HubName[] = ["realtime", "presence", "notifications", "dashboard"]): Promise<void> {
    await Promise.all(hubs.map((h) => this.#ensure(h)));
  }

  /** Closes every connection; a later call connects again. */
  async stop(): Promise<void> {
    this.#stopped = true;
    await Promise.all([...this.#hubs.values()].map((h) => h.connection.stop()));
  }

  /** The hub's connection, once connected: for what this client does not wrap. */
  async connection(hub: HubName): Promise<HubConnection> {
    return this.#ensure(hub);
  }

  /**
   * Listens to a server event (docs/protocol.md) or a state event. Handlers get (payload, { hub }).
   * Any other name works too (a backend's broadcast on /realtime), its payload unknown.
   * @returns a function that removes the handler
   */
  on<E extends ClientEventName>(event: E, handler: EventHandler<ClientEvents[E]>): () => void;
  on(event: string, handler: EventHandler<unknown>): () => void;
  on(event: string, handler: AnyHandler): () => void {
    let handlers = this.#listeners.get(event);
    if (!handlers) this.#listeners.set(event, (handlers = new Set()));
    handlers.add(handler);
    if (!this.#wired.has(event) && !STATE_EVENT_NAMES.includes(event)) {
      this.#wired.add(event);
      for (const [name, hub] of this.#hubs) this.#wire(hub.connection, name, event);
    }
    return () => this.off(event, handler);
  }

  /** Like on(), for one event only. */
  once<E extends ClientEventName>(event: E, handler: EventHandler<ClientEvents[E]>): () => void {
    const off = this.on(event, (payload, context) => {
      off();
      handler(payload, context);
    });
    return off;
  }

  off(event: string, handler: Function): void {
    this.#listeners.get(event)?.delete(handler as AnyHandler);
  }

  /** Calls a hub method by its contract name, typed: `invoke("inbox", "inbox:read", { conversationId, messageId })`. */
  async invoke<H extends HubName, M extends MethodName<H>>(hub: H, method: M, ...args: MethodArgs<H, M>): Promise<MethodResult<H, M>> {
    const connection = await this.#ensure(hub);
    return connection.invoke(method, ...args);
  }

  // ---- /realtime --------------------------------------------------------------------------

  /** Tells the workspace which page the user is on (kept across reconnects). */
  async navigate(page: string): Promise<void> {
    await this.invoke("realtime", "page:navigate", { page });
    this.#session.page = page;
  }

  ping(): Promise<{ timestamp: Timestamp }> {
    return this.invoke("realtime", "ping");
  }

  /** Every member seen in the workspace, one page. */
  getPresence(page?: PageRequest): Promise<PresencePage> {
    return page ? this.invoke("realtime", "presence:get", page) : this.invoke("realtime", "presence:get");
  }

  // ---- /presence --------------------------------------------------------------------------

  async setStatus(status: PresenceStatus): Promise<void> {
    await this.invoke("presence", "presence:status", { status });
    this.#session.status = status;
  }

  setTyping(conversationId: string, isTyping: boolean): Promise<void> {
    return this.invoke("presence", "presence:typing", { conversationId, isTyping });
  }

  async setActivity(activity: { type: ActivityType; resourceId: string; resourceType: string }): Promise<void> {
    const { type, resourceId, resourceType } = activity;
    await this.invoke("presence", "presence:activity", { type, resourceId, resourceType });
    this.#session.activity = { type, resourceId, resourceType };
  }

  /** Online and away members, one page. */
  getOnline(page?: PageRequest): Promise<PresencePage> {
    return page ? this.invoke("presence", "presence:online", page) : this.invoke("presence", "presence:online");
  }

  /** Users whose every change this client gets, even in a large workspace (kept across reconnects). */
  async watch(userIds: string[]): Promise<{ userIds: string[] }> {
    const ack = await this.invoke("presence", "presence:watch", { userIds });
    this.#session.watched = [...userIds];
    return ack;
  }

  // ---- /notifications ---------------------------------------------------------------------

  markRead(notificationId: string): Promise<NotificationReadAck> {
    return this.invoke("notifications", "notification:read", { notificationId });
  }

  markAllRead(): Promise<NotificationReadAck> {
    return this.invoke("notifications", "notification:read:all");
  }

  /** Only these types from now on (and after every reconnect). */
  async subscribeNotifications(types: NotificationType[]): Promise<{ types: NotificationType[] }> {
    const ack = await this.invoke("notifications", "notification:subscribe", { types });
    this.#session.notificationTypes = [...types];
    return ack;
  }

  getUnreadCount(): Promise<UnreadCount> {
    return this.invoke("notifications", "notification:unread");
  }

  /** The caller's notifications over HTTP, newest first (GET /realtime/notifications/workspace/{id}). */
  async listNotifications(query: { cursor?: string; limit?: number; unreadOnly?: boolean } = {}): Promise<NotificationList> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const response = await fetch(`${this.baseUrl}/realtime/notifications/workspace/${encodeURIComponent(this.workspaceId)}?${params}`, {
      headers: { Authorization: `Bearer ${await this.#getToken()}` },
    });
    if (!response.ok) throw new Error(`Listing notifications failed: HTTP ${response.status}`);
    return (await response.json()) as NotificationList;
  }

  // ---- /dashboard and /metrics ------------------------------------------------------------

  /** The latest value of every key, then every update (after every reconnect too). */
  async subscribeDashboard(filter?: { platforms?: string[] }): Promise<LiveUpdatesSubscribed> {
    const ack = await (filter ? this.invoke("dashboard", "dashboard:subscribe", filter) : this.invoke("dashboard", "dashboard:subscribe"));
    this.#session.dashboardPlatforms = filter?.platforms ? [...filter.platforms] : null;
    return ack;
  }

  /** The latest value of each metric, then every `metrics:update` (after every reconnect too). */
  async subscribeMetrics(filter?: { metrics?: string[] }): Promise<LiveUpdatesSubscribed> {
    const ack = await (filter ? this.invoke("metrics", "metrics:subscribe", filter) : this.invoke("metrics", "metrics:subscribe"));
    this.#session.metricsFilter = filter?.metrics ? [...filter.metrics] : null;
    return ack;
  }

  // ---- /inbox -----------------------------------------------------------------------------

  /** The whole inbox, or one conversation (its state comes back); kept across reconnects. */
  async subscribeInbox(conversationId?: string): Promise<InboxSubscribed> {
    const ack = await (conversationId === undefined
      ? this.invoke("inbox", "inbox:subscribe")
      : this.invoke("inbox", "inbox:subscribe", { conversationId }));
    this.#session.subscribedInbox(conversationId);
    return ack;
  }

  setInboxTyping(conversationId: string, isTyping: boolean): Promise<void> {
    return this.invoke("inbox", "inbox:typing", { conversationId, isTyping });
  }

  /** Read up to this message: the others get `inbox:read:receipt`. */
  markConversationRead(conversationId: string, messageId: string): Promise<InboxReadReceipt> {
    return this.invoke("inbox", "inbox:read", { conversationId, messageId });
  }

  // ---- connections ------------------------------------------------------------------------

  #emit(name: string, payload: unknown, hub: HubName | null): void {
    for (const handler of [...(this.#listeners.get(name) ?? [])]) {
      try {
        handler(payload, { hub });
      } catch (error) {
        console.error(`realtime client: a "${name}" handler threw`, error);
      }
    }
  }

  #updateState(): void {
    const states = [...this.#hubs.values()].map((h) => h.state);
    const state: ConnectionState = states.length === 0 || states.includes("disconnected")
      ? "disconnected"
      : states.includes("reconnecting") ? "reconnecting" : "connected";
    if (state !== this.#state) {
      this.#state = state;
      this.#emit("state", { state }, null);
    }
  }

  #setHubState(name: HubName, state: ConnectionState): void {
    const hub = this.#hubs.get(name);
    if (hub && hub.state !== state) {
      hub.state = state;
      this.#updateState();
    }
    if (hub && state !== "reconnecting") for (const resume of hub.settled.splice(0)) resume();
  }

  #hubUrl(name: HubName): string {
    return hubUrl(this.baseUrl, name, {
      workspaceId: this.workspaceId,
      lastNotificationId: name === "notifications" ? this.#lastNotificationId : null,
      recover: this.#positions.get(name, this.workspaceId),
    });
  }

  /** Points the hub's next connection at the URL that resumes from what it received last. */
  #aim(name: HubName, hub: Hub): void {
    hub.connection.baseUrl = this.#hubUrl(name);
    hub.asked = {
      recover: this.#positions.get(name, this.workspaceId) !== null,
      lastNotificationId: name === "notifications" && !!this.#lastNotificationId,
    };
  }

  #onConnected(name: HubName, hub: Hub, info: Connected): void {
    const recovered = info.recovered === true || (name === "notifications" && hub.asked.lastNotificationId);
    const reconnect = hub.connects++ > 0;
    this.#emit("connected", { ...info, recovered: info.recovered === true, hub: name }, name);
    // Before any replayed event: the app knows whether to reload before the missed events come.
    if (reconnect || hub.asked.recover) this.#emit("recovery", { hub: name, recovered }, name);
  }

  #wire(connection: HubConnection, name: HubName, event: string): void {
    if (event === "notification") {
      connection.on(event, (n: ServerEvents["notification"]) => {
        this.#positions.remember(name, this.workspaceId, n);
        // Recovery and live delivery may overlap: each id goes to the handlers once.
        if (this.#seenNotifications.has(n.id)) return;
        this.#seenNotifications.add(n.id);
        if (this.#seenNotifications.size > SEEN_NOTIFICATIONS_KEPT) this.#seenNotifications.delete(this.#seenNotifications.values().next().value!);
        this.lastNotificationId = n.id;
        // A new connection recovers missed ones of every type before the type filter is restored.
        const types = this.#session.notificationTypes;
        if (types && !types.includes(n.type)) return;
        this.#emit(event, n, name);
      });
    } else {
      connection.on(event, (payload: unknown) => {
        this.#positions.remember(name, this.workspaceId, payload);
        this.#emit(event, payload, name);
      });
    }
  }

  async #hubProtocol(): Promise<IHubProtocol | undefined> {
    const option = this.#protocolOption;
    if (option === undefined || option === "json") return undefined;
    if (option !== "messagepack") return option;
    // Loaded only when asked for: a JSON client does not carry MessagePack.
    const { MessagePackHubProtocol } = await import("@microsoft/signalr-protocol-msgpack");
    return new MessagePackHubProtocol();
  }

  #create(name: HubName, protocol: IHubProtocol | undefined): Hub {
    const retry: IRetryPolicy = { nextRetryDelayInMilliseconds: (context) => this.#reconnectDelay(context.previousRetryCount) };
    let builder = new HubConnectionBuilder()
      .withUrl(this.#hubUrl(name), { accessTokenFactory: this.#getToken })
      .withAutomaticReconnect(retry)
      .configureLogging(this.#logLevel);
    if (protocol) builder = builder.withHubProtocol(protocol);
    const connection = builder.build();
    const hub: Hub = { connection, started: null, state: "disconnected", settled: [], connects: 0, asked: { recover: false, lastNotificationId: false } };
    this.#hubs.set(name, hub);
    for (const event of this.#wired) this.#wire(connection, name, event);
    connection.on("connected", (info: Connected) => this.#onConnected(name, hub, info));

    connection.onreconnecting((error) => {
      // The new connection resumes from the last position (and newest notification) received, not the ones at start.
      this.#aim(name, hub);
      this.#setHubState(name, "reconnecting");
      this.#emit("reconnecting", { hub: name, error }, name);
    });
    connection.onreconnected((connectionId) => {
      this.#setHubState(name, "connected");
      this.#emit("reconnected", { hub: name, connectionId: connectionId ?? null }, name);
      void this.#restore(name);
    });
    connection.onclose((error) => {
      hub.started = null;
      if (this.#stopped) {
        this.#setHubState(name, "disconnected");
        this.#emit("disconnected", { hub: name, error }, name);
        return;
      }
      // Closed by the server without leave to reconnect (an edge that drains sends `reconnect`,
      // then closes; a revoked session is closed): connect again, with the same backoff.
      this.#setHubState(name, "reconnecting");
      this.#emit("reconnecting", { hub: name, error }, name);
      const started = this.#startHub(name, hub).then(
        () => {
          if (hub.started === started) hub.started = null;
          this.#emit("reconnected", { hub: name, connectionId: connection.connectionId }, name);
          void this.#restore(name);
        },
        () => {
          if (hub.started === started) hub.started = null; // refused (403) or stopped: "disconnected" was raised
        });
      hub.started = started;
    });
    return hub;
  }

  async #restore(name: HubName): Promise<void> {
    const connection = this.#hubs.get(name)!.connection;
    for (const call of this.#session.replay(name)) {
      try {
        await (call.payload ? connection.invoke(call.method, call.payload) : connection.invoke(call.method));
      } catch (error) {
        // One refused call (a conversation gone) must not keep the others from being restored.
        console.warn(`realtime client: restoring ${call.method} on ${name} failed`, error);
      }
    }
  }

  /** Starts a hub, retrying a failed first connect with the same backoff (not after a 403: the workspace is not the token's). */
  async #startHub(name: HubName, hub: Hub): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      if (this.#stopped) throw new Error("The realtime client was stopped.");
      try {
        this.#aim(name, hub);
        await hub.connection.start();
        this.#setHubState(name, "connected");
        return;
      } catch (error) {
        const status = error instanceof HttpError ? error.statusCode : undefined;
        if (status === 403 || this.#stopped) {
          this.#setHubState(name, "disconnected");
          this.#emit("disconnected", { hub: name, error }, name);
          throw error;
        }
        this.#setHubState(name, "reconnecting");
        this.#emit("reconnecting", { hub: name, error }, name);
        await new Promise((resolve) => setTimeout(resolve, this.#reconnectDelay(attempt)));
      }
    }
  }

  /** The hub's connection, started (on first use, or again after stop()). */
  async #ensure(name: HubName): Promise<HubConnection> {
    if (!HUB_NAMES.includes(name)) throw new Error(`Unknown hub "${name}".`);
    this.#stopped = false;
    let hub = this.#hubs.get(name);
    if (!hub) {
      this.#protocol ??= this.#hubProtocol();
      const protocol = await this.#protocol;
      hub = this.#hubs.get(name) ?? this.#create(name, protocol); // another call may have created it meanwhile
    }
    if (hub.connection.state === HubConnectionState.Disconnected && !hub.started) {
      const started = this.#startHub(name, hub);
      hub.started = started;
      // Only while it starts: later calls look at the connection itself.
      const done = () => {
        if (hub.started === started) hub.started = null;
      };
      started.then(done, done);
    }
    if (hub.started) {
      await hub.started;
    } else if (hub.connection.state !== HubConnectionState.Connected && hub.state === "reconnecting") {
      // SignalR is reconnecting by itself: a call made meanwhile goes out on the new connection.
      const current = hub;
      await new Promise<void>((resolve) => current.settled.push(resolve));
    }
    return hub.connection;
  }
}

/** Creates a client for one workspace. Nothing connects until start() or the first call that needs a hub. */
export function createRealtimeClient(options: RealtimeClientOptions): RealtimeClient {
  return new RealtimeClient(options);
}

export { LogLevel };
