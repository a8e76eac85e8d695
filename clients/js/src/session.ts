// What the server keeps per connection and so forgets when a connection is replaced: the
// subscriptions, filters, page, status and activity a client asked for. Recorded as the calls
// succeed, replayed on the new connection after a reconnect.

import type { ActivityType, HubName, NotificationType, PresenceStatus } from "./protocol.js";

/** One hub call to make again: method name and its payload (none for an argument-less call). */
export interface ReplayCall {
  method: string;
  payload?: object;
}

export class SessionState {
  notificationTypes: NotificationType[] | null = null;
  /** undefined: never subscribed; null: every platform. */
  dashboardPlatforms: string[] | null | undefined = undefined;
  /** undefined: never subscribed; null: every metric. */
  metricsFilter: string[] | null | undefined = undefined;
  wholeInbox = false;
  readonly conversations = new Set<string>();
  page: string | null = null;
  status: PresenceStatus | null = null;
  activity: { type: ActivityType; resourceId: string; resourceType: string } | null = null;
  watched: string[] | null = null;

  subscribedInbox(conversationId?: string): void {
    if (conversationId === undefined) {
      // The server's whole-inbox subscription replaces the single ones.
      this.wholeInbox = true;
      this.conversations.clear();
    } else if (!this.wholeInbox) {
      this.conversations.add(conversationId);
    }
  }

  /** The calls that restore a new connection of `hub` to what the old one had, in order. */
  replay(hub: HubName): ReplayCall[] {
    switch (hub) {
      case "notifications":
        return this.notificationTypes ? [{ method: "notification:subscribe", payload: { types: [...this.notificationTypes] } }] : [];
      case "dashboard":
        if (this.dashboardPlatforms === undefined) return [];
        return [this.dashboardPlatforms ? { method: "dashboard:subscribe", payload: { platforms: [...this.dashboardPlatforms] } } : { method: "dashboard:subscribe" }];
      case "metrics":
        if (this.metricsFilter === undefined) return [];
        return [this.metricsFilter ? { method: "metrics:subscribe", payload: { metrics: [...this.metricsFilter] } } : { method: "metrics:subscribe" }];
      case "inbox":
        if (this.wholeInbox) return [{ method: "inbox:subscribe" }];
        // In one call: only a connection's first subscription recovers what it missed.
        return this.conversations.size > 0 ? [{ method: "inbox:subscribe", payload: { conversationIds: [...this.conversations] } }] : [];
      case "realtime":
        return this.page ? [{ method: "page:navigate", payload: { page: this.page } }] : [];
      case "presence": {
        const calls: ReplayCall[] = [];
        // A new connection starts online: only another status needs saying again.
        if (this.status && this.status !== "online") calls.push({ method: "presence:status", payload: { status: this.status } });
        if (this.activity) calls.push({ method: "presence:activity", payload: { ...this.activity } });
        if (this.watched && this.watched.length > 0) calls.push({ method: "presence:watch", payload: { userIds: [...this.watched] } });
        return calls;
      }
    }
  }
}
