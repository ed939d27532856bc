"""Records JWS tokens made by PyJWT for every algorithm family, with the secrets and keys used
(PEM and JWK/JWKS), for tests/fixtures/tokens/pyjwt.json. Usage: python record.py OUT_FILE"""
import json
import sys
import time

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

out = sys.argv[1]
secret = "Qx7vN2mR9kL4pW8sT3yB6dF1hJ5nC0aE4gU7iK2oM9rX3zV8bY6wP1qS5tD0fHa2"
far = 4102444800  # 2100-01-01
claims = {"sub": "user-123", "userId": "3f2b8c1e", "iss": "quilt-frontend", "aud": "quilt-mcp-server", "iat": 1767225600, "exp": far}
tokens = []


def pem_public(key):
    return key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def pem_private(key):
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()).decode()


for alg in ["HS256", "HS384", "HS512"]:
    tokens.append({"name": f"pyjwt {alg}", "alg": alg, "secret": secret, "claims": claims,
                   "token": jwt.encode(claims, secret, algorithm=alg, headers={"kid": "frontend-enhanced"})})

keys = {
    "RS256": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    "PS256": rsa.generate_private_key(public_exponent=65537, key_size=2048),
    "ES256": ec.generate_private_key(ec.SECP256R1()),
    "ES384": ec.generate_private_key(ec.SECP384R1()),
    "EdDSA": ed25519.Ed25519PrivateKey.generate(),
}
jwks = {"keys": []}
for alg, key in keys.items():
    kid = f"key-{alg.lower()}"
    jwk = json.loads(jwt.algorithms.get_default_algorithms()[alg].to_jwk(key.public_key()))
    jwk.update({"kid": kid, "alg": alg, "use": "sig"})
    jwks["keys"].append(jwk)
    tokens.append({"name": f"pyjwt {alg}", "alg": alg, "kid": kid, "public_pem": pem_public(key), "private_pem": pem_private(key), "jwk": jwk,
                   "claims": claims, "token": jwt.encode(claims, key, algorithm=alg, headers={"kid": kid})})

# Tokens for each claim finding, signed with the HS256 secret.
variants = {
    "expired": dict(claims, exp=1700000000),
    "not-yet-valid": dict(claims, nbf=far - 10),
    "no-userId": {k: v for k, v in claims.items() if k != "userId"},
    "no-aud": {k: v for k, v in claims.items() if k != "aud"},
}
for name, c in variants.items():
    tokens.append({"name": f"pyjwt HS256 {name}", "alg": "HS256", "secret": secret, "claims": c, "token": jwt.encode(c, secret, algorithm="HS256")})
# A secret with a trailing newline signed this one (the SSM incident).
tokens.append({"name": "pyjwt HS256 secret-with-newline", "alg": "HS256", "secret": secret + "\n", "claims": claims,
               "token": jwt.encode(claims, secret + "\n", algorithm="HS256")})
# alg none, made by hand as PyJWT does for algorithm=None
tokens.append({"name": "pyjwt none", "alg": "none", "claims": claims, "token": jwt.encode(claims, "", algorithm="none")})

json.dump({"recorded_with": f"PyJWT {jwt.__version__}", "jwks": jwks, "tokens": tokens}, open(out, "w"), indent=1)
