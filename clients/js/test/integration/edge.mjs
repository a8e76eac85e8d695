// What the integration tests need of a running edge (REALTIME_URL, Development environment):
// tokens from its /dev/token endpoint, its HTTP API as a backend calls it, and waiting for events.
import { createRealtimeClient, LogLevel, memoryStore } from "../../dist/index.js";

export const edgeUrl = (process.env.REALTIME_URL ?? "").replace(/\/+$/, "");
if (!edgeUrl) throw new Error("REALTIME_URL must name a running edge gateway in the Development environment (e.g. http://localhost:3001, ./run.sh).");

export const newWorkspace = () => `js-${Math.random().toString(36).slice(2, 10)}`;

/** A fresh token on every call, as a real token factory refreshes: a revoked session needs a newer one. */
export async function token(userId, workspaceId, roles = "member") {
  const response = await fetch(`${edgeUrl}/dev/token?${new URLSearchParams({ userId, workspaces: workspaceId, roles })}`);
  if (!response.ok) throw new Error(`GET /dev/token: HTTP ${response.status}`);
  return (await response.json()).token;
}

/** A backend service's HTTP call (role service); returns the status and the parsed body. */
export async function api(method, path, workspaceId, body) {
  const response = await fetch(`${edgeUrl}${path}`, {
    method,
    headers: { Authorization: `Bearer ${await token("backend", workspaceId, "service")}`, "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: HTTP ${response.status} ${text}`);
  return text ? JSON.parse(text) : null;
}

export function client(userId, workspaceId, options = {}) {
  return createRealtimeClient({
    baseUrl: edgeUrl,
    workspaceId,
    userId,
    getToken: () => token(userId, workspaceId),
    notificationStore: memoryStore(),
    logLevel: LogLevel.None,
    ...options,
  });
}

/** The first `event` (already received, or coming) that matches, within a time limit. */
export function next(client, event, matches = () => true, timeoutMs = 15_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no "${event}" within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(event, (payload, context) => {
      if (!matches(payload, context)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Every `event` received from now on, to look at later. */
export function record(client, event) {
  const seen = [];
  client.on(event, (payload) => seen.push(payload));
  return seen;
}
