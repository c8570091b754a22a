/// Whole-file reads and writes on top of `systemCall`, for the few files chronyvisor reads
/// or writes itself (templates, chrony.conf, saved chronyc output).
public enum SystemFile {
    /// The bytes of the file at `path`.
    public static func bytes(at path: String) throws(SystemCallError) -> [UInt8] {
        let fd = try systemCall("open") { open(path, O_RDONLY | O_CLOEXEC) }
        defer { close(fd) }
        return try readAll(fd)
    }

    /// Everything `fd` yields until end of file.
    public static func readAll(_ fd: Int32) throws(SystemCallError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = try systemCall("read") { read(fd, &chunk, chunk.count) }
            if count == 0 { return bytes }
            bytes.append(contentsOf: chunk[0..<count])
        }
    }

    /// The file at `path` as text (invalid UTF-8 becomes U+FFFD).
    public static func text(at path: String) throws(SystemCallError) -> String {
        String(decoding: try bytes(at: path), as: UTF8.self)
    }

    /// Whether something exists at `path` (following symbolic links).
    public static func exists(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0
    }

    /// Writes all of `bytes` to `fd`, however many `write` calls it takes.
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) throws(SystemCallError) {
        let failure: SystemCallError? = bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                do throws(SystemCallError) {
                    let written = try systemCall("write") { write(fd, buffer.baseAddress! + offset, buffer.count - offset) }
                    guard written > 0 else { return SystemCallError(call: "write", errno: EIO) }
                    offset += written
                } catch {
                    return error
                }
            }
            return nil
        }
        if let failure { throw failure }
    }

    /// Replaces the file at `path` with `text` atomically: a temporary file beside it,
    /// flushed, then renamed over it. Missing parent directories are created (0755).
    /// `mode` is spelled `UInt32` (what `mode_t` is on glibc and musl): in this public
    /// signature, the release build (whole-module) may resolve `mode_t` to the C library's
    /// shim module, which no file imports, and refuse it.
    public static func writeAtomically(_ text: String, to path: String, mode: UInt32 = 0o644) throws(SystemCallError) {
        let directory = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        if !directory.isEmpty { try makeDirectories(directory) }
        let temporary = "\(path).tmp-\(getpid())"
        let fd = try systemCall("open") { open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode) }
        do {
            try writeAll(fd, Array(text.utf8))
            _ = try systemCall("fsync") { fsync(fd) }
            close(fd)
            _ = try systemCall("rename") { rename(temporary, path) }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
    }

    /// Creates `path` and its missing parents (0755); existing directories are fine.
    public static func makeDirectories(_ path: String) throws(SystemCallError) {
        var prefix = path.hasPrefix("/") ? "" : "."
        for component in path.split(separator: "/") {
            prefix += "/" + component
            if mkdir(prefix, 0o755) != 0 && errno != EEXIST {
                throw SystemCallError(call: "mkdir \(prefix)", errno: errno)
            }
        }
    }

    /// A new private directory under $TMPDIR (else /tmp), named after `prefix`.
    public static func makeTemporaryDirectory(_ prefix: String) throws(SystemCallError) -> String {
        let base = getenv("TMPDIR").map { String(cString: $0) }.flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/\(prefix).XXXXXX".utf8CString)
        guard let made = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw SystemCallError(call: "mkdtemp \(base)", errno: errno)
        }
        return String(cString: made)
    }

    /// Removes the files directly in `directory`, then the directory itself (best effort).
    public static func removeDirectory(_ directory: String, files: [String]) {
        for file in files { unlink("\(directory)/\(file)") }
        rmdir(directory)
    }
}
