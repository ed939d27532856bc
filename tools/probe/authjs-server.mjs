// The Auth.js (v5, @auth/core 0.41.3) app `authdoctor probe --authjs` is tested against: the real
// library's own request handler behind a node:http server on 127.0.0.1, JWT sessions, its secret
// from AUTH_SECRET at start-up as a Next.js app reads it. GET /api/auth/session answers the
// session when the session cookie decrypts with that secret, else `null`.
// Usage: AUTH_SECRET=… node tools/probe/authjs-server.mjs PORT
import { createServer } from "node:http";
import { Auth } from "@auth/core";
import Credentials from "@auth/core/providers/credentials";

const port = Number(process.argv[2]);
const config = {
  secret: process.env.AUTH_SECRET,
  trustHost: true,
  basePath: "/api/auth",
  session: { strategy: "jwt" },
  providers: [Credentials({ credentials: {}, authorize: () => null })],
  logger: { error() {}, warn() {}, debug() {} },
};

createServer(async (req, res) => {
  const chunks = [];
  for await (const c of req) chunks.push(c);
  const url = new URL(req.url, `http://${req.headers.host}`);
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) headers.set(k, Array.isArray(v) ? v.join(", ") : v);
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks);
  const response = await Auth(new Request(url, { method: req.method, headers, body }), config);
  res.writeHead(response.status, [...response.headers].flat());
  res.end(Buffer.from(await response.arrayBuffer()));
}).listen(port, "127.0.0.1");
