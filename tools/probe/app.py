"""A FastAPI backend that verifies HS256 bearer tokens the way the two incidents' backends did,
for `authdoctor probe`'s tests (tests/it/probe.rs starts it on 127.0.0.1 with
`python tools/probe/app.py PORT`).

The secret comes from the environment at start-up, as in the incidents:
- /jose/me     python-jose (incident 1): `jwt.decode(token, AUTH_SECRET, algorithms=["HS256"])`;
               every JWTError is 401 "Invalid token"; then a user lookup that answers 401
               "User not found" for a `userId` not in PROBE_USERS (comma-separated).
- /pyjwt/me    PyJWT (incident 2): `jwt.decode(token, MCP_ENHANCED_JWT_SECRET, algorithms=["HS256"],
               audience="quilt-mcp-server")`; a bad signature is 401 "Signature verification failed"
               with an RFC 6750 `WWW-Authenticate: Bearer error="invalid_token"`; other claim errors
               are 401 with PyJWT's own message.
- /cookie/me   the python-jose check on a `session` cookie instead of the Authorization header.
- /open        no authentication at all.
- /forged      decodes without verifying the signature (a backend that accepts any key).
- /echo        a careless backend: its 401 quotes the token it got, and its secret.
- /reqid/me    the python-jose check, every error with a fresh request id in its text.
- /codes/me    errors as numbered codes (40101 bad signature, 40103 unknown user).
- /msg/me      Flask-JWT-Extended's shape: 422 {"msg": "Signature verification failed"}.
- /graphql     always 200; failures in `errors[0].message`.
- /lockout/me  after 3 bad signatures, every request gets 403 "locked".
- /login/me    redirects to /login on the same origin, as a web app does.
- /leak/me     a 401 that quotes its secret base64-encoded, hex-encoded and upper-cased.
- /sleepy/me   the python-jose check, each answer after 1 s.
- /drf/me      Django REST framework simplejwt's shape: the same `detail` for every refusal, the
               reason only in `messages[0].message`.
- /b62/me      the python-jose check, every error with a fresh letters-only trace id.
- /counter/me  numbered codes beside a request counter: "Error 40101 (request 17)".
- /okfalse/me  always 200: {"ok": false} when refused.
- /slow        answers after 30 s.
- /elsewhere   redirects to another host.
"""

import base64
import os
import random
import string
import sys
import time
import uuid

import jwt as pyjwt
import uvicorn
from fastapi import Cookie, FastAPI, Header, HTTPException
from fastapi.responses import JSONResponse, RedirectResponse
from jose import JWTError
from jose import jwt as jose_jwt

AUTH_SECRET = os.environ.get("AUTH_SECRET", "")
MCP_SECRET = os.environ.get("MCP_ENHANCED_JWT_SECRET", "")
USERS = {u for u in os.environ.get("PROBE_USERS", "").split(",") if u}

app = FastAPI()


def bearer(authorization):
    if not authorization or not authorization.lower().startswith("bearer "):
        raise HTTPException(401, "Not authenticated", headers={"WWW-Authenticate": "Bearer"})
    return authorization[7:].strip()


def jose_user(token):
    try:
        payload = jose_jwt.decode(token, AUTH_SECRET, algorithms=["HS256"])
    except JWTError:
        raise HTTPException(401, "Invalid token")
    user_id = payload.get("userId")
    if not user_id:
        raise HTTPException(401, "Invalid token: missing userId")
    if user_id not in USERS:
        raise HTTPException(401, "User not found")
    return {"user": user_id}


@app.get("/jose/me")
def jose_me(authorization: str | None = Header(default=None)):
    return jose_user(bearer(authorization))


@app.get("/cookie/me")
def cookie_me(session: str | None = Cookie(default=None)):
    if not session:
        raise HTTPException(401, "Not authenticated")
    return jose_user(session)


@app.get("/pyjwt/me")
@app.post("/pyjwt/me")
def pyjwt_me(authorization: str | None = Header(default=None)):
    token = bearer(authorization)
    try:
        claims = pyjwt.decode(token, MCP_SECRET, algorithms=["HS256"], audience="quilt-mcp-server")
    except pyjwt.InvalidSignatureError as e:
        raise HTTPException(
            401,
            str(e),
            headers={"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{e}"'},
        )
    except pyjwt.InvalidTokenError as e:
        raise HTTPException(
            401,
            str(e),
            headers={"WWW-Authenticate": f'Bearer error="invalid_token", error_description="{e}"'},
        )
    return {"sub": claims.get("sub")}


@app.get("/open")
def open_endpoint():
    return {"ok": True}


@app.get("/forged")
def forged(authorization: str | None = Header(default=None)):
    claims = pyjwt.decode(bearer(authorization), options={"verify_signature": False})
    return {"sub": claims.get("sub")}


@app.get("/echo")
def echo(authorization: str | None = Header(default=None)):
    raise HTTPException(401, f"Invalid token {authorization} (expected one signed with {AUTH_SECRET})")


@app.get("/reqid/me")
def reqid_me(authorization: str | None = Header(default=None)):
    try:
        return jose_user(bearer(authorization))
    except HTTPException as e:
        raise HTTPException(e.status_code, f"{e.detail} (request {uuid.uuid4()})")


@app.get("/codes/me")
def codes_me(authorization: str | None = Header(default=None)):
    try:
        jose_user(bearer(authorization))
    except HTTPException as e:
        code = "40103" if e.detail == "User not found" else "40101"
        raise HTTPException(401, f"Error {code}")
    return {"ok": True}


@app.get("/msg/me")
def msg_me(authorization: str | None = Header(default=None)):
    try:
        pyjwt.decode(bearer(authorization), AUTH_SECRET, algorithms=["HS256"])
    except pyjwt.InvalidSignatureError:
        return JSONResponse({"msg": "Signature verification failed"}, status_code=422)
    return {"ok": True}


@app.post("/graphql")
def graphql(authorization: str | None = Header(default=None)):
    try:
        return {"data": jose_user(bearer(authorization))}
    except HTTPException as e:
        return {"errors": [{"message": e.detail}], "data": None}


FAILURES = {"n": 0}


@app.get("/lockout/me")
def lockout_me(authorization: str | None = Header(default=None)):
    token = bearer(authorization)
    try:
        jose_jwt.decode(token, AUTH_SECRET, algorithms=["HS256"])
    except JWTError:
        FAILURES["n"] += 1
    if FAILURES["n"] > 3:
        raise HTTPException(403, "Too many failed attempts: locked")
    return jose_user(token)


@app.get("/login/me")
def login_me():
    return RedirectResponse("/login", status_code=302)


@app.get("/leak/me")
def leak_me(authorization: str | None = Header(default=None)):
    b64 = base64.b64encode(AUTH_SECRET.encode()).decode()
    raise HTTPException(401, f"want {b64} hex {AUTH_SECRET.encode().hex()} or {AUTH_SECRET.upper()}")


@app.get("/sleepy/me")
def sleepy_me(authorization: str | None = Header(default=None)):
    time.sleep(1)
    return jose_user(bearer(authorization))


@app.get("/drf/me")
def drf_me(authorization: str | None = Header(default=None)):
    try:
        claims = jose_jwt.decode(bearer(authorization), AUTH_SECRET, algorithms=["HS256"])
    except JWTError:
        reason = "Token is invalid or expired"
    else:
        if "token_type" in claims:
            return {"ok": True}
        reason = "Token has no type"
    return JSONResponse(
        {
            "detail": "Given token not valid for any token type",
            "code": "token_not_valid",
            "messages": [{"token_class": "AccessToken", "token_type": "access", "message": reason}],
        },
        status_code=401,
    )


@app.get("/b62/me")
def b62_me(authorization: str | None = Header(default=None)):
    try:
        return jose_user(bearer(authorization))
    except HTTPException as e:
        trace = "".join(random.choice(string.ascii_letters) for _ in range(10))
        raise HTTPException(e.status_code, f"{e.detail}, trace {trace}")


COUNTER = {"n": 0}


@app.get("/counter/me")
def counter_me(authorization: str | None = Header(default=None)):
    COUNTER["n"] += 1
    try:
        jose_user(bearer(authorization))
    except HTTPException as e:
        code = "40103" if e.detail == "User not found" else "40101"
        raise HTTPException(401, f"Error {code} (request {COUNTER['n']})")
    return {"ok": True}


@app.get("/okfalse/me")
def okfalse_me(authorization: str | None = Header(default=None)):
    try:
        return {"ok": True, "user": jose_user(bearer(authorization))}
    except HTTPException:
        return {"ok": False}


@app.get("/slow")
def slow():
    time.sleep(30)
    return {"ok": True}


@app.get("/elsewhere")
def elsewhere():
    return RedirectResponse("http://127.0.0.2:9/steal", status_code=302)


if __name__ == "__main__":
    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
