/*
 * replay: the main of a fuzz harness built without libFuzzer (gcc, the
 * main Makefile), so `make test` (and `make check`, instrumented) runs
 * every saved crash input and seed through the same harness code the
 * fuzzer runs: a fixed crash that comes back fails the tests.
 *
 *   out/build/tests/fuzz/fuzz_csv FILE...     exit 0 when every input passed
 *
 * A failed invariant or a sanitizer report aborts, as under libFuzzer.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <errno.h>

#include "util/strbuf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
/* Only some harnesses have one. */
int LLVMFuzzerInitialize(int *argc, char ***argv) __attribute__((weak));

int main(int argc, char **argv)
{
	int i;
	if (LLVMFuzzerInitialize)
		LLVMFuzzerInitialize(&argc, &argv);
	for (i = 1; i < argc; i++) {
		struct strbuf sb = STRBUF_INIT;
		if (strbuf_read_file(&sb, argv[i], 0) < 0) {
			fprintf(stderr, "%s: cannot read: %s\n", argv[i], strerror(errno));
			return 66;
		}
		LLVMFuzzerTestOneInput((const uint8_t *)sb.buf, sb.len);
		strbuf_release(&sb);
	}
	printf("%d inputs replayed\n", argc - 1);
	return 0;
}
