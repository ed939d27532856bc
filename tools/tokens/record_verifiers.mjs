// Adds to the verifier corpus (record_verifiers.py wrote it) what npm jsonwebtoken, jose and
// @auth/core's `decode` (what Auth.js `getToken` calls) say of each token, called as a backend
// calls them, at the corpus' frozen `now`; and adds session cookies made by @auth/core `encode`
// around its 15 s clock tolerance. Usage: node record_verifiers.mjs CORPUS_FILE
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
const require = createRequire(import.meta.url);
const version = (p) => JSON.parse(readFileSync(new URL(`./node_modules/${p}/package.json`, import.meta.url))).version;

const file = process.argv[2];
const doc = JSON.parse(readFileSync(file, "utf8"));
const NOW = doc.now;

// @auth/core's encode/decode take no clock: freeze the global one (jose reads `new Date()` and
// `Date.now()` at call time). jsonwebtoken and jose get the time through their own options.
const RealDate = Date;
globalThis.Date = class extends RealDate {
  constructor(...a) {
    if (a.length === 0) super(NOW * 1000);
    else super(...a);
  }
  static now() {
    return NOW * 1000;
  }
};

const jsonwebtoken = require("jsonwebtoken");
const jose = await import("jose");
const { encode, decode } = await import("@auth/core/jwt");

const outcome = async (f) => {
  try {
    await f();
    return { accept: true };
  } catch (e) {
    return { accept: false, error: e.name ?? e.constructor?.name, message: e.message, ...(e.code ? { code: e.code } : {}) };
  }
};
const opt = (o) => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== null && v !== undefined));

const salt = "authjs.session-token";
const secret = doc.cases.find((c) => c.name === "valid").secret;
const claims = { name: "Ada", email: "ada@example.com", sub: "user-123", userId: "3f2b8c1e" };
// encode() sets iat = now and exp = now + maxAge with the frozen clock.
for (const [name, maxAge] of [
  ["Auth.js cookie, expired 30 s ago", -30],
  ["Auth.js cookie, expired 10 s ago (within Auth.js' 15 s tolerance)", -10],
  ["Auth.js cookie, valid", 3600],
]) {
  doc.cases.push({ name, token: await encode({ token: claims, secret, salt, maxAge }), secret, salt,
    options: { algorithms: null, audience: null, issuer: null }, results: {} });
}
doc.cases.push({ name: "Auth.js cookie, other salt", secret, salt: `__Secure-${salt}`,
  token: await encode({ token: claims, secret, salt: `__Secure-${salt}`, maxAge: 3600 }),
  options: { algorithms: null, audience: null, issuer: null }, expected_salt: salt, results: {} });

for (const c of doc.cases) {
  const o = c.options;
  c.results.jsonwebtoken = await outcome(() =>
    jsonwebtoken.verify(c.token, c.secret, opt({ algorithms: o.algorithms, audience: o.audience, issuer: o.issuer, clockTimestamp: NOW })));
  c.results.jose = await outcome(() =>
    jose.jwtVerify(c.token, new TextEncoder().encode(c.secret),
      opt({ algorithms: o.algorithms, audience: o.audience, issuer: o.issuer, currentDate: new RealDate(NOW * 1000) })));
  // getToken() returns null where decode() throws; the thrown error is the one quoted.
  c.results.authjs = await outcome(async () => {
    const r = await decode({ token: c.token, secret: c.secret, salt: c.expected_salt ?? c.salt ?? salt });
    if (r === null) throw new Error("decode() returned null");
  });
}
doc.libraries.jsonwebtoken = `jsonwebtoken ${version("jsonwebtoken")}`;
doc.libraries.jose = `jose ${version("jose")}`;
doc.libraries.authjs = `@auth/core ${version("@auth/core")}`;
doc.calls.jsonwebtoken = "jwt.verify(token, secret, {algorithms, audience, issuer, clockTimestamp: now}) (options that are null left out)";
doc.calls.jose = "jwtVerify(token, new TextEncoder().encode(secret), {algorithms, audience, issuer, currentDate: now})";
doc.calls.authjs = "decode({token, secret, salt}) from @auth/core/jwt (salt: the case's expected_salt, else its salt, else authjs.session-token), clock frozen at now";
writeFileSync(file, JSON.stringify(doc, null, 1) + "\n");
