#ifndef CSYSTEMD_SHIM_H
#define CSYSTEMD_SHIM_H
#include <dlfcn.h>
#include <errno.h>
#include <stddef.h>
#include <systemd/sd-daemon.h>

/* libsystemd's sd_notify, bound on first use with dlopen("libsystemd.so.0").
 *
 * Only `chronyvisor run` under a service manager ever notifies; `chronyvisor health` is
 * exec'd every few seconds in every container and would otherwise load libsystemd and its
 * six libraries (libgcrypt, libzstd, liblz4, liblzma, libcap, libgpg-error) for nothing:
 * about 0.5 ms per exec here. Returns -ENOSYS when libsystemd is not installed. */
static inline int chronyvisor_sd_notify(int unset_environment, const char *state) {
    static __typeof__(&sd_notify) function = NULL;
    static int looked = 0;
    if (!looked) {
        void *library = dlopen("libsystemd.so.0", RTLD_NOW | RTLD_LOCAL);
        function = library ? (__typeof__(&sd_notify))dlsym(library, "sd_notify") : NULL;
        looked = 1;
    }
    return function ? function(unset_environment, state) : -ENOSYS;
}
#endif
