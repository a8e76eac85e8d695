// Receives the cluster's webhooks (docs/protocol.md, "Webhooks") and verifies each with the
// standardwebhooks library before trusting it: node webhooks.mjs
// Settings: WEBHOOK_SECRET (the endpoint's "whsec_..." secret, as in the silo's
// Webhooks:Endpoints:{i}:Secret), PORT (default 4000). Prints one JSON line per webhook taken.
import { createServer } from "node:http";
import { Webhook } from "standardwebhooks";

const secret = process.env.WEBHOOK_SECRET;
if (!secret) {
  console.error("Set WEBHOOK_SECRET to the endpoint's whsec_ secret.");
  process.exit(2);
}

const verifier = new Webhook(secret);

// Delivery is at least once: a webhook whose 2xx answer was lost comes again with the same id.
const seen = new Set();
const remember = (id) => {
  seen.add(id);
  if (seen.size > 10_000) seen.delete(seen.values().next().value);
};

const server = createServer(async (request, response) => {
  if (request.method !== "POST") {
    response.writeHead(405).end();
    return;
  }

  let body = "";
  for await (const chunk of request) body += chunk;

  let webhook;
  try {
    // Checks the HMAC over "{webhook-id}.{webhook-timestamp}.{body}" and that the timestamp is recent.
    webhook = verifier.verify(body, request.headers);
  } catch (error) {
    console.error(`refused a webhook: ${error.message}`);
    response.writeHead(400).end();
    return;
  }

  if (!seen.has(webhook.id)) {
    remember(webhook.id);
    handle(webhook);
  }

  response.writeHead(204).end();
});

/** What a backend does with each type: here, print it. */
function handle({ type, id, timestamp, workspaceId, userId, data }) {
  console.log(JSON.stringify({ webhook: type, id, timestamp, workspaceId, userId, data }));
}

const port = Number(process.env.PORT ?? 4000);
server.listen(port, "127.0.0.1", () => console.log(JSON.stringify({ listening: port })));
