import ChronyFuzz
#if canImport(Glibc)
import Glibc
#endif

#if CHRONYVISOR_FUZZING
// Built by scripts/fuzz.sh with `-sanitize=fuzzer,address`: libFuzzer supplies `main` and
// calls these two. The target is named by CHRONYVISOR_FUZZ_TARGET; with CHRONYVISOR_FUZZ_SEEDS
// and CHRONYVISOR_FUZZ_DICT set, the process writes the target's seeds and dictionary there
// and exits.

/// The target this process fuzzes (an unknown name ends the process before any input).
let selectedTarget: FuzzTarget = {
    let name = getenv("CHRONYVISOR_FUZZ_TARGET").map { String(cString: $0) } ?? ""
    guard let target = FuzzTargets.named(name) else {
        let message = "chronyvisor-fuzz: CHRONYVISOR_FUZZ_TARGET=\(name) is not a target: \(FuzzTargets.all.map(\.name).joined(separator: ", "))\n"
        _ = message.withCString { write(STDERR_FILENO, $0, strlen($0)) }
        exit(64)
    }
    return target
}()

@_cdecl("LLVMFuzzerInitialize")
public func fuzzerInitialize(_ argc: UnsafeMutablePointer<Int32>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>) -> Int32 {
    // scripts/fuzz.sh asks the fuzzing binary itself for the seeds and the dictionary.
    if let seeds = getenv("CHRONYVISOR_FUZZ_SEEDS").map({ String(cString: $0) }),
       let dictionary = getenv("CHRONYVISOR_FUZZ_DICT").map({ String(cString: $0) }) {
        exit(FuzzTool.main(["chronyvisor-fuzz", "export", selectedTarget.name, seeds, dictionary]))
    }
    return 0
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzerTestOneInput(_ data: UnsafePointer<UInt8>?, _ size: Int) -> Int32 {
    let bytes = size == 0 ? [] : Array(UnsafeBufferPointer(start: data, count: size))
    do throws(FuzzFailure) {
        try selectedTarget.run(bytes)
    } catch {
        // A property that does not hold is a crash to libFuzzer: it keeps the input.
        fatalError("\(error)")
    }
    return 0
}
#else
/// Without libFuzzer: list the targets, write seeds and dictionaries, replay inputs.
@main
struct FuzzReplay {
    static func main() {
        exit(FuzzTool.main(CommandLine.arguments))
    }
}
#endif
