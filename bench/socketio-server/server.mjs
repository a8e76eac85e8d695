// The Socket.IO reference of the load test (bench/Realtime.LoadTest --target socketio): stock
// Socket.IO 4.8 on Node.js, no Orleans, the counterpart of bench/Realtime.BareHub.
//   PORT=5098 node server.mjs                      listens on 127.0.0.1:$PORT
//   WebSocket /socket.io/?EIO=4&transport=websocket&workspace=w    joins room w
//   POST /broadcast?group=w&seq=1&sentAt=<unix us>[&name=bench:warmup]   io.to(w).emit(name ?? "bench:tick", { seq, sentAt })
//   GET /health/ready                              200 once listening
// PING_INTERVAL_MS and PING_TIMEOUT_MS set the server's ping and how long it waits for the pong
// (defaults 25 s and 20 s), so that a short run still sees ping/pong, and a client that does not
// answer is dropped within it.
import { createServer } from "node:http";
import { Server } from "socket.io";

const port = Number(process.env.PORT ?? 5098);
const pingInterval = Number(process.env.PING_INTERVAL_MS ?? 25000);
const pingTimeout = Number(process.env.PING_TIMEOUT_MS ?? 20000);

const http = createServer((req, res) => {
  const url = new URL(req.url, "http://127.0.0.1");
  if (req.method === "GET" && url.pathname === "/health/ready") {
    res.writeHead(200).end();
  } else if (req.method === "POST" && url.pathname === "/broadcast") {
    const group = url.searchParams.get("group");
    // sentAt (Unix microseconds, ~2^51) is still an exact integer as a JS number.
    const seq = Number(url.searchParams.get("seq"));
    const sentAt = Number(url.searchParams.get("sentAt"));
    if (!group || !Number.isSafeInteger(seq) || !Number.isSafeInteger(sentAt)) {
      res.writeHead(400).end();
      return;
    }
    io.to(group).emit(url.searchParams.get("name") ?? "bench:tick", { seq, sentAt });
    res.writeHead(200).end();
  } else if (!url.pathname.startsWith("/socket.io/")) {
    // Socket.IO answers its own path; everything else is not ours.
    res.writeHead(404).end();
  }
});

// WebSocket only, as the load clients speak it: no HTTP long-polling, no upgrade dance.
const io = new Server(http, { transports: ["websocket"], pingInterval, pingTimeout, serveClient: false });

io.on("connection", (socket) => {
  const workspace = socket.handshake.query.workspace;
  if (typeof workspace === "string" && workspace) {
    socket.join(workspace);
  }
});

http.listen(port, "127.0.0.1", () => console.log(`socket.io server on 127.0.0.1:${port}`));

// Ends cleanly on SIGTERM (how the load test stops it).
process.on("SIGTERM", () => io.close(() => process.exit(0)));
