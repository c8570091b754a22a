// The C library, for every file of ChronyRuntime (and its importers): the one place that
// chooses between glibc and musl, instead of a preamble in each file.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#else
#error("chronyvisor runs on Linux: glibc or musl")
#endif
