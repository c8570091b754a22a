/// Gives the kernel back the pages of chronyvisor's own executable once start-up is over.
///
/// Start-up runs code that a supervisor never runs again: settings validation, template
/// rendering, chronyd's configuration check, the first conformance look-ups of the Swift
/// runtime (which read every protocol-conformance record of the binary). The kernel maps the
/// page cache in large folios, so those few calls leave most of the 19 MB binary mapped and
/// counted as resident for as long as the supervisor lives. `MADV_PAGEOUT` over the
/// executable's mappings unmaps their clean pages (and drops them from the page cache when no
/// other process maps them; dirty data pages stay), `MADV_DONTNEED` unmaps the rest of the
/// code; what the poll loop, the HTTP endpoints and the metrics use comes back on their next
/// call, and only that stays. `MADV_RANDOM` first, so that it comes back page by page instead
/// of in readahead's large folios. Measured in docs/benchmarks.md.
public enum ExecutablePages {
    /// Pages out the mappings of this process's executable; the bytes advised, or
    /// nil when the kernel refused (before Linux 5.4, or a sandbox without the call).
    @discardableResult
    public static func release() -> Int? {
        guard let executable = try? ownPath(), let maps = try? SystemFile.text(at: "/proc/self/maps") else { return nil }
        var advised = 0
        for line in maps.split(separator: "\n") {
            // start-end perms offset dev inode path
            let fields = line.split(separator: " ", maxSplits: 5, omittingEmptySubsequences: true)
            guard fields.count == 6, fields[5].drop(while: { $0 == " " }) == executable else { continue }
            let bounds = fields[0].split(separator: "-")
            guard bounds.count == 2, let start = UInt(bounds[0], radix: 16), let end = UInt(bounds[1], radix: 16),
                  end > start, let address = UnsafeMutableRawPointer(bitPattern: start) else { continue }
            let length = Int(end - start)
            _ = madvise(address, length, MADV_RANDOM)
            guard madvise(address, length, MADV_PAGEOUT) == 0 else { return nil }
            // Code is never written: its pages come back from the file unchanged. Only there
            // is MADV_DONTNEED safe (in data or RELRO pages it would drop what was written);
            // it also unmaps what MADV_PAGEOUT skips because another process maps it too (the
            // stand's four containers share one image's page cache).
            if fields[1] == "r-xp" { _ = madvise(address, length, MADV_DONTNEED) }
            advised += length
        }
        return advised
    }

    private static func ownPath() throws(SystemCallError) -> String {
        var buffer = [CChar](repeating: 0, count: 4096)
        let count = try systemCall("readlink") { readlink("/proc/self/exe", &buffer, buffer.count) }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
