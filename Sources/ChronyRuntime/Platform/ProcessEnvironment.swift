/// This process's environment variables, read from `environ` (the first of duplicated
/// names wins, as `getenv` has it).
public enum ProcessEnvironment {
    /// Split at the first `=` byte by byte: a search over `Character`s costs a grapheme
    /// break check per byte, which every `chronyvisor health` would pay for the whole
    /// environment.
    public static var current: [String: String] {
        var variables: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self),
                                            count: strlen(pointer))
            if let equals = bytes.firstIndex(of: UInt8(ascii: "=")) {
                let name = String(decoding: bytes[..<equals], as: UTF8.self)
                if variables[name] == nil {
                    variables[name] = String(decoding: bytes[(equals + 1)...], as: UTF8.self)
                }
            }
            entry += 1
        }
        return variables
    }
}
