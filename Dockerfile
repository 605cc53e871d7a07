# Multi-stage build: compile in the Rust image, run from a slim Debian.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY Cargo.toml Cargo.lock ./
COPY src ./src
COPY migrations ./migrations
RUN cargo build --release --locked

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
COPY --from=build /src/target/release/rc-users /usr/local/bin/rc-users
ENV PORT=3000 BIND_IP=0.0.0.0
EXPOSE 3000
USER nobody
CMD ["rc-users"]
