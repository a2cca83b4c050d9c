# Sourced by the scripts: Swift on PATH when it lives at /opt/swift.
command -v swift >/dev/null 2>&1 || export PATH="/opt/swift/usr/bin:$PATH"
