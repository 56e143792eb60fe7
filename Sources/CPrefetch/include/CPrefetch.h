#ifndef INBOX_REPORT_PREFETCH_H
#define INBOX_REPORT_PREFETCH_H

/// Asks the CPU to start loading the cache line at `p` without waiting for it. The event fold is bound by
/// memory latency (each event touches a few random cache lines of large tables); looking a batch of events
/// up in stages, with a prefetch between stages, lets those loads overlap. Swift has no prefetch of its own.
static inline void inbox_prefetch(const void *p) { __builtin_prefetch(p, 0, 3); }

#endif
