#if canImport(Glibc)
import Glibc
#endif
import ChronyRuntime
import FoundationEssentials

/// What `chronyvisor-fuzz` does besides fuzzing (scripts/fuzz.sh uses it): write a target's
/// seeds and dictionary, and replay inputs through a target's checks.
public enum FuzzTool {
    /// Writes the seeds of `target` as `seed-N` files into `directory` (created) and its
    /// dictionary as `directory/../TARGET.dict`. Returns the number of seeds.
    @discardableResult
    public static func export(_ target: FuzzTarget, seedsTo directory: String, dictionaryTo dictionary: String,
                              fixtures: Fixtures = Fixtures()) throws -> Int {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let seeds = target.seeds(fixtures)
        for (index, seed) in seeds.enumerated() {
            try Data(seed).write(to: URL(filePath: "\(directory)/seed-\(index)"))
        }
        try Data(target.dictionaryText.utf8).write(to: URL(filePath: dictionary))
        return seeds.count
    }

    /// The inputs in `paths` (files, or directories of files).
    public static func inputs(_ paths: [String]) -> [(path: String, bytes: [UInt8])] {
        paths.flatMap { path -> [(path: String, bytes: [UInt8])] in
            var isDirectory = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return [] }
            let files = isDirectory
                ? ((try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []).sorted().map { "\(path)/\($0)" }
                : [path]
            return files.compactMap { file in FileManager.default.contents(atPath: file).map { (file, Array($0)) } }
        }
    }

    /// `chronyvisor-fuzz list | export TARGET SEED-DIR DICT | run TARGET PATH…`; returns the exit status.
    public static func main(_ arguments: [String]) -> Int32 {
        func fail(_ message: String, _ status: Int32 = 64) -> Int32 {
            try? SystemFile.writeAll(STDERR_FILENO, Array("chronyvisor-fuzz: \(message)\n".utf8))
            return status
        }
        let usage = "usage: chronyvisor-fuzz list | export TARGET SEED-DIR DICT-FILE | run TARGET FILE-OR-DIR..."
        guard arguments.count >= 2 else { return fail(usage) }
        switch arguments[1] {
        case "list":
            for target in FuzzTargets.all { print("\(target.name)\t\(target.summary)") }
            return 0
        case "export" where arguments.count == 5:
            guard let target = FuzzTargets.named(arguments[2]) else { return fail("no fuzz target \(arguments[2])") }
            do {
                let count = try export(target, seedsTo: arguments[3], dictionaryTo: arguments[4])
                print("\(target.name): \(count) seeds")
                return 0
            } catch {
                return fail("cannot write the seeds of \(target.name): \(error)", 73)
            }
        case "run" where arguments.count >= 4:
            guard let target = FuzzTargets.named(arguments[2]) else { return fail("no fuzz target \(arguments[2])") }
            var failures = 0
            let inputs = inputs(Array(arguments[3...]))
            for input in inputs {
                do throws(FuzzFailure) {
                    try target.run(input.bytes)
                } catch {
                    failures += 1
                    print("FAIL \(input.path): \(error)")
                }
            }
            print("\(target.name): \(inputs.count) inputs, \(failures) failed")
            return failures == 0 ? 0 : 1
        default:
            return fail(usage)
        }
    }
}
