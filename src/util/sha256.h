/*
 * sha256: SHA-256 of files and streams, for the audit trail (manifest,
 * workbook Audit sheet, ledger input hash). The only libcrypto user.
 */
#ifndef MERIT_SHA256_H
#define MERIT_SHA256_H

#include <stddef.h>

struct sha256 {
	void *ctx;   /* EVP_MD_CTX, opaque here */
};

void sha256_init(struct sha256 *h);
void sha256_update(struct sha256 *h, const void *data, size_t len);
/* Writes 64 lowercase hex digits and a NUL; releases the context. */
void sha256_final_hex(struct sha256 *h, char hex[65]);
/* Hash of a whole file; returns -1 (errno set) if it cannot be read. */
int sha256_file_hex(const char *path, char hex[65]);
/* Hash of a buffer. */
void sha256_hex(const void *data, size_t len, char hex[65]);
/* Standard base64 of data (no line breaks); caller frees. */
char *base64_encode(const void *data, size_t len);

#endif
