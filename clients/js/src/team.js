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

  const client = createRealtimeClient({ workspaceId: workspace, getToken });
  window.realtimeClient = client; // for the console

  client.on("state", ({ state }) => setConnectionState(state));
  wirePresence(client);
  wireNotifications(client);
  wireDashboard(client);
  wireControls(client);

  // The list before the live feed: recovery then starts after the newest one listed.
  await loadNotifications(client).catch((error) => showError(error.message));
  await client.start();
  await Promise.all([loadPresence(client), client.subscribeDashboard()]);
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
  const button = el("button", { type: "button", "data-testid": "mark-read" }, "Mark read");
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
  [...series.values()].forEach((s, index) => {
    const color = SERIES_COLORS[index % SERIES_COLORS.length];
    // Each series on its own scale: the shape of its changes, with its latest value in the legend.
    const min = Math.min(...s.points);
    const max = Math.max(...s.points);
    const span = max - min || 1;
    const stepX = (width - 2 * pad) / (MAX_POINTS_PER_SERIES - 1);
    ctx.strokeStyle = color;
    ctx.fillStyle = color;
    ctx.lineWidth = 2;
    ctx.beginPath();
    s.points.forEach((value, i) => {
      const x = pad + i * stepX;
      const y = height - pad - ((value - min) / span) * (height - 2 * pad) * (max === min ? 0.5 : 1);
      if (i === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
    });
    ctx.stroke();
    if (s.points.length === 1) {
      ctx.beginPath();
      ctx.arc(pad, height / 2, 3, 0, 2 * Math.PI);
      ctx.fill();
    }
    drawn += s.points.length;
    legend.append(el("li", { style: `--series-color: ${color}` }, `${s.label}: ${s.points[s.points.length - 1]}`));
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

  // Typing: true on the first keystroke, renewed while typing goes on, false after a pause,
  // on blur and on send.
  const compose = /** @type {HTMLInputElement} */ (byTestId("compose"));
  let typing = false;
  let lastSent = 0;
  let pauseTimer = 0;
  const send = (isTyping) => {
    typing = isTyping;
    lastSent = Date.now();
    run(() => client.setTyping(CONVERSATION_ID, isTyping), "Typing indicator");
  };
  const stop = () => {
    clearTimeout(pauseTimer);
    if (typing) send(false);
  };
  compose.addEventListener("input", () => {
    if (compose.value === "") return stop();
    if (!typing || Date.now() - lastSent > TYPING_RENEW_MS) send(true);
    clearTimeout(pauseTimer);
    pauseTimer = setTimeout(stop, TYPING_PAUSE_MS);
  });
  compose.addEventListener("blur", stop);
  compose.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      compose.value = "";
      stop();
    }
  });

  byTestId("mark-all-read").addEventListener("click", () => run(async () => {
    const ack = await client.markAllRead();
    byTestId("notifications").querySelectorAll('[data-testid="notification"]').forEach(setItemRead);
    setUnread(ack.unreadCount);
  }, "Marking all as read"));

  byTestId("bell").addEventListener("click", () => $("#notifications-panel").scrollIntoView({ behavior: "smooth" }));
}
