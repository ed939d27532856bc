# authdoctor in a container: `docker build -t authdoctor .` then
# `docker run --rm -v "$PWD:/work" -w /work -e CI=true authdoctor check`.
# Stage 1 builds with the locked dependency versions; stage 2 keeps only the binary and the CA
# certificates its HTTPS sources need.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
RUN cargo build --locked --release && cp target/release/authdoctor /usr/local/bin/authdoctor

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates \
    && rm -rf /var/lib/apt/lists/*
COPY --from=build /usr/local/bin/authdoctor /usr/local/bin/authdoctor
# No root needed to read files and call APIs.
USER 65534:65534
ENTRYPOINT ["authdoctor"]
CMD ["--help"]
