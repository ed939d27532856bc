"""Builds the verifier corpus (one token per way a backend can refuse it) and records what PyJWT
and python-jose say of each, called as a backend calls them, at a frozen `now`.
Usage: python record_verifiers.py AUTHJS_FIXTURE OUT_FILE
record_verifiers.mjs then adds npm jsonwebtoken, jose and @auth/core's decode to OUT_FILE, and
session cookies; `python record_verifiers.py OUT_FILE` then records PyJWT and python-jose on
those too (every case not yet recorded)."""
import base64
import datetime as _dt
import hashlib
import hmac
import json
import sys
import warnings
from importlib.metadata import version

import jose.jwt
import jwt
import jwt.api_jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

NOW = 1767225600  # 2026-01-01T00:00:00Z: every time claim below is relative to it.
SECRET = "Qx7vN2mR9kL4pW8sT3yB6dF1hJ5nC0aE4gU7iK2oM9rX3zV8bY6wP1qS5tD0fHa2"
OTHER = "another-secret-that-the-issuer-does-not-use-0123456789"


class Frozen(_dt.datetime):
    """datetime whose now() is NOW: both libraries read the clock through datetime.now(tz)."""

    @classmethod
    def now(cls, tz=None):
        return _dt.datetime.fromtimestamp(NOW, tz=tz or _dt.timezone.utc)


jwt.api_jwt.datetime = Frozen
jose.jwt.datetime = Frozen

if len(sys.argv) == 2:
    fill_only = True
    out = sys.argv[1]
else:
    fill_only = False
    authjs_fixture, out = sys.argv[1], sys.argv[2]
rsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
public_pem = rsa_key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()
base = {"sub": "user-123", "userId": "3f2b8c1e", "iat": NOW - 60, "exp": NOW + 3600}
jwe = None if fill_only else json.load(open(authjs_fixture))["tokens"][0]


def claims(**kw):
    c = dict(base)
    for k, v in kw.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    return c


def hs(c, secret=SECRET, alg="HS256"):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the 5-byte key is the point of one case
        return jwt.encode(c, secret, algorithm=alg)


def hs_raw(c, secret):
    """HS256 by hand: PyJWT refuses to sign with PEM text as the secret, an attacker does not."""
    b64 = lambda b: base64.urlsafe_b64encode(b).rstrip(b"=").decode()
    head = b64(json.dumps({"alg": "HS256", "typ": "JWT"}, separators=(",", ":")).encode())
    body = b64(json.dumps(c, separators=(",", ":")).encode())
    sig = hmac.new(secret.encode(), f"{head}.{body}".encode(), hashlib.sha256).digest()
    return f"{head}.{body}.{b64(sig)}"


# name, token, secret given to the verifier, options (algorithms None: the call passes none).
HS = ["HS256"]
cases = [] if fill_only else [
    ("valid", hs(base), SECRET, {"algorithms": HS}),
    ("expired 30 s ago", hs(claims(exp=NOW - 30)), SECRET, {"algorithms": HS}),
    ("exp equals now", hs(claims(exp=NOW)), SECRET, {"algorithms": HS}),
    ("nbf 30 s ahead", hs(claims(nbf=NOW + 30)), SECRET, {"algorithms": HS}),
    ("iat 30 s in the future", hs(claims(iat=NOW + 30)), SECRET, {"algorithms": HS}),
    ("exp not a number", hs(claims(exp=str(NOW + 3600))), SECRET, {"algorithms": HS}),
    ("aud present, none expected", hs(claims(aud="api")), SECRET, {"algorithms": HS}),
    ("aud expected, missing", hs(base), SECRET, {"algorithms": HS, "audience": "api"}),
    ("aud mismatch", hs(claims(aud="web")), SECRET, {"algorithms": HS, "audience": "api"}),
    ("aud matches", hs(claims(aud="api")), SECRET, {"algorithms": HS, "audience": "api"}),
    ("aud list contains expected", hs(claims(aud=["web", "api"])), SECRET, {"algorithms": HS, "audience": "api"}),
    ("iss wrong (trailing slash)", hs(claims(iss="https://auth.example.com/")), SECRET,
     {"algorithms": HS, "issuer": "https://auth.example.com"}),
    ("iss expected, missing", hs(base), SECRET, {"algorithms": HS, "issuer": "https://auth.example.com"}),
    ("iss matches", hs(claims(iss="https://auth.example.com")), SECRET, {"algorithms": HS, "issuer": "https://auth.example.com"}),
    ("alg none", jwt.encode(base, None, algorithm="none"), SECRET, {"algorithms": HS}),
    ("HS256 with a 5-byte key", hs(base, secret="short"), "short", {"algorithms": HS}),
    ("wrong secret", hs(base, secret=OTHER), SECRET, {"algorithms": HS}),
    ("HS512 when HS256 is expected", hs(base, alg="HS512"), SECRET, {"algorithms": HS}),
    ("HS256 with no algorithms list", hs(base), SECRET, {"algorithms": None}),
    ("JWE (Auth.js session cookie)", jwe["token"], jwe["secrets"][0], {"algorithms": HS}),
    ("RS256 checked with an HMAC secret", jwt.encode(base, rsa_key, algorithm="RS256"), SECRET, {"algorithms": HS}),
    ("RS256 verified with its PEM public key", jwt.encode(base, rsa_key, algorithm="RS256"), public_pem, {"algorithms": ["RS256"]}),
    ("RS256 allowed, HMAC secret given", jwt.encode(base, rsa_key, algorithm="RS256"), SECRET, {"algorithms": ["RS256"]}),
    ("HS256 signed with a PEM public key as the secret", hs_raw(base, public_pem), public_pem, {"algorithms": HS}),
]


def outcome(f):
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        try:
            f()
            r = {"accept": True}
        except Exception as e:  # the class and message are what the recording is for
            r = {"accept": False, "error": type(e).__name__, "message": str(e)}
    w = [f"{type(x.message).__name__}: {x.message}" for x in seen if not issubclass(x.category, DeprecationWarning)]
    if w:
        r["warnings"] = w
    return r


def pyjwt(token, secret, o):
    kw = {"algorithms": o["algorithms"]} if o["algorithms"] is not None else {}
    return outcome(lambda: jwt.decode(token, secret, audience=o.get("audience"), issuer=o.get("issuer"), **kw))


def python_jose(token, secret, o):
    return outcome(lambda: jose.jwt.decode(token, secret, algorithms=o["algorithms"], audience=o.get("audience"), issuer=o.get("issuer")))


if fill_only:
    with open(out) as f:
        doc = json.load(f)
    for c in doc["cases"]:
        for lib, run in [("pyjwt", pyjwt), ("python-jose", python_jose)]:
            if lib not in c["results"]:
                c["results"][lib] = run(c["token"], c["secret"], c["options"])
    with open(out, "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")
    sys.exit(0)

corpus = []
for name, token, secret, options in cases:
    corpus.append({
        "name": name, "token": token, "secret": secret, "options": {k: options.get(k) for k in ["algorithms", "audience", "issuer"]},
        "results": {"pyjwt": pyjwt(token, secret, options), "python-jose": python_jose(token, secret, options)},
    })
doc = {
    "recorded_with": "tools/tokens/record_verifiers.py, record_verifiers.mjs (scripts/record-tokens.sh)",
    "now": NOW,
    "libraries": {"pyjwt": f"PyJWT {version('PyJWT')}", "python-jose": f"python-jose {version('python-jose')}"},
    "calls": {
        "pyjwt": "jwt.decode(token, secret, algorithms=..., audience=..., issuer=...) (no algorithms= when null)",
        "python-jose": "jose.jwt.decode(token, secret, algorithms=..., audience=..., issuer=...)",
    },
    "cases": corpus,
}
with open(out, "w") as f:
    json.dump(doc, f, indent=1)
    f.write("\n")
