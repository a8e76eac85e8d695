// A stock @microsoft/signalr client in Node.js, as a backend or a browser app uses it: automatic
// reconnect on, nothing of this project's own client. It reports what happens to it as JSON lines
// on stdout ({ "kind": "event" | "state", ... }) and ends when stdin closes or after 5 minutes.
//   SIGNALR_FROM: a directory whose node_modules holds @microsoft/signalr
//   HUB_URL, ACCESS_TOKEN, RECORD: the hub URL, the token, the event names to report (comma-separated)
//   RECOVER: when set, it keeps the last recoveryPosition it received and reconnects with it
//     (the hub URL's recover parameter, set through baseUrl while reconnecting), as docs/protocol.md shows
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(path.join(process.env.SIGNALR_FROM, "package.json"));
const signalR = require("@microsoft/signalr");

const report = (line) => process.stdout.write(JSON.stringify(line) + "\n");
const connection = new signalR.HubConnectionBuilder()
  .withUrl(process.env.HUB_URL, { accessTokenFactory: () => process.env.ACCESS_TOKEN })
  .withAutomaticReconnect([0, 250, 500, 1000, 1000, 2000, 2000, 5000, 5000, 5000])
  .configureLogging(signalR.LogLevel.None)
  .build();

let last = null;
for (const name of (process.env.RECORD ?? "").split(",").filter(Boolean)) {
  connection.on(name, (payload) => {
    if (payload?.recoveryPosition) last = payload.recoveryPosition;
    report({ kind: "event", name, payload });
  });
}
connection.onreconnecting((error) => {
  if (process.env.RECOVER && last) connection.baseUrl = `${process.env.HUB_URL}&recover=${encodeURIComponent(last)}`;
  report({ kind: "state", state: "reconnecting", error: error?.message ?? null });
});
connection.onreconnected((connectionId) => report({ kind: "state", state: "reconnected", connectionId }));
connection.onclose((error) => report({ kind: "state", state: "closed", error: error?.message ?? null }));

const stop = async () => {
  await connection.stop().catch(() => {});
  process.exit(0);
};
process.stdin.on("end", stop);
process.stdin.resume();
setTimeout(stop, 5 * 60 * 1000).unref();

try {
  await connection.start();
  report({ kind: "state", state: "connected", connectionId: connection.connectionId });
} catch (error) {
  report({ kind: "state", state: "failed", error: error.message });
  process.exit(1);
}
