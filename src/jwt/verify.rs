//! Which candidate verifies a token's signature, and whether its claims pass.
