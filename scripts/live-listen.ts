// Listens to live updates as a non-browser client (docs/live-updates.md):
// connects with an API token, optionally subscribes to one ticket's
// conversation, pings every 5 minutes (API Gateway closes a connection idle
// for 10), and prints every event as one JSON line.
//
//   npx tsx scripts/live-listen.ts                       # the local stack: .local/stack.json's websocketUrl and token
//   npx tsx scripts/live-listen.ts <url> <token> [ticket] # e.g. wss://inbox.example.com/live 0123abcd…
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';

const local = (): { websocketUrl?: string; token?: string } => {
  try {
    return JSON.parse(readFileSync('.local/stack.json', 'utf8'));
  } catch {
    return {};
  }
};
const [url = local().websocketUrl, token = local().token, ticket] = process.argv.slice(2);
if (!url || !token) {
  console.error('usage: npx tsx scripts/live-listen.ts <websocket url> <API token> [ticket uuid] (or start the local stack: npm start)');
  process.exit(2);
}

const socket = new WebSocket(`${url}?token=${encodeURIComponent(token)}`);
socket.on('unexpected-response', (_request, response) => {
  console.error(`refused: HTTP ${response.statusCode} (a wrong or revoked token?)`);
  process.exit(1);
});
socket.on('open', () => {
  console.error(`connected to ${url}`);
  if (ticket) socket.send(JSON.stringify({ action: 'subscribe', ticket_uuid: ticket }));
  setInterval(() => socket.send(JSON.stringify({ action: 'ping' })), 5 * 60 * 1000).unref();
});
socket.on('message', (data) => console.log(data.toString()));
socket.on('close', (code) => {
  console.error(`closed (${code}); events missed while disconnected are not replayed: refetch, then connect again`);
  process.exit(0);
});
