import assert from "node:assert/strict";
import { test } from "node:test";
import { createRealtimeClient, hubUrl, memoryStore, recoveryPositionOf, RecoveryPositions } from "../../dist/index.js";

test("a position is read from an object payload's recoveryPosition string, and from nothing else", () => {
  assert.equal(recoveryPositionOf({ name: "Spring", recoveryPosition: "AAEC_-x" }), "AAEC_-x");
  for (const payload of [null, undefined, "AAEC", 7, ["AAEC"], {}, { recoveryPosition: "" }, { recoveryPosition: 12 }, { recoveryPosition: null }, { data: { recoveryPosition: "nested" } }]) {
    assert.equal(recoveryPositionOf(payload), null, JSON.stringify(payload));
  }
});

test("each hub keeps the last position it received; events without one leave it as it was", () => {
  const positions = new RecoveryPositions();
  assert.equal(positions.get("realtime", "w1"), null);
  assert.equal(positions.remember("realtime", "w1", { seq: 1, recoveryPosition: "p1" }), true);
  assert.equal(positions.remember("realtime", "w1", { seq: 2, recoveryPosition: "p2" }), true);
  assert.equal(positions.remember("realtime", "w1", { timestamp: "2026-12-07T00:00:00Z" }), false, "pong carries none");
  assert.equal(positions.remember("realtime", "w1", "a bare string"), false);
  positions.remember("dashboard", "w1", { metric: "reach", recoveryPosition: "d9" });
  assert.equal(positions.get("realtime", "w1"), "p2");
  assert.equal(positions.get("dashboard", "w1"), "d9");
  assert.equal(positions.get("inbox", "w1"), null, "hubs do not share positions");
});

test("a position is given back only for the workspace it came from", () => {
  const positions = new RecoveryPositions();
  positions.remember("realtime", "w1", { recoveryPosition: "p1" });
  assert.equal(positions.get("realtime", "w2"), null);
  positions.remember("realtime", "w2", { recoveryPosition: "q1" });
  assert.equal(positions.get("realtime", "w1"), null, "the newer workspace's position replaced it");
  assert.equal(positions.get("realtime", "w2"), "q1");
  positions.set("realtime", "w2", null);
  assert.equal(positions.get("realtime", "w2"), null);
});

test("the hub URL carries the workspace, then lastNotificationId and recover when there are some, escaped", () => {
  assert.equal(hubUrl("http://localhost:3001", "realtime", { workspaceId: "w1" }), "http://localhost:3001/realtime?workspaceId=w1");
  assert.equal(hubUrl("http://localhost:3001/", "realtime", { workspaceId: "w 1", recover: "AA+b/c=" }),
    "http://localhost:3001/realtime?workspaceId=w+1&recover=AA%2Bb%2Fc%3D");
  assert.equal(hubUrl("https://edge.example", "notifications", { workspaceId: "w1", lastNotificationId: "n-9", recover: "p" }),
    "https://edge.example/notifications?workspaceId=w1&lastNotificationId=n-9&recover=p");
  assert.equal(hubUrl("", "inbox", { workspaceId: "w1", lastNotificationId: null, recover: null }), "/inbox?workspaceId=w1");
  const parsed = new URL(hubUrl("http://h", "metrics", { workspaceId: "w1", recover: "AA+b/c=" }));
  assert.equal(parsed.searchParams.get("recover"), "AA+b/c=", "the server reads back the exact position");
});

test("a client starts from the positions it is given, for its own hubs and workspace only", () => {
  const client = createRealtimeClient({
    baseUrl: "http://localhost:3001",
    workspaceId: "w1",
    getToken: () => "t",
    notificationStore: memoryStore(),
    recoveryPositions: { realtime: "p7", inbox: "" },
  });
  assert.equal(client.recoveryPosition("realtime"), "p7");
  assert.equal(client.recoveryPosition("inbox"), null);
  assert.equal(client.recoveryPosition("dashboard"), null);
});
