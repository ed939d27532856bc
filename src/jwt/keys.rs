//! Verification keys for asymmetric tokens: PEM public keys and certificates, JWKs, JWKS (file or
//! URL) matched by `kid`, and OIDC discovery (`{iss}/.well-known/openid-configuration`).
