#include "build_stamp.h"

/* The slot scripts/build-release.sh overwrites: exactly CHRONYVISOR_COMMIT_SLOT bytes, NUL
   padded (a 40-digit commit id, "-dirty" and the terminating NUL fit). Its own section, so
   that the script finds it by name; `used` keeps it from being dropped. */
#define CHRONYVISOR_COMMIT_SLOT 48
__attribute__((used, section(".chronyvisor_commit"), aligned(1)))
const char chronyvisor_commit_slot[CHRONYVISOR_COMMIT_SLOT] = "unknown";

const char *chronyvisor_build_commit(void) {
    /* Read through a volatile pointer: the compiler must not fold the compiled-in "unknown". */
    const char *volatile slot = chronyvisor_commit_slot;
    return slot;
}
