// A small client for the Realtime.Orleans HTTP API (docs/protocol.md, "HTTP API"): one method per
// route a backend uses, a service token minted with jose, and an Idempotency-Key on every POST so
// a retry after a timeout never delivers twice.
import { randomUUID } from "node:crypto";
import { SignJWT } from "jose";

export class RealtimeApiError extends Error {
  constructor(status, problem) {
    super(`${status} ${problem?.title ?? ""}${problem?.errors ? " " + JSON.stringify(problem.errors) : ""}`);
    this.status = status;
    this.problem = problem;
  }
}

export class RealtimeApi {
  /**
   * @param {{ url: string, signingKey: string, issuer: string, audience: string, serviceName?: string }} options
   */
  constructor({ url, signingKey, issuer, audience, serviceName = "node-backend" }) {
    this.url = url.replace(/\/$/, "");
    this.key = new TextEncoder().encode(signingKey);
    this.issuer = issuer;
    this.audience = audience;
    this.serviceName = serviceName;
  }

  /** A token of role "service", valid for ten minutes; in production your identity provider issues it. */
  async serviceToken() {
    return await new SignJWT({ role: "service", workspaces: [] })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject(this.serviceName)
      .setIssuer(this.issuer)
      .setAudience(this.audience)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(this.key);
  }

  broadcastToWorkspace(workspaceId, event, data) {
    return this.#send("POST", `/realtime/broadcast/workspace/${enc(workspaceId)}`, { event, data });
  }

  broadcastToUser(workspaceId, userId, event, data) {
    return this.#send("POST", `/realtime/broadcast/user/${enc(userId)}/workspace/${enc(workspaceId)}`, { event, data });
  }

  sendNotification(userId, workspaceId, { type, title, message, data }) {
    return this.#send("POST", "/realtime/notifications/send", { userId, workspaceId, type, title, message, data });
  }

  sendWorkspaceNotification(workspaceId, { type, title, message, data }) {
    return this.#send("POST", `/realtime/notifications/workspace/${enc(workspaceId)}`, { type, title, message, data });
  }

  /** kind: "metric" | "post" | "analytics" | "followers" | "engagement", with that update's fields. */
  updateDashboard(workspaceId, kind, update) {
    return this.#send("POST", `/realtime/dashboard/${enc(workspaceId)}/${kind}`, update);
  }

  publishMetric(workspaceId, metric, value, data) {
    return this.#send("POST", `/realtime/metrics/${enc(workspaceId)}`, { metric, value, data });
  }

  addInboxMessage(workspaceId, conversationId, { messageId, from, authorId, content, data, sentAt }) {
    return this.#send("POST", `/realtime/inbox/${enc(workspaceId)}/conversations/${enc(conversationId)}/messages`,
      { messageId, from, authorId, content, data, sentAt });
  }

  /** Any of { assignedTo, status, slaSeconds }; null unassigns or clears the SLA. */
  updateConversation(workspaceId, conversationId, changes) {
    return this.#send("PATCH", `/realtime/inbox/${enc(workspaceId)}/conversations/${enc(conversationId)}`, changes);
  }

  /** Closes the user's connections (in one workspace, or everywhere) and refuses their earlier tokens. */
  revokeUser(userId, { workspaceId, reason } = {}) {
    const query = new URLSearchParams();
    if (workspaceId) query.set("workspaceId", workspaceId);
    if (reason) query.set("reason", reason);
    return this.#send("DELETE", `/realtime/connections/user/${enc(userId)}?${query}`);
  }

  async #send(method, path, body, idempotencyKey = randomUUID()) {
    const headers = { Authorization: `Bearer ${await this.serviceToken()}` };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (method === "POST") headers["Idempotency-Key"] = idempotencyKey;
    const response = await fetch(this.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    const parsed = text ? JSON.parse(text) : null;
    if (!response.ok) throw new RealtimeApiError(response.status, parsed);
    return parsed;
  }
}

const enc = encodeURIComponent;
