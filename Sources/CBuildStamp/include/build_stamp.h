#ifndef CHRONYVISOR_BUILD_STAMP_H
#define CHRONYVISOR_BUILD_STAMP_H

/// The commit this binary was built from: "unknown" as compiled, replaced in the finished
/// binary by scripts/build-release.sh (the ELF section .chronyvisor_commit, written with
/// `objcopy --update-section`), so that a new commit re-links nothing and a build's flags
/// stay the same from one commit to the next.
const char *chronyvisor_build_commit(void);

#endif
