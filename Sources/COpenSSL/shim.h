#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/hmac.h>

/* Name printing: RFC 2253/4514 form with UTF-8 kept (XN_FLAG_RFC2253 is a macro Swift cannot see). */
static const unsigned long swiftpacs_name_print_flags = XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB;
