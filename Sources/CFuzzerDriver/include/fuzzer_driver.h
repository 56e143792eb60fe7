#ifndef INBOX_FUZZER_DRIVER_H
#define INBOX_FUZZER_DRIVER_H
#include <stddef.h>
#include <stdint.h>

/// libFuzzer's entry point for programs that have a main of their own (SwiftPM generates the executable's
/// main). Defined by libFuzzer, which `make fuzz` links in with `-sanitize=fuzzer`; declared here only.
int LLVMFuzzerRunDriver(int *argc, char ***argv, int (*callback)(const uint8_t *data, size_t size));
#endif
