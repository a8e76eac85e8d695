// @realtime-orleans/client: a typed client of the Realtime.Orleans edge gateway's SignalR hubs.
export * from "./protocol.js";
export * from "./client.js";
export { backoffDelay, FIRST_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS } from "./backoff.js";
export { defaultStore, memoryStore, webStorageStore, type NotificationCursorStore, type WebStorage } from "./store.js";
export { SessionState, type ReplayCall } from "./session.js";
export { hubUrl, recoveryPositionOf, RecoveryPositions, RECOVER_PARAMETER, type HubUrlQuery } from "./recovery.js";
