// The declaration of libFuzzer's driver is all this target holds (see include/fuzzer_driver.h).
