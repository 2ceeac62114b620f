/*
 * sha256: thin wrapper over OpenSSL's EVP digest and base64 encoder.
 */
#include "util/sha256.h"
#include "util/strbuf.h"

#include <openssl/evp.h>
#include <stdio.h>

void sha256_init(struct sha256 *h)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();
	if (!c || !EVP_DigestInit_ex(c, EVP_sha256(), NULL))
		BUG("cannot initialise SHA-256");
	h->ctx = c;
}

void sha256_update(struct sha256 *h, const void *data, size_t len)
{
	EVP_DigestUpdate(h->ctx, data, len);
}

void sha256_final_hex(struct sha256 *h, char hex[65])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0, i;
	/* A failed digest would leave md uninitialised: a hash that is wrong
	 * in silence is worse than stopping. */
	if (EVP_DigestFinal_ex(h->ctx, md, &n) != 1 || n != 32)
		BUG("EVP_DigestFinal_ex failed");
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
	for (i = 0; i < n && i < 32; i++)
		snprintf(hex + 2 * i, 3, "%02x", md[i]);
	hex[64] = '\0';
}

int sha256_file_hex(const char *path, char hex[65])
{
	char buf[1 << 16];
	size_t n;
	struct sha256 h;
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	sha256_init(&h);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sha256_update(&h, buf, n);
	sha256_final_hex(&h, hex);
	if (ferror(f)) {
		fclose(f);
		return -1;
	}
	fclose(f);
	return 0;
}

void sha256_hex(const void *data, size_t len, char hex[65])
{
	struct sha256 h;
	sha256_init(&h);
	sha256_update(&h, data, len);
	sha256_final_hex(&h, hex);
}

char *base64_encode(const void *data, size_t len)
{
	char *out = xmalloc(4 * ((len + 2) / 3) + 1);
	EVP_EncodeBlock((unsigned char *)out, data, (int)len);
	return out;
}
