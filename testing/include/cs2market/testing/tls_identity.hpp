// cs2market::testing — throwaway TLS identities for tests.
//
// make_tls_identity() creates a fresh certificate authority and a server leaf
// certificate signed by it, entirely in memory, with the OpenSSL 3 C API.
// Nothing here is meant for production use: the keys are generated on the fly
// and are only as secret as the process memory of the test that made them.
#pragma once

#include <openssl/asn1.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>

namespace cs2market::testing {

// PEM texts of a throwaway CA and of a server certificate/key signed by it.
struct tls_identity {
    std::string ca_cert_pem;      // the CA certificate (trust anchor for clients)
    std::string server_cert_pem;  // the server leaf certificate
    std::string server_key_pem;   // the server private key (unencrypted PKCS#8)
};

namespace detail {

struct evp_pkey_deleter { void operator()(EVP_PKEY* p) const noexcept { EVP_PKEY_free(p); } };
struct x509_deleter { void operator()(X509* p) const noexcept { X509_free(p); } };
struct x509_name_deleter { void operator()(X509_NAME* p) const noexcept { X509_NAME_free(p); } };
struct x509_ext_deleter { void operator()(X509_EXTENSION* p) const noexcept { X509_EXTENSION_free(p); } };
struct bio_deleter { void operator()(BIO* p) const noexcept { BIO_free_all(p); } };
struct bignum_deleter { void operator()(BIGNUM* p) const noexcept { BN_free(p); } };
struct asn1_integer_deleter { void operator()(ASN1_INTEGER* p) const noexcept { ASN1_INTEGER_free(p); } };

using pkey_ptr = std::unique_ptr<EVP_PKEY, evp_pkey_deleter>;
using x509_ptr = std::unique_ptr<X509, x509_deleter>;
using x509_name_ptr = std::unique_ptr<X509_NAME, x509_name_deleter>;
using x509_ext_ptr = std::unique_ptr<X509_EXTENSION, x509_ext_deleter>;
using bio_ptr = std::unique_ptr<BIO, bio_deleter>;
using bignum_ptr = std::unique_ptr<BIGNUM, bignum_deleter>;
using asn1_integer_ptr = std::unique_ptr<ASN1_INTEGER, asn1_integer_deleter>;

// Throws std::runtime_error("<what>: <OpenSSL error queue>") and clears the queue.
[[noreturn]] inline void fail(std::string_view what) {
    std::string msg(what);
    bool first = true;
    while (unsigned long code = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(code, buf, sizeof buf);
        msg += first ? ": " : "; ";
        msg += buf;
        first = false;
    }
    if (first) msg += ": (no OpenSSL error reported)";
    throw std::runtime_error(msg);
}

inline void check(int ok, std::string_view what) {
    if (ok != 1) fail(what);
}

inline pkey_ptr make_p256_key() {
    ERR_clear_error();
    pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
    if (!key) fail("EVP_PKEY_Q_keygen(EC, P-256)");
    return key;
}

inline x509_name_ptr make_name(std::string_view common_name) {
    x509_name_ptr name(X509_NAME_new());
    if (!name) fail("X509_NAME_new");
    const std::string cn(common_name);
    check(X509_NAME_add_entry_by_txt(name.get(), "O", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>("cs2market tests"), -1, -1, 0),
          "X509_NAME_add_entry_by_txt(O)");
    check(X509_NAME_add_entry_by_txt(name.get(), "CN", MBSTRING_UTF8,
                                     reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1, 0),
          "X509_NAME_add_entry_by_txt(CN)");
    return name;
}

// 159 random bits: positive, non-zero with overwhelming probability, and at
// most 20 octets as RFC 5280 requires.
inline void set_random_serial(X509* cert) {
    bignum_ptr bn(BN_new());
    if (!bn) fail("BN_new");
    do {
        check(BN_rand(bn.get(), 159, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY), "BN_rand");
    } while (BN_is_zero(bn.get()));
    asn1_integer_ptr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
    if (!serial) fail("BN_to_ASN1_INTEGER");
    check(X509_set_serialNumber(cert, serial.get()), "X509_set_serialNumber");
}

inline void add_ext(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    x509_ext_ptr ext(X509V3_EXT_nconf_nid(nullptr, &ctx, nid, value));
    if (!ext) fail(std::string("X509V3_EXT_nconf_nid(") + OBJ_nid2sn(nid) + "=" + value + ")");
    check(X509_add_ext(cert, ext.get(), -1), "X509_add_ext");
}

// A version-3 certificate for `subject_key` named `subject`, valid from one hour
// ago for 30 days, with a random serial. Issuer name and signature come later.
inline x509_ptr make_cert_skeleton(EVP_PKEY* subject_key, const X509_NAME* subject) {
    x509_ptr cert(X509_new());
    if (!cert) fail("X509_new");
    check(X509_set_version(cert.get(), X509_VERSION_3), "X509_set_version");
    set_random_serial(cert.get());
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60L * 60L)) fail("X509_gmtime_adj(notBefore)");
    if (!X509_time_adj_ex(X509_getm_notAfter(cert.get()), 30, 0, nullptr)) fail("X509_time_adj_ex(notAfter)");
    check(X509_set_subject_name(cert.get(), subject), "X509_set_subject_name");
    check(X509_set_pubkey(cert.get(), subject_key), "X509_set_pubkey");
    return cert;
}

inline std::string to_pem(X509* cert) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio) fail("BIO_new");
    check(PEM_write_bio_X509(bio.get(), cert), "PEM_write_bio_X509");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    if (len <= 0 || !data) fail("BIO_get_mem_data");
    return std::string(data, static_cast<std::size_t>(len));
}

inline std::string to_pem(EVP_PKEY* key) {
    bio_ptr bio(BIO_new(BIO_s_mem()));
    if (!bio) fail("BIO_new");
    check(PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr),
          "PEM_write_bio_PrivateKey");
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio.get(), &data);
    if (len <= 0 || !data) fail("BIO_get_mem_data");
    return std::string(data, static_cast<std::size_t>(len));
}

}  // namespace detail

// A fresh throwaway CA (P-256, SHA-256) and a server leaf certificate signed by
// it with subjectAltName DNS:localhost, IP:127.0.0.1, IP:::1, valid from one
// hour ago for 30 days. The CA has basicConstraints CA:TRUE and keyUsage
// keyCertSign (+cRLSign); the leaf has CA:FALSE, keyUsage digitalSignature and
// extendedKeyUsage serverAuth. Both carry subject/authority key identifiers so
// strict (X509_V_FLAG_X509_STRICT) verification accepts them too.
// Throws std::runtime_error carrying OpenSSL's error text on failure.
inline tls_identity make_tls_identity(std::string_view ca_common_name = "cs2market test CA") {
    namespace d = detail;
    ERR_clear_error();

    // --- certificate authority (self-signed) ---
    d::pkey_ptr ca_key = d::make_p256_key();
    d::x509_name_ptr ca_name = d::make_name(ca_common_name);
    d::x509_ptr ca = d::make_cert_skeleton(ca_key.get(), ca_name.get());
    d::check(X509_set_issuer_name(ca.get(), ca_name.get()), "X509_set_issuer_name(CA)");
    d::add_ext(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
    d::add_ext(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    d::add_ext(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
    if (X509_sign(ca.get(), ca_key.get(), EVP_sha256()) <= 0) d::fail("X509_sign(CA)");

    // --- server leaf, signed by the CA ---
    d::pkey_ptr leaf_key = d::make_p256_key();
    d::x509_name_ptr leaf_name = d::make_name("localhost");
    d::x509_ptr leaf = d::make_cert_skeleton(leaf_key.get(), leaf_name.get());
    d::check(X509_set_issuer_name(leaf.get(), ca_name.get()), "X509_set_issuer_name(leaf)");
    d::add_ext(leaf.get(), ca.get(), NID_basic_constraints, "critical,CA:FALSE");
    d::add_ext(leaf.get(), ca.get(), NID_key_usage, "critical,digitalSignature");
    d::add_ext(leaf.get(), ca.get(), NID_ext_key_usage, "serverAuth");
    d::add_ext(leaf.get(), ca.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
    d::add_ext(leaf.get(), ca.get(), NID_subject_key_identifier, "hash");
    d::add_ext(leaf.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
    if (X509_sign(leaf.get(), ca_key.get(), EVP_sha256()) <= 0) d::fail("X509_sign(leaf)");

    tls_identity id;
    id.ca_cert_pem = d::to_pem(ca.get());
    id.server_cert_pem = d::to_pem(leaf.get());
    id.server_key_pem = d::to_pem(leaf_key.get());
    return id;
}

// Writes `text` to `path` (binary, truncating). Throws std::runtime_error on failure.
inline void write_file(const std::string& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) throw std::runtime_error("cs2market::testing::write_file: cannot open '" + path + "' for writing");
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
    out.close();
    if (!out) throw std::runtime_error("cs2market::testing::write_file: cannot write '" + path + "'");
}

}  // namespace cs2market::testing
