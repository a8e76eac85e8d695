// What the platform's Node.js backend does with the cluster, in order, against a running system
// (./run.sh): node backend.mjs <workspaceId> <userId> [<userToRevoke>]
// Prints one JSON line per step. Settings (defaults match ./run.sh's Development edge):
//   REALTIME_URL (http://localhost:3001), JWT_SIGNING_KEY, JWT_ISSUER (realtime-dev), JWT_AUDIENCE (realtime).
import { RealtimeApi } from "./realtime-api.mjs";

const [workspaceId = "w1", userId = "alice", userToRevoke] = process.argv.slice(2);
const api = new RealtimeApi({
  url: process.env.REALTIME_URL ?? "http://localhost:3001",
  signingKey: process.env.JWT_SIGNING_KEY ?? "realtime-orleans-development-signing-key-not-for-production",
  issuer: process.env.JWT_ISSUER ?? "realtime-dev",
  audience: process.env.JWT_AUDIENCE ?? "realtime",
});

const step = (name, result) => console.log(JSON.stringify({ step: name, result }));

step("broadcast", await api.broadcastToWorkspace(workspaceId, "campaign:launched", { campaign: "Spring sale" }));
step("notification", await api.sendNotification(userId, workspaceId, { type: "approval", title: "Post needs approval", message: "Spring sale teaser" }));
step("workspace notification", await api.sendWorkspaceNotification(workspaceId, { type: "crisis", title: "Crisis detected", message: "Mentions up 900% in an hour" }));
step("dashboard", await api.updateDashboard(workspaceId, "followers", { platform: "instagram", accountId: "brand", followers: 15230, change: 42 }));
step("metric", await api.publishMetric(workspaceId, "queue_depth", 7));
step("inbox message", await api.addInboxMessage(workspaceId, "conv-1", { messageId: "msg-1", from: "customer", authorId: "customer-9", content: "Where is my order?" }));
step("conversation", await api.updateConversation(workspaceId, "conv-1", { assignedTo: userId, status: "pending", slaSeconds: 900 }));
if (userToRevoke) {
  step("revoke", await api.revokeUser(userToRevoke, { workspaceId, reason: "removed from the team" }));
}
