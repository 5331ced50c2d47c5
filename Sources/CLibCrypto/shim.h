// OpenSSL's libcrypto hash functions with caller-owned contexts (MD5_CTX, SHA256_CTX): digest
// auth hashes a few short strings per request, and these need no allocation. OpenSSL 3 marks
// the low-level calls deprecated in favour of EVP, whose contexts live on the heap.
#define OPENSSL_SUPPRESS_DEPRECATED 1
#include <openssl/md5.h>
#include <openssl/sha.h>
