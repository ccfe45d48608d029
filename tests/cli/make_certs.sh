#!/bin/sh
# make_certs.sh DIR — throwaway TLS material for the fake provider, made with the openssl CLI.
#
#   DIR/ca.pem, DIR/ca.key            a CA (P-256, SHA-256, CA:TRUE, keyCertSign)
#   DIR/server.pem, DIR/server.key    a leaf for DNS:localhost, IP:127.0.0.1, IP:::1 signed by
#                                     that CA (CA:FALSE, digitalSignature, serverAuth, SKID/AKID)
#   DIR/other_ca.pem, DIR/other_ca.key  a second, unrelated CA (for "untrusted certificate" tests)
#
# Valid from now for 30 days. Does not read the system openssl.cnf.
set -eu

if [ $# -ne 1 ] || [ -z "$1" ]; then
    echo "usage: $0 DIR" >&2
    exit 2
fi
dir=$1
mkdir -p "$dir"

work=$(mktemp -d "${TMPDIR:-/tmp}/cs2market-certs.XXXXXX")
trap 'rm -rf "$work"' EXIT
trap 'exit 1' INT TERM

cat >"$work/openssl.cnf" <<'EOF'
[ req ]
distinguished_name = dn
prompt             = no

[ dn ]
CN = unused

[ v3_ca ]
basicConstraints       = critical, CA:TRUE
keyUsage               = critical, keyCertSign, cRLSign
subjectKeyIdentifier   = hash

[ v3_leaf ]
basicConstraints       = critical, CA:FALSE
keyUsage               = critical, digitalSignature
extendedKeyUsage       = serverAuth
subjectAltName         = DNS:localhost, IP:127.0.0.1, IP:::1
subjectKeyIdentifier   = hash
authorityKeyIdentifier = keyid:always
EOF

# Runs a command quietly (openssl is chatty on stderr), showing its output if it fails.
quiet() {
    if ! "$@" >"$work/log" 2>&1; then
        cat "$work/log" >&2
        echo "make_certs.sh: failed: $*" >&2
        exit 1
    fi
}

# A positive random serial of at most 20 octets.
serial() {
    echo "0x7$(openssl rand -hex 15)"
}

# make_ca NAME "CN"
make_ca() {
    quiet openssl req -x509 -new -config "$work/openssl.cnf" -extensions v3_ca \
        -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
        -keyout "$work/$1.key" -out "$work/$1.pem" \
        -days 30 -set_serial "$(serial)" -subj "/O=cs2market tests/CN=$2"
}

make_ca ca "cs2market fake provider CA"
make_ca other_ca "cs2market unrelated CA"

quiet openssl req -new -config "$work/openssl.cnf" \
    -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -sha256 \
    -keyout "$work/server.key" -out "$work/server.csr" \
    -subj "/O=cs2market tests/CN=localhost"

quiet openssl x509 -req -in "$work/server.csr" -sha256 -days 30 -set_serial "$(serial)" \
    -CA "$work/ca.pem" -CAkey "$work/ca.key" \
    -extfile "$work/openssl.cnf" -extensions v3_leaf \
    -out "$work/server.pem"

# Sanity check: the leaf verifies against the CA for both names, strictly.
quiet openssl verify -x509_strict -purpose sslserver -CAfile "$work/ca.pem" \
    -verify_hostname localhost "$work/server.pem"
quiet openssl verify -x509_strict -purpose sslserver -CAfile "$work/ca.pem" \
    -verify_ip 127.0.0.1 "$work/server.pem"

for f in ca.pem ca.key server.pem server.key other_ca.pem other_ca.key; do
    cp "$work/$f" "$dir/$f"
done
chmod 600 "$dir/ca.key" "$dir/server.key" "$dir/other_ca.key"
