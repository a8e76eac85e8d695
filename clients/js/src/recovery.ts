// Connection-state recovery (docs/protocol.md, "Recovery after a brief disconnect"): every
// recoverable event carries `recoveryPosition`, an opaque string; a hub connection that comes back
// passes the last one it received as `recover=` and the server replays what it missed. A position
// belongs to one workspace's events: it is kept and given back only for that workspace.

import { HUB_PATHS, type HubName } from "./protocol.js";

/** The query parameter that passes a position back on reconnecting. */
export const RECOVER_PARAMETER = "recover";

/** The position an event's payload carries, if any: a non-empty string under `recoveryPosition` of an object. */
export function recoveryPositionOf(payload: unknown): string | null {
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) return null;
  const position = (payload as { recoveryPosition?: unknown }).recoveryPosition;
  return typeof position === "string" && position.length > 0 ? position : null;
}

/** The last position received on each hub, with the workspace it came from. */
export class RecoveryPositions {
  readonly #last = new Map<HubName, { workspaceId: string; position: string }>();

  /** Keeps the payload's position (if it has one) as the hub's last; returns whether it had one. */
  remember(hub: HubName, workspaceId: string, payload: unknown): boolean {
    const position = recoveryPositionOf(payload);
    if (position === null) return false;
    this.#last.set(hub, { workspaceId, position });
    return true;
  }

  /** Sets (or with null, forgets) the hub's position for a workspace, e.g. one kept across a page reload. */
  set(hub: HubName, workspaceId: string, position: string | null): void {
    if (position) this.#last.set(hub, { workspaceId, position });
    else this.#last.delete(hub);
  }

  /** The hub's last position, only if it came from this workspace: another workspace's events do not resume this one. */
  get(hub: HubName, workspaceId: string): string | null {
    const last = this.#last.get(hub);
    return last && last.workspaceId === workspaceId ? last.position : null;
  }
}

export interface HubUrlQuery {
  workspaceId: string;
  /** /notifications: the newest notification delivered. */
  lastNotificationId?: string | null;
  /** The last recoveryPosition received on this hub. */
  recover?: string | null;
}

/** The URL a hub connection opens: `<baseUrl>/<hub>?workspaceId=...[&lastNotificationId=...][&recover=...]`. */
export function hubUrl(baseUrl: string, hub: HubName, query: HubUrlQuery): string {
  const params = new URLSearchParams({ workspaceId: query.workspaceId });
  if (query.lastNotificationId) params.set("lastNotificationId", query.lastNotificationId);
  if (query.recover) params.set(RECOVER_PARAMETER, query.recover);
  return `${baseUrl.replace(/\/+$/, "")}${HUB_PATHS[hub]}?${params}`;
}
