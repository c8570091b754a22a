#ifndef CLINUX_SHIM_H
#define CLINUX_SHIM_H
// Linux calls Swift cannot import because they are variadic in C, or whose header the Glibc
// module leaves out.
#include <malloc.h>
#include <sys/prctl.h>

/// prctl(PR_SET_CHILD_SUBREAPER, 1): orphaned descendants are re-parented to this process
/// instead of PID 1. Returns 0, or -1 with errno set.
static inline int clinux_set_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}

/// mallopt(M_ARENA_MAX, count) (malloc.h is not part of Swift's Glibc module). Returns 1 on
/// success, 0 on error.
static inline int clinux_set_malloc_arena_max(int count) {
    return mallopt(M_ARENA_MAX, count);
}
#endif
