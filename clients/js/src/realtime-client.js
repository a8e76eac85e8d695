// Browser client of the Realtime.Orleans edge gateway (wire contract: docs/protocol.md).
// One SignalR connection per hub it needs (/realtime, /presence, /notifications, /dashboard),
// each opened on first use or by start(); reconnects forever with exponential backoff, then
// restores what the server forgot with the connection: subscriptions, page, status, activity,
// and the notifications missed in between (from the last notification id seen).

import { HttpError, HubConnectionBuilder, HubConnectionState, LogLevel } from "@microsoft/signalr";

/** @typedef {"realtime" | "presence" | "notifications" | "dashboard"} HubName */
/** @typedef {"online" | "away" | "offline"} PresenceStatus */
/** @typedef {"connected" | "reconnecting" | "disconnected"} ConnectionState */
/** @typedef {"mention" | "message" | "approval" | "alert" | "crisis" | "post_published" | "post_failed" | "review" | "sla_escalation" | "system"} NotificationType */

/**
 * @typedef {object} Activity
 * @property {"viewing" | "editing" | "commenting"} type
 * @property {string} resourceId
 * @property {string} resourceType
 * @property {string} [at] ISO-8601 UTC, set by the server
 */

/**
 * @typedef {object} Presence
 * @property {string} userId
 * @property {string} workspaceId
 * @property {PresenceStatus} status
 * @property {string | null} currentPage
 * @property {string} lastSeen
 * @property {number} connectionCount
 * @property {Activity | null} activity
 */

/**
 * @typedef {object} WorkspacePresence
 * @property {string} workspaceId
 * @property {Presence[]} users
 * @property {string | null} [nextCursor]
 */

/**
 * @typedef {object} Notification
 * @property {string} id
 * @property {NotificationType} type
 * @property {string} title
 * @property {string} message
 * @property {unknown} [data]
 * @property {string} userId
 * @property {string} workspaceId
 * @property {string} createdAt
 * @property {boolean} read
 */

/**
 * @typedef {object} NotificationReadAck
 * @property {string | null} [notificationId]
 * @property {boolean} [all]
 * @property {number} unreadCount
 */

/**
 * @typedef {object} RealtimeClientOptions
 * @property {string} [baseUrl] edge address, e.g. "http://localhost:3001"; default: the page's origin
 * @property {string} workspaceId the workspace every connection is in
 * @property {() => string | Promise<string>} getToken the JWT (called on every (re)connect, so it may refresh it)
 * @property {string | null} [lastNotificationId] the last notification already shown: recovery starts after it
 * @property {import("@microsoft/signalr").LogLevel} [logLevel] SignalR's own logging; default Warning
 */

/** The hubs this client uses and their paths. */
export const HUB_PATHS = Object.freeze({
  realtime: "/realtime",
  presence: "/presence",
  notifications: "/notifications",
  dashboard: "/dashboard",
});

/**
 * Server-to-client events of each hub (docs/protocol.md). `on()` also accepts any other name.
 * Every hub may send `reconnect` { reason } before the server closes it (an edge draining);
 * the client then connects again by itself.
 */
export const SERVER_EVENTS = Object.freeze({
  all: ["reconnect"],
  realtime: ["presence:update", "presence:summary", "presence:list", "pong"],
  presence: ["presence:update", "presence:summary", "presence:typing", "presence:activity", "presence:online:list", "presence:watch:ack"],
  notifications: ["notification", "notification:unread", "notification:read:ack", "notification:subscribe:ack"],
  dashboard: [
    "dashboard:subscribed",
    "dashboard:metric:update",
    "dashboard:post:update",
    "dashboard:analytics:update",
    "dashboard:followers:update",
    "dashboard:engagement:update",
  ],
});

/** Events the client itself raises about its connections. */
export const STATE_EVENTS = Object.freeze(["connected", "reconnecting", "reconnected", "disconnected", "state"]);

const MAX_RETRY_DELAY_MS = 30_000;

/**
 * Delay before reconnect attempt number `retryCount` (0-based): 0.5 s, 1 s, 2 s, 4 s ... capped
 * at 30 s, with +-20% jitter so that clients cut off together do not come back together.
 * @param {number} retryCount
 * @returns {number} milliseconds
 */
export function backoffDelay(retryCount) {
  const base = Math.min(500 * 2 ** Math.min(retryCount, 16), MAX_RETRY_DELAY_MS);
  return Math.round(base * (0.8 + Math.random() * 0.4));
}

/** SignalR retry policy: never gives up. */
const retryForever = { nextRetryDelayInMilliseconds: (context) => backoffDelay(context.previousRetryCount) };

/**
 * Creates a client for one workspace. Nothing connects until start() or the first call that
 * needs a hub.
 * @param {RealtimeClientOptions} options
 */
export function createRealtimeClient({ baseUrl, workspaceId, getToken, lastNotificationId = null, logLevel = LogLevel.Warning }) {
  if (!workspaceId) throw new Error("createRealtimeClient needs a workspaceId.");
  if (typeof getToken !== "function") throw new Error("createRealtimeClient needs getToken: () => token.");
  const origin = (baseUrl ?? globalThis.location?.origin ?? "").replace(/\/+$/, "");

  /** @type {Map<string, Set<Function>>} */
  const listeners = new Map();
  /** @type {Map<HubName, { connection: import("@microsoft/signalr").HubConnection, started: Promise<void> | null, state: ConnectionState }>} */
  const hubs = new Map();
  /** Event names wired on every connection: the known ones plus any name passed to on(). */
  const wired = new Set(Object.values(SERVER_EVENTS).flat());
  let stopped = false;
  let lastState = /** @type {ConnectionState} */ ("disconnected");

  // What a new connection must restore, because the server keeps it per connection.
  /** @type {{ notificationTypes: string[] | null, dashboard: object | null | undefined, page: string | null, status: PresenceStatus | null, activity: Activity | null }} */
  const restore = { notificationTypes: null, dashboard: undefined, page: null, status: null, activity: null };
  const seenNotifications = new Set();

  function emit(name, payload, hub) {
    for (const handler of [...(listeners.get(name) ?? [])]) {
      try {
        handler(payload, { hub });
      } catch (error) {
        console.error(`realtime client: a "${name}" handler threw`, error);
      }
    }
  }

  function updateState() {
    const states = [...hubs.values()].map((h) => h.state);
    const state = states.length === 0 || states.includes("disconnected")
      ? "disconnected"
      : states.includes("reconnecting") ? "reconnecting" : "connected";
    if (state !== lastState) {
      lastState = state;
      emit("state", { state }, null);
    }
  }

  function setHubState(name, state) {
    const hub = hubs.get(name);
    if (hub && hub.state !== state) {
      hub.state = state;
      updateState();
    }
  }

  function hubUrl(name) {
    const query = new URLSearchParams({ workspaceId });
    if (name === "notifications" && lastNotificationId) query.set("lastNotificationId", lastNotificationId);
    return `${origin}${HUB_PATHS[name]}?${query}`;
  }

  function wire(connection, name, event) {
    if (event === "notification") {
      connection.on(event, (n) => {
        if (seenNotifications.has(n.id)) return; // recovery and live delivery may overlap: show each once
        seenNotifications.add(n.id);
        if (seenNotifications.size > 1000) seenNotifications.delete(seenNotifications.values().next().value);
        lastNotificationId = n.id;
        // A new connection recovers missed ones of every type before the subscription is restored.
        if (restore.notificationTypes && !restore.notificationTypes.includes(n.type)) return;
        emit(event, n, name);
      });
    } else {
      connection.on(event, (payload) => emit(event, payload, name));
    }
  }

  /** @param {HubName} name */
  function create(name) {
    const connection = new HubConnectionBuilder()
      .withUrl(hubUrl(name), { accessTokenFactory: getToken })
      .withAutomaticReconnect(retryForever)
      .configureLogging(logLevel)
      .build();
    const hub = { connection, started: null, state: /** @type {ConnectionState} */ ("disconnected") };
    hubs.set(name, hub);
    for (const event of wired) wire(connection, name, event);
    // The server's handshake event, on every (re)connect: the client's "connected".
    connection.on("connected", (info) => emit("connected", { ...info, hub: name }, name));

    connection.onreconnecting((error) => {
      // A new connection recovers from the newest notification seen, not the one at start.
      if (name === "notifications") connection.baseUrl = hubUrl(name);
      setHubState(name, "reconnecting");
      emit("reconnecting", { hub: name, error }, name);
    });
    connection.onreconnected(async (connectionId) => {
      setHubState(name, "connected");
      emit("reconnected", { hub: name, connectionId }, name);
      await restoreHub(name).catch((error) => console.warn(`realtime client: restoring ${name} failed`, error));
    });
    connection.onclose((error) => {
      hub.started = null;
      if (stopped) {
        setHubState(name, "disconnected");
        emit("disconnected", { hub: name, error }, name);
        return;
      }
      // Closed by the server without leave to reconnect (an edge that drains sends `reconnect`,
      // then closes): connect again ourselves, with the same backoff.
      setHubState(name, "reconnecting");
      emit("reconnecting", { hub: name, error }, name);
      hub.started = startHub(name, hub).then(
        () => {
          emit("reconnected", { hub: name, connectionId: connection.connectionId }, name);
          return restoreHub(name).catch((e) => console.warn(`realtime client: restoring ${name} failed`, e));
        },
        () => { hub.started = null; }); // refused (403) or stopped: "disconnected" was raised
    });
    return hub;
  }

  async function restoreHub(name) {
    const c = hubs.get(name).connection;
    if (name === "notifications" && restore.notificationTypes) await c.invoke("notification:subscribe", { types: restore.notificationTypes });
    if (name === "dashboard" && restore.dashboard !== undefined) await (restore.dashboard ? c.invoke("dashboard:subscribe", restore.dashboard) : c.invoke("dashboard:subscribe"));
    if (name === "realtime" && restore.page) await c.invoke("page:navigate", { page: restore.page });
    if (name === "presence" && restore.status && restore.status !== "online") await c.invoke("presence:status", { status: restore.status });
    if (name === "presence" && restore.activity) await c.invoke("presence:activity", restore.activity);
  }

  /** Starts a hub, retrying a failed first connect with the same backoff (not after a 403). */
  async function startHub(name, hub) {
    for (let attempt = 0; ; attempt++) {
      if (stopped) throw new Error("The realtime client was stopped.");
      try {
        if (name === "notifications") hub.connection.baseUrl = hubUrl(name);
        await hub.connection.start();
        setHubState(name, "connected");
        return;
      } catch (error) {
        const status = error instanceof HttpError ? error.statusCode : undefined;
        if (status === 403 || stopped) {
          setHubState(name, "disconnected");
          emit("disconnected", { hub: name, error }, name);
          throw error;
        }
        setHubState(name, "reconnecting");
        emit("reconnecting", { hub: name, error }, name);
        await new Promise((resolve) => setTimeout(resolve, backoffDelay(attempt)));
      }
    }
  }

  /**
   * The hub's connection, started (on first use, or again after stop()).
   * @param {HubName} name
   */
  async function ensure(name) {
    if (!HUB_PATHS[name]) throw new Error(`Unknown hub "${name}".`);
    stopped = false;
    const hub = hubs.get(name) ?? create(name);
    if (hub.connection.state === HubConnectionState.Disconnected && !hub.started) {
      hub.started = startHub(name, hub).catch((error) => {
        hub.started = null;
        throw error;
      });
    }
    await hub.started;
    return hub.connection;
  }

  /**
   * @param {HubName} hub
   * @param {string} method
   * @param {...unknown} args
   */
  async function invoke(hub, method, ...args) {
    const connection = await ensure(hub);
    return connection.invoke(method, ...args);
  }

  return {
    /** @returns {string} */
    get workspaceId() { return workspaceId; },
    /** @returns {ConnectionState} overall: connected only when every hub in use is */
    get state() { return lastState; },
    /** @returns {string | null} the newest notification id seen; recovery resumes after it */
    get lastNotificationId() { return lastNotificationId; },
    /** @param {string | null} id e.g. the newest id of a list loaded over HTTP */
    set lastNotificationId(id) { lastNotificationId = id; },

    /**
     * Connects the given hubs (default: all four) and waits until they are connected.
     * @param {HubName[]} [names]
     */
    async start(names = /** @type {HubName[]} */ (Object.keys(HUB_PATHS))) {
      await Promise.all(names.map(ensure));
    },

    /** Closes every connection; a later call reconnects. */
    async stop() {
      stopped = true;
      await Promise.all([...hubs.values()].map((h) => h.connection.stop()));
    },

    /**
     * Listens to a server event (docs/protocol.md names) or a state event: `connected`
     * ({ hub, connectionId, userId, workspaceId, serverTime }, after every (re)connect),
     * `reconnecting`, `reconnected`, `disconnected` ({ hub, error? }), `state` ({ state }).
     * Handlers get (payload, { hub }).
     * @param {string} event
     * @param {(payload: any, context: { hub: HubName | null }) => void} handler
     * @returns {() => void} removes the handler
     */
    on(event, handler) {
      if (!listeners.has(event)) listeners.set(event, new Set());
      listeners.get(event).add(handler);
      if (!wired.has(event) && !STATE_EVENTS.includes(event)) {
        wired.add(event);
        for (const [name, hub] of hubs) wire(hub.connection, name, event);
      }
      return () => this.off(event, handler);
    },

    /**
     * @param {string} event
     * @param {Function} handler
     */
    off(event, handler) {
      listeners.get(event)?.delete(handler);
    },

    invoke,

    // /realtime
    /** @param {string} page e.g. "/inbox" */
    async navigate(page) {
      await invoke("realtime", "page:navigate", { page });
      restore.page = page;
    },
    /** @returns {Promise<{ timestamp: string }>} */
    ping: () => invoke("realtime", "ping"),
    /**
     * Every member seen in the workspace, one page.
     * @param {{ cursor?: string, limit?: number }} [page]
     * @returns {Promise<WorkspacePresence>}
     */
    getPresence: (page) => (page ? invoke("realtime", "presence:get", page) : invoke("realtime", "presence:get")),

    // /presence
    /** @param {PresenceStatus} status */
    async setStatus(status) {
      await invoke("presence", "presence:status", { status });
      restore.status = status;
    },
    /**
     * @param {string} conversationId
     * @param {boolean} isTyping
     */
    setTyping: (conversationId, isTyping) => invoke("presence", "presence:typing", { conversationId, isTyping }),
    /** @param {{ type: "viewing" | "editing" | "commenting", resourceId: string, resourceType: string }} activity */
    async setActivity(activity) {
      const { type, resourceId, resourceType } = activity;
      await invoke("presence", "presence:activity", { type, resourceId, resourceType });
      restore.activity = { type, resourceId, resourceType };
    },
    /**
     * Online and away members, one page.
     * @param {{ cursor?: string, limit?: number }} [page]
     * @returns {Promise<WorkspacePresence>}
     */
    getOnline: (page) => (page ? invoke("presence", "presence:online", page) : invoke("presence", "presence:online")),
    /** @param {string[]} userIds users whose every change this connection gets, even in a large workspace */
    watch: (userIds) => invoke("presence", "presence:watch", { userIds }),

    // /notifications
    /**
     * @param {string} notificationId
     * @returns {Promise<NotificationReadAck>}
     */
    markRead: (notificationId) => invoke("notifications", "notification:read", { notificationId }),
    /** @returns {Promise<NotificationReadAck>} */
    markAllRead: () => invoke("notifications", "notification:read:all"),
    /**
     * Only these types from now on (and after every reconnect).
     * @param {NotificationType[]} types
     */
    async subscribeNotifications(types) {
      const ack = await invoke("notifications", "notification:subscribe", { types });
      restore.notificationTypes = [...types];
      return ack;
    },
    /** @returns {Promise<{ count: number }>} */
    getUnreadCount: () => invoke("notifications", "notification:unread"),
    /**
     * The caller's notifications over HTTP, newest first (GET /realtime/notifications/workspace/{id}).
     * @param {{ cursor?: string, limit?: number, unreadOnly?: boolean }} [query]
     * @returns {Promise<{ notifications: Notification[], unreadCount: number, nextCursor: string | null }>}
     */
    async listNotifications(query = {}) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
      const response = await fetch(`${origin}/realtime/notifications/workspace/${encodeURIComponent(workspaceId)}?${params}`, {
        headers: { Authorization: `Bearer ${await getToken()}` },
      });
      if (!response.ok) throw new Error(`Listing notifications failed: HTTP ${response.status}`);
      return response.json();
    },

    // /dashboard
    /**
     * Latest value of everything, then every update (after every reconnect too).
     * @param {{ platforms?: string[] }} [filter]
     */
    async subscribeDashboard(filter) {
      const ack = await (filter ? invoke("dashboard", "dashboard:subscribe", filter) : invoke("dashboard", "dashboard:subscribe"));
      restore.dashboard = filter ?? null;
      return ack;
    },
  };
}

export { LogLevel };
