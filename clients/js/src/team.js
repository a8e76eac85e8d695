// The live team page (wwwroot/index.html): presence, typing, notifications and a dashboard
// chart of one workspace, on the realtime client. Signs in with the Development token
// endpoint, from the query string: /?user=alice&workspace=w1.

import { createRealtimeClient } from "@realtime-orleans/client";

const CONVERSATION_ID = "general";
const TYPING_RENEW_MS = 2000;
const TYPING_PAUSE_MS = 2500;
const MAX_POINTS_PER_SERIES = 60;
const SERIES_COLORS = ["#2563eb", "#16a34a", "#db2777", "#ea580c", "#7c3aed", "#0891b2"];

/** @param {string} selector */
const $ = (selector) => /** @type {HTMLElement} */ (document.querySelector(selector));
const byTestId = (id) => $(`[data-testid="${id}"]`);

/** @param {string} tag @param {Record<string, string>} [attrs] @param {...(Node | string)} children */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

function showError(message) {
  const box = byTestId("error");
  box.textContent = message;
  box.hidden = !message;
}

// ---- sign-in ----------------------------------------------------------------------------

const params = new URLSearchParams(location.search);
const userId = params.get("user")?.trim() ?? "";
const workspaceId = params.get("workspace")?.trim() ?? "";

if (!userId || !workspaceId) {
  $("#sign-in").hidden = false;
  if (userId) /** @type {HTMLInputElement} */ ($("#sign-in-user")).value = userId;
  if (workspaceId) /** @type {HTMLInputElement} */ ($("#sign-in-workspace")).value = workspaceId;
} else {
  signIn(userId, workspaceId).catch((error) => showError(error.message));
}

/** @type {{ token: string, expiresAt: number } | null} */
let cached = null;

/** A token from GET /dev/token, reused until a minute before it expires. */
async function getToken() {
  if (cached && cached.expiresAt - Date.now() > 60_000) return cached.token;
  const query = new URLSearchParams({ userId, workspaces: workspaceId });
  let response;
  try {
    response = await fetch(`/dev/token?${query}`);
  } catch {
    throw new Error("The edge gateway cannot be reached, so signing in is not possible right now.");
  }
  if (response.status === 404) {
    throw new Error("Sign-in is unavailable: this page signs in with the Development token endpoint (GET /dev/token), "
      + "which the edge gateway serves only in the Development environment (./run.sh runs it that way).");
  }
  if (!response.ok) throw new Error(`Sign-in failed: GET /dev/token answered HTTP ${response.status}. Check the user and workspace ids.`);
  const body = await response.json();
  cached = { token: body.token, expiresAt: Date.parse(body.expiresAt) };
  return cached.token;
}

async function signIn(user, workspace) {
  byTestId("signed-in-user").textContent = user;
  byTestId("workspace").textContent = workspace;
  await getToken(); // a clear message now rather than a failing connection later
  showError("");
  $("#app").hidden = false;

  const client = createRealtimeClient({ workspaceId: workspace, userId: user, getToken });
  /** @type {any} */ (window).realtimeClient = client; // for the console

  client.on("state", ({ state }) => setConnectionState(state));
  wirePresence(client);
  wireNotifications(client);
  wireDashboard(client);
  wireInbox(client);
  wireMetrics(client);
  wireControls(client);

  // The list before the live feed: recovery then starts after the newest one listed.
  await loadNotifications(client).catch((error) => showError(error.message));
  await client.start(["realtime", "presence", "notifications", "dashboard", "inbox", "metrics"]);
  await Promise.all([loadPresence(client), client.subscribeDashboard(), client.subscribeInbox(), client.subscribeMetrics()]);
}

function setConnectionState(state) {
  const node = byTestId("connection-state");
  node.textContent = state;
  node.dataset.state = state;
}

// ---- presence ---------------------------------------------------------------------------

/** @type {Map<string, import("@realtime-orleans/client").Presence>} */
const members = new Map();

function activityText(activity) {
  return activity ? `${activity.type} ${activity.resourceType} ${activity.resourceId}` : "";
}

function upsertMember(presence) {
  const known = members.get(presence.userId);
  members.set(presence.userId, { ...known, ...presence });
  renderMember(members.get(presence.userId));
}

function renderMember(p) {
  const list = byTestId("members");
  let row = list.querySelector(`[data-testid="member"][data-user-id="${CSS.escape(p.userId)}"]`);
  if (!row) {
    row = el("li", { "data-testid": "member", "data-user-id": p.userId },
      el("span", { class: "dot" }),
      el("span", { class: "member-name" }, p.userId === userId ? `${p.userId} (you)` : p.userId),
      el("span", { "data-testid": "member-status", class: "status" }),
      el("span", { "data-testid": "member-page", class: "page" }),
      el("span", { "data-testid": "member-activity", class: "activity" }));
    // Kept in user id order.
    const next = [...list.children].find((child) => child.getAttribute("data-user-id") > p.userId);
    list.insertBefore(row, next ?? null);
  }
  row.setAttribute("data-status", p.status);
  row.querySelector('[data-testid="member-status"]').textContent = p.status;
  row.querySelector('[data-testid="member-page"]').textContent = p.currentPage ?? "";
  row.querySelector('[data-testid="member-activity"]').textContent = activityText(p.activity);
  byTestId("online-count").textContent = String([...members.values()].filter((m) => m.status !== "offline").length);
}

async function loadPresence(client) {
  let page = await client.getPresence({ limit: 200 });
  for (let pages = 1; ; pages++) {
    page.users.forEach(upsertMember);
    if (!page.nextCursor || pages >= 5) break;
    page = await client.getPresence({ cursor: page.nextCursor, limit: 200 });
  }
}

function setTypingUser(typing) {
  const list = byTestId("typing");
  const selector = `[data-testid="typing-user"][data-user-id="${CSS.escape(typing.userId)}"][data-conversation-id="${CSS.escape(typing.conversationId)}"]`;
  const existing = list.querySelector(selector);
  if (typing.isTyping && !existing) {
    list.append(el("li", { "data-testid": "typing-user", "data-user-id": typing.userId, "data-conversation-id": typing.conversationId },
      `${typing.userId} is typing in #${typing.conversationId}…`));
  } else if (!typing.isTyping && existing) {
    existing.remove();
  }
}

function wirePresence(client) {
  const applyAll = ({ users }) => users.forEach(upsertMember);
  client.on("presence:update", applyAll);
  client.on("presence:list", applyAll);
  client.on("presence:online:list", applyAll);
  client.on("presence:summary", (s) => {
    byTestId("presence-summary").textContent = `${s.online} online, ${s.away} away, ${s.total} members`;
  });
  client.on("presence:activity", (a) => {
    const known = members.get(a.userId);
    if (known) upsertMember({ ...known, activity: a });
  });
  client.on("presence:typing", setTypingUser);
  // Whatever changed while cut off: typing flags are stale, presence is fetched again.
  client.on("reconnected", ({ hub }) => {
    if (hub === "presence") byTestId("typing").replaceChildren();
    if (hub === "realtime") loadPresence(client).catch(() => {});
  });
}

// ---- notifications ----------------------------------------------------------------------

function setUnread(count) {
  byTestId("unread-count").textContent = String(count);
  byTestId("bell").classList.toggle("has-unread", count > 0);
}

function markItemRead(id) {
  const item = byTestId("notifications").querySelector(`[data-testid="notification"][data-id="${CSS.escape(id)}"]`);
  if (item) setItemRead(item);
}

function setItemRead(item) {
  item.setAttribute("data-read", "true");
  /** @type {HTMLButtonElement} */ (item.querySelector('[data-testid="mark-read"]')).disabled = true;
}

/** @param {import("@realtime-orleans/client").Notification} n @param {"top" | "bottom"} where */
function addNotification(client, n, where) {
  const list = byTestId("notifications");
  if (list.querySelector(`[data-testid="notification"][data-id="${CSS.escape(n.id)}"]`)) return;
  const button = /** @type {HTMLButtonElement} */ (el("button", { type: "button", "data-testid": "mark-read" }, "Mark read"));
  const item = el("li", { "data-testid": "notification", "data-id": n.id, "data-read": String(Boolean(n.read)), "data-type": n.type },
    el("div", { class: "notification-head" },
      el("span", { class: "type" }, n.type),
      el("strong", { "data-testid": "notification-title" }, n.title),
      el("time", { datetime: n.createdAt }, new Date(n.createdAt).toLocaleTimeString())),
    el("p", { "data-testid": "notification-message" }, n.message),
    button);
  if (n.read) button.disabled = true;
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      const ack = await client.markRead(n.id);
      setItemRead(item);
      setUnread(ack.unreadCount);
    } catch (error) {
      button.disabled = false;
      showError(`Marking as read failed: ${error.message}`);
    }
  });
  if (where === "top") list.prepend(item); else list.append(item);
  byTestId("notifications-empty").hidden = true;
}

async function loadNotifications(client) {
  const page = await client.listNotifications({ limit: 50 });
  page.notifications.forEach((n) => addNotification(client, n, "bottom"));
  setUnread(page.unreadCount);
  if (page.notifications.length > 0) client.lastNotificationId = page.notifications[0].id;
}

function wireNotifications(client) {
  // The server's count is the truth: after a reconnect it already counts the notifications it
  // replays, so counting them again here would show too many. One refresh per burst.
  // A notification arriving during a refresh asks again once it is done.
  let refreshing = false;
  let again = false;
  const refreshUnread = async () => {
    if (refreshing) { again = true; return; }
    refreshing = true;
    try {
      do {
        again = false;
        const { count } = await client.getUnreadCount();
        setUnread(count);
      } while (again);
    } catch (error) {
      showError(`Reading the unread count failed: ${error.message}`);
    } finally {
      refreshing = false;
    }
  };
  client.on("notification", (n) => {
    addNotification(client, n, "top");
    if (!n.read) refreshUnread();
  });
  client.on("notification:unread", ({ count }) => setUnread(count));
  client.on("notification:read:ack", (ack) => {
    if (ack.all) byTestId("notifications").querySelectorAll('[data-testid="notification"]').forEach(setItemRead);
    else if (ack.notificationId) markItemRead(ack.notificationId);
    setUnread(ack.unreadCount);
  });
}

// ---- dashboard chart --------------------------------------------------------------------

/** @type {Map<string, { label: string, points: number[] }>} */
const series = new Map();
let drawScheduled = false;

function addPoint(key, label, value) {
  if (typeof value !== "number" || !Number.isFinite(value)) return;
  const s = series.get(key) ?? { label, points: [] };
  series.set(key, s);
  s.points.push(value);
  if (s.points.length > MAX_POINTS_PER_SERIES) s.points.shift();
  if (!drawScheduled) {
    drawScheduled = true;
    requestAnimationFrame(drawChart);
  }
}

function drawChart() {
  drawScheduled = false;
  const canvas = /** @type {HTMLCanvasElement} */ (byTestId("metrics-chart"));
  const ctx = canvas.getContext("2d");
  const { width, height } = canvas;
  const pad = 8;
  ctx.clearRect(0, 0, width, height);
  ctx.strokeStyle = "#e5e7eb";
  ctx.lineWidth = 1;
  for (let i = 0; i <= 4; i++) {
    const y = pad + ((height - 2 * pad) * i) / 4;
    ctx.beginPath();
    ctx.moveTo(0, y);
    ctx.lineTo(width, y);
    ctx.stroke();
  }

  let drawn = 0;
  const legend = byTestId("chart-legend");
  legend.replaceChildren();
  const stepX = (width - 2 * pad) / (MAX_POINTS_PER_SERIES - 1);
  ctx.font = "12px system-ui, sans-serif";
  ctx.textBaseline = "middle";
  [...series.values()].forEach((s, index) => {
    const color = SERIES_COLORS[index % SERIES_COLORS.length];
    // Each series on its own scale: the shape of its changes, with its latest value in the legend.
    // A series that has not changed (one point, or equal ones) has no shape: it sits in the middle,
    // not on the bottom edge, as a dot for a single point.
    const min = Math.min(...s.points);
    const max = Math.max(...s.points);
    const yOf = (value) => (max === min ? height / 2 : height - pad - ((value - min) / (max - min)) * (height - 2 * pad));
    // Newest point on the right edge, as a live chart scrolls.
    const xOf = (i) => width - pad - (s.points.length - 1 - i) * stepX;
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.points.forEach((value, i) => {
      if (i === 0) ctx.moveTo(xOf(i), yOf(value)); else ctx.lineTo(xOf(i), yOf(value));
    });
    ctx.stroke();
    const last = s.points[s.points.length - 1];
    const lastX = xOf(s.points.length - 1);
    const lastY = yOf(last);
    ctx.beginPath();
    ctx.arc(lastX, lastY, s.points.length === 1 ? 4 : 3, 0, 2 * Math.PI);
    ctx.fill();
    ctx.textAlign = "right";
    ctx.fillText(String(last), lastX - 8, Math.max(pad + 6, lastY - 12));
    drawn += s.points.length;
    legend.append(el("li", { style: `--series-color: ${color}` }, `${s.label}: ${last}`));
  });
  canvas.setAttribute("data-points", String(drawn));
}

function wireDashboard(client) {
  const latest = (text) => { byTestId("metric-latest").textContent = text; };
  client.on("dashboard:metric:update", (m) => {
    const label = m.platform ? `${m.metric} (${m.platform})` : m.metric;
    addPoint(`metric:${m.metric}:${m.platform ?? ""}`, label, m.value);
    latest(`${m.metric}: ${m.value}`);
  });
  client.on("dashboard:followers:update", (f) => {
    addPoint(`followers:${f.platform}:${f.accountId}`, `followers (${f.platform} ${f.accountId})`, f.followers);
    latest(`followers: ${f.followers}`);
  });
}

// ---- inbox -----------------------------------------------------------------------------

/** @typedef {import("@realtime-orleans/client").Conversation} Conversation */
/** @typedef {import("@realtime-orleans/client").InboxMessage} InboxMessage */

const inbox = {
  /** @type {Map<string, Conversation>} */
  conversations: new Map(),
  /** @type {Map<string, InboxMessage[]>} messages seen live, per conversation */
  messages: new Map(),
  /** @type {Map<string, Map<string, string>>} per conversation: user -> the message they read up to */
  receipts: new Map(),
  /** @type {Map<string, Set<string>>} per conversation: who is typing */
  typing: new Map(),
  /** @type {Set<string>} conversations whose SLA ran out */
  escalated: new Set(),
  /** @type {string | null} */
  selected: null,
  /** @type {Map<string, string>} per conversation: the message this user last marked read */
  markedRead: new Map(),
  /** @type {import("@realtime-orleans/client").RealtimeClient | null} */
  client: null,
};

const conversationRow = (id) =>
  byTestId("conversations").querySelector(`[data-testid="conversation"][data-conversation-id="${CSS.escape(id)}"]`);

/** "02:05" from milliseconds. */
function clock(ms) {
  const seconds = Math.max(0, Math.ceil(ms / 1000));
  const minutes = Math.floor(seconds / 60);
  return `${String(minutes).padStart(2, "0")}:${String(seconds % 60).padStart(2, "0")}`;
}

/** The SLA cell of a conversation: a countdown while the customer waits, the escalation once it ran out. */
function renderSla(id) {
  const row = conversationRow(id);
  if (!row) return;
  const c = inbox.conversations.get(id);
  const sla = row.querySelector('[data-testid="sla"]');
  if (inbox.escalated.has(id) || c?.escalated) {
    sla.setAttribute("data-state", "escalated");
    sla.textContent = "SLA breached: escalated";
  } else if (c?.slaDeadline) {
    const left = Date.parse(c.slaDeadline) - Date.now();
    sla.setAttribute("data-state", left > 0 ? "running" : "due");
    sla.textContent = left > 0 ? `SLA ${clock(left)}` : "SLA due";
  } else {
    sla.setAttribute("data-state", "none");
    sla.textContent = "";
  }
}

function renderConversation(id) {
  const c = inbox.conversations.get(id);
  let row = conversationRow(id);
  if (!row) {
    row = el("li", { "data-testid": "conversation", "data-conversation-id": id, tabindex: "0", role: "button" },
      el("strong", { class: "conversation-name" }, id),
      el("span", { "data-testid": "conversation-status", class: "badge" }),
      el("span", { "data-testid": "sla", class: "sla", "data-state": "none" }),
      el("span", { "data-testid": "conversation-last", class: "conversation-last" }),
      el("span", { "data-testid": "conversation-assignee", class: "conversation-assignee" }),
      el("span", { "data-testid": "conversation-typing", class: "conversation-typing" }));
    const open = () => selectConversation(id);
    row.addEventListener("click", open);
    row.addEventListener("keydown", (/** @type {KeyboardEvent} */ event) => { if (event.key === "Enter") open(); });
    byTestId("conversations").prepend(row);
    byTestId("inbox-empty").hidden = true;
    byTestId("inbox-count").textContent = String(byTestId("conversations").children.length);
  }
  row.setAttribute("data-selected", String(inbox.selected === id));
  if (c) {
    row.setAttribute("data-status", c.status);
    row.querySelector('[data-testid="conversation-status"]').textContent = c.status;
    row.querySelector('[data-testid="conversation-assignee"]').textContent = c.assignee ? `assigned to ${c.assignee}` : "unassigned";
  }
  const messages = inbox.messages.get(id) ?? [];
  const last = messages[messages.length - 1];
  row.querySelector('[data-testid="conversation-last"]').textContent = last
    ? `${last.fromCustomer ? "customer" : last.authorId}: ${last.content}`
    : c?.lastMessage ? `last from ${c.lastMessage.fromCustomer ? "the customer" : c.lastMessage.authorId}` : "";
  const typing = [...(inbox.typing.get(id) ?? [])];
  row.querySelector('[data-testid="conversation-typing"]').textContent = typing.length ? `${typing.join(", ")} typing…` : "";
  renderSla(id);
}

function renderSelected(client) {
  const id = inbox.selected;
  const view = byTestId("conversation-view");
  view.hidden = !id;
  if (!id) return;
  byTestId("conversation-title").textContent = id;
  const messages = inbox.messages.get(id) ?? [];
  byTestId("inbox-messages").replaceChildren(...messages.map((m) =>
    el("li", { "data-testid": "inbox-message", "data-message-id": m.messageId, "data-from": m.fromCustomer ? "customer" : "team" },
      el("span", { class: "author" }, m.fromCustomer ? `customer ${m.authorId}` : m.authorId),
      el("span", { class: "content" }, m.content),
      el("time", { datetime: m.sentAt }, new Date(m.sentAt).toLocaleTimeString()))));
  byTestId("inbox-typing").replaceChildren(...[...(inbox.typing.get(id) ?? [])].map((u) =>
    el("li", { "data-testid": "inbox-typing-user", "data-user-id": u }, `${u} is typing…`)));
  byTestId("read-receipts").replaceChildren(...[...(inbox.receipts.get(id) ?? new Map())].map(([u, messageId]) =>
    el("li", { "data-testid": "read-receipt", "data-user-id": u, "data-message-id": messageId }, `seen by ${u} (${messageId})`)));
  markSelectedRead(client);
}

/** The open conversation is read up to its newest message: the others get a read receipt. */
function markSelectedRead(client) {
  const id = inbox.selected;
  if (!id || document.visibilityState === "hidden") return;
  const messages = inbox.messages.get(id) ?? [];
  const newest = messages[messages.length - 1]?.messageId ?? inbox.conversations.get(id)?.lastMessage?.messageId;
  if (!newest || inbox.markedRead.get(id) === newest) return;
  inbox.markedRead.set(id, newest);
  client.markConversationRead(id, newest).catch((error) => {
    inbox.markedRead.delete(id);
    showError(`Marking the conversation read failed: ${error.message}`);
  });
}

function selectConversation(id) {
  inbox.selected = id;
  for (const row of byTestId("conversations").children) row.setAttribute("data-selected", String(row.getAttribute("data-conversation-id") === id));
  renderSelected(inbox.client);
  /** @type {HTMLInputElement} */ (byTestId("inbox-compose")).value = "";
}

/** A conversation heard of for the first time (a message of it): its state, from the server. */
async function learnConversation(client, id) {
  if (inbox.conversations.has(id)) return;
  try {
    const { conversation } = await client.subscribeInbox(id);
    if (conversation && !inbox.conversations.has(id)) setConversation(conversation);
  } catch (error) {
    showError(`Loading conversation ${id} failed: ${error.message}`);
  }
}

function setConversation(c) {
  inbox.conversations.set(c.conversationId, c);
  if (c.escalated) inbox.escalated.add(c.conversationId);
  // A team reply ends the wait, and a new wait may start a new SLA.
  else inbox.escalated.delete(c.conversationId);
  renderConversation(c.conversationId);
}

function wireInbox(client) {
  inbox.client = client;
  const refresh = (id) => {
    renderConversation(id);
    if (inbox.selected === id) renderSelected(client);
  };
  client.on("inbox:conversation:update", (c) => {
    setConversation(c);
    if (inbox.selected === c.conversationId) renderSelected(client);
  });
  client.on("inbox:subscribed", ({ conversation }) => {
    if (conversation) setConversation(conversation);
  });
  client.on("inbox:message", (m) => {
    const list = inbox.messages.get(m.conversationId) ?? [];
    if (list.some((known) => known.messageId === m.messageId)) return;
    list.push(m);
    inbox.messages.set(m.conversationId, list);
    refresh(m.conversationId);
    learnConversation(client, m.conversationId);
  });
  client.on("inbox:typing", (t) => {
    if (t.userId === userId) return;
    const who = inbox.typing.get(t.conversationId) ?? new Set();
    if (t.isTyping) who.add(t.userId); else who.delete(t.userId);
    inbox.typing.set(t.conversationId, who);
    refresh(t.conversationId);
  });
  client.on("inbox:read:receipt", (r) => {
    if (r.userId === userId) return;
    const readers = inbox.receipts.get(r.conversationId) ?? new Map();
    readers.set(r.userId, r.messageId);
    inbox.receipts.set(r.conversationId, readers);
    if (inbox.selected === r.conversationId) renderSelected(client);
  });
  client.on("inbox:sla:escalation", (e) => {
    inbox.escalated.add(e.conversationId);
    if (!inbox.conversations.has(e.conversationId)) learnConversation(client, e.conversationId);
    renderConversation(e.conversationId);
  });
  // After a reconnect typing flags are stale, and a conversation may have changed meanwhile
  // (assigned, answered, escalated): its state is asked for again.
  client.on("reconnected", ({ hub }) => {
    if (hub !== "inbox") return;
    inbox.typing.clear();
    for (const id of [...inbox.conversations.keys()].slice(0, 100)) {
      refresh(id);
      client.subscribeInbox(id).then(({ conversation }) => conversation && setConversation(conversation), () => {});
    }
  });
  document.addEventListener("visibilitychange", () => markSelectedRead(client));
  setInterval(() => { for (const id of inbox.conversations.keys()) renderSla(id); }, 1000);

  wireTypingInput(/** @type {HTMLInputElement} */ (byTestId("inbox-compose")),
    (isTyping) => inbox.selected ? client.setInboxTyping(inbox.selected, isTyping) : Promise.resolve());
}

// ---- metrics ---------------------------------------------------------------------------

function wireMetrics(client) {
  client.on("metrics:update", (m) => {
    const list = byTestId("live-metrics");
    let row = list.querySelector(`[data-testid="live-metric"][data-metric="${CSS.escape(m.metric)}"]`);
    if (!row) {
      row = el("li", { "data-testid": "live-metric", "data-metric": m.metric },
        el("span", { class: "metric-name" }, m.metric),
        el("strong", { "data-testid": "live-metric-value" }),
        el("span", { "data-testid": "live-metric-trend", class: "trend" }),
        el("time", {}));
      const next = [...list.children].find((child) => child.getAttribute("data-metric") > m.metric);
      list.insertBefore(row, next ?? null);
      byTestId("metrics-empty").hidden = true;
    }
    const value = row.querySelector('[data-testid="live-metric-value"]');
    const before = Number(value.getAttribute("data-value"));
    const trend = value.hasAttribute("data-value") && m.value !== before ? (m.value > before ? "up" : "down") : "same";
    value.setAttribute("data-value", String(m.value));
    value.textContent = String(m.value);
    const arrow = row.querySelector('[data-testid="live-metric-trend"]');
    arrow.setAttribute("data-trend", trend);
    arrow.textContent = trend === "up" ? "▲" : trend === "down" ? "▼" : "";
    const time = row.querySelector("time");
    time.setAttribute("datetime", m.timestamp);
    time.textContent = new Date(m.timestamp).toLocaleTimeString();
  });
}

// ---- controls -------------------------------------------------------------------------

function wireControls(client) {
  const run = (action, what) => action().catch((error) => showError(`${what} failed: ${error.message}`));

  for (const link of document.querySelectorAll('[data-testid="nav-link"]')) {
    link.addEventListener("click", (event) => {
      event.preventDefault();
      const page = link.getAttribute("data-page");
      run(async () => {
        await client.navigate(page);
        document.querySelectorAll('[data-testid="nav-link"]').forEach((l) => l.removeAttribute("aria-current"));
        link.setAttribute("aria-current", "page");
      }, "Navigating");
    });
  }

  const status = /** @type {HTMLSelectElement} */ (byTestId("status-select"));
  status.addEventListener("change", () => run(() => client.setStatus(/** @type {any} */ (status.value)), "Changing status"));

  const activityForm = /** @type {HTMLFormElement} */ ($("#activity-form"));
  activityForm.addEventListener("submit", (event) => {
    event.preventDefault();
    const type = /** @type {HTMLSelectElement} */ (byTestId("activity-type")).value;
    const resourceId = /** @type {HTMLInputElement} */ (byTestId("activity-resource")).value.trim();
    if (resourceId) run(() => client.setActivity({ type: /** @type {any} */ (type), resourceId, resourceType: "post" }), "Sharing activity");
  });

  wireTypingInput(/** @type {HTMLInputElement} */ (byTestId("compose")), (isTyping) => client.setTyping(CONVERSATION_ID, isTyping));

  byTestId("mark-all-read").addEventListener("click", () => run(async () => {
    const ack = await client.markAllRead();
    byTestId("notifications").querySelectorAll('[data-testid="notification"]').forEach(setItemRead);
    setUnread(ack.unreadCount);
  }, "Marking all as read"));

  byTestId("bell").addEventListener("click", () => $("#notifications-panel").scrollIntoView({ behavior: "smooth" }));
}

/**
 * Typing: true on the first keystroke, renewed while typing goes on, false after a pause, on
 * blur and on send (Enter).
 * @param {HTMLInputElement} input
 * @param {(isTyping: boolean) => Promise<void>} sendTyping
 */
function wireTypingInput(input, sendTyping) {
  let typing = false;
  let lastSent = 0;
  let pauseTimer = 0;
  const send = (isTyping) => {
    typing = isTyping;
    lastSent = Date.now();
    sendTyping(isTyping).catch((error) => showError(`Typing indicator failed: ${error.message}`));
  };
  const stop = () => {
    clearTimeout(pauseTimer);
    if (typing) send(false);
  };
  input.addEventListener("input", () => {
    if (input.value === "") return stop();
    if (!typing || Date.now() - lastSent > TYPING_RENEW_MS) send(true);
    clearTimeout(pauseTimer);
    pauseTimer = setTimeout(stop, TYPING_PAUSE_MS);
  });
  input.addEventListener("blur", stop);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      input.value = "";
      stop();
    }
  });
}
