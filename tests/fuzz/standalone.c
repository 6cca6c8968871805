/*
 * standalone: a main() for a fuzz harness without libFuzzer.  Runs
 * LLVMFuzzerTestOneInput once on every file named on the command line (a
 * directory: every regular file in it), so the ordinary build (gcc or
 * clang, with or without ASan) can replay a seed corpus or a crash file.
 * Exits 0 when every input ran, 2 on a usage or I/O error; a crash is the
 * harness's abort.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "tests/fuzz/fuzz.h"

static int run_file(const char *path, long *count)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		fprintf(stderr, "standalone: cannot open %s\n", path);
		return -1;
	}
	size_t cap = 4096, len = 0;
	unsigned char *data = malloc(cap);
	size_t n;
	while (data && (n = fread(data + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap) {
			if (cap >= ((size_t)64 << 20))
				break;
			cap *= 2;
			data = realloc(data, cap);
		}
	}
	fclose(f);
	if (!data)
		abort();
	LLVMFuzzerTestOneInput(data, len);
	free(data);
	(*count)++;
	return 0;
}

int main(int argc, char **argv)
{
	long count = 0;
	LLVMFuzzerInitialize(&argc, &argv);
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) != 0) {
			fprintf(stderr, "standalone: no such file %s\n", argv[i]);
			return 2;
		}
		if (!S_ISDIR(st.st_mode)) {
			if (run_file(argv[i], &count) < 0)
				return 2;
			continue;
		}
		DIR *d = opendir(argv[i]);
		struct dirent *e;
		if (!d)
			return 2;
		while ((e = readdir(d)) != NULL) {
			char path[4096];
			struct stat fst;
			snprintf(path, sizeof(path), "%s/%s", argv[i], e->d_name);
			if (stat(path, &fst) == 0 && S_ISREG(fst.st_mode) &&
			    run_file(path, &count) < 0) {
				closedir(d);
				return 2;
			}
		}
		closedir(d);
	}
	printf("%s: %ld inputs ran\n", argv[0], count);
	return 0;
}
