// Records Auth.js (v5, @auth/core) and NextAuth (v4) session cookies made by the libraries' own
// `encode()`, with the secrets used, for tests/fixtures/tokens/authjs.json.
// Usage: node record.mjs OUT_FILE
import { encode as encodeV5 } from "@auth/core/jwt";
import { createRequire } from "node:module";
import { writeFileSync, readFileSync } from "node:fs";
const require = createRequire(import.meta.url);
const { encode: encodeV4 } = require("next-auth/jwt");
const version = (p) => JSON.parse(readFileSync(new URL(`./node_modules/${p}/package.json`, import.meta.url))).version;

const out = process.argv[2];
const secret = "Qx7vN2mR9kL4pW8sT3yB6dF1hJ5nC0aE4gU7iK2oM9rX3zV8bY6wP1qS5tD0fHa2";
const oldSecret = "old-rotated-secret-4f1c9a0d7e2b5c8a3f6e9d0c1b4a7e2f";
const claims = { name: "Ada", email: "ada@example.com", sub: "user-123", userId: "3f2b8c1e" };
const century = 100 * 365 * 24 * 3600;
const tokens = [];
for (const salt of ["authjs.session-token", "__Secure-authjs.session-token"]) {
  tokens.push({ name: `authjs-v5 ${salt}`, library: `@auth/core ${version("@auth/core")}`, kind: "authjs-v5", salt, secrets: [secret],
    token: await encodeV5({ token: claims, secret, salt, maxAge: century }), claims });
}
// Rotated secrets: encoded with the first of the list; the kid picks it among several.
tokens.push({ name: "authjs-v5 rotated", library: `@auth/core ${version("@auth/core")}`, kind: "authjs-v5", salt: "authjs.session-token",
  secrets: [oldSecret, secret], signer: oldSecret,
  token: await encodeV5({ token: claims, secret: [oldSecret, secret], salt: "authjs.session-token", maxAge: century }), claims });
tokens.push({ name: "authjs-v5 expired", library: `@auth/core ${version("@auth/core")}`, kind: "authjs-v5", salt: "authjs.session-token", secrets: [secret],
  token: await encodeV5({ token: claims, secret, salt: "authjs.session-token", maxAge: -3600 }), claims });
tokens.push({ name: "nextauth-v4", library: `next-auth ${version("next-auth")}`, kind: "nextauth-v4", salt: "", secrets: [secret],
  token: await encodeV4({ token: claims, secret, maxAge: century }), claims });
writeFileSync(out, JSON.stringify({ recorded_with: "tools/tokens/record.mjs", tokens }, null, 1) + "\n");
