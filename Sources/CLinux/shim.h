#ifndef CLINUX_SHIM_H
#define CLINUX_SHIM_H
// Linux calls Swift cannot import because they are variadic in C.
#include <sys/prctl.h>

/// prctl(PR_SET_CHILD_SUBREAPER, 1): orphaned descendants are re-parented to this process
/// instead of PID 1. Returns 0, or -1 with errno set.
static inline int clinux_set_child_subreaper(void) {
    return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0);
}
#endif
