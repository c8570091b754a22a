#!/usr/bin/env bash
# What each of chronyvisor's dependencies costs: builds one small program per import (release,
# --static-swift-stdlib, as the image's binary is built) in a throw-away package, then
# measures each program's binary size (unstripped / stripped), start-up wall time and peak
# memory (median of repeated runs). Slow (one release build of every dependency, several
# minutes on 2 cores), so it is run once by hand and its table pasted into
# docs/benchmarks.md; scripts/bench.sh does not call it.
#
# Usage: scripts/bench/deps.sh [RUNS]     (RUNS: timed runs per program, default 30)
# Prints a markdown table on stdout; progress on stderr.
. "$(dirname "$0")/../lib/init.sh"
root=$PWD
runs=${1:-30}
if ! command -v swift >/dev/null 2>&1 && [ -x /opt/swift/usr/bin/swift ]; then
  export PATH=/opt/swift/usr/bin:$PATH
fi

work=$(mktemp -d /tmp/chronyvisor-deps.XXXXXX)
trap 'rm -rf "$work"' EXIT
pkg=$work/pkg

# program name|products it imports|source of main.swift
programs=(
  bare
  argumentparser
  logging
  nio-http
  prometheus
  foundation-essentials
  foundation
  configuration
  mustache
  all
  all-but-configuration
  all-but-prometheus
)

write_main() {
  local dir=$pkg/Sources/$1
  mkdir -p "$dir"
  case $1 in
  bare) cat > "$dir/main.swift" <<'SWIFT'
print("args", CommandLine.arguments.count)
SWIFT
  ;;
  argumentparser) cat > "$dir/main.swift" <<'SWIFT'
import ArgumentParser
struct Tool: ParsableCommand {
    @Option var name = "chrony"
    @Flag var verbose = false
    func run() { print(name, verbose) }
}
Tool.main()
SWIFT
  ;;
  logging) cat > "$dir/main.swift" <<'SWIFT'
import Logging
var logger = Logger(label: "deps")
logger[metadataKey: "role"] = "gateway"
logger.info("started", metadata: ["pid": "1"])
SWIFT
  ;;
  nio-http) cat > "$dir/main.swift" <<'SWIFT'
import NIOCore
import NIOHTTP1
import NIOPosix
let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
let channel = try ServerBootstrap(group: group)
    .childChannelInitializer { channel in channel.pipeline.configureHTTPServerPipeline() }
    .bind(host: "127.0.0.1", port: 0).wait()
print("bound", channel.localAddress?.port ?? 0)
try channel.close().wait()
try group.syncShutdownGracefully()
SWIFT
  ;;
  prometheus) cat > "$dir/main.swift" <<'SWIFT'
import Prometheus
let registry = PrometheusCollectorRegistry()
let counter = registry.makeCounter(name: "polls_total")
counter.increment()
let gauge = registry.makeGauge(name: "offset_seconds", labels: [("source", "relay1")])
gauge.set(0.000012)
var buffer: [UInt8] = []
registry.emit(into: &buffer)
print(buffer.count)
SWIFT
  ;;
  foundation-essentials) cat > "$dir/main.swift" <<'SWIFT'
import FoundationEssentials
struct Item: Codable { var name: String; var offset: Double }
let data = try JSONEncoder().encode([Item(name: "relay1", offset: 1e-5)])
print(data.count, Date.now.timeIntervalSince1970 > 0)
SWIFT
  ;;
  foundation) cat > "$dir/main.swift" <<'SWIFT'
import Foundation
struct Item: Codable { var name: String; var offset: Double }
let data = try JSONEncoder().encode([Item(name: "relay1", offset: 1e-5)])
print(data.count, ProcessInfo.processInfo.environment.count > 0, FileManager.default.fileExists(atPath: "/"))
SWIFT
  ;;
  configuration) cat > "$dir/main.swift" <<'SWIFT'
import Configuration
let reader = ConfigReader(providers: [EnvironmentVariablesProvider()])
print(reader.string(forKey: ConfigKey("ntp.role")) ?? "relay")
SWIFT
  ;;
  mustache) cat > "$dir/main.swift" <<'SWIFT'
import Mustache
let template = try MustacheTemplate(string: "{{#servers}}server {{host}} iburst\n{{/servers}}")
print(template.render(["servers": [["host": "127.0.0.1"], ["host": "127.0.0.2"]]]))
SWIFT
  ;;
  all) cat > "$dir/main.swift" <<'SWIFT'
// Every library chronyvisor links, each used once.
import ArgumentParser
import Configuration
import FoundationEssentials
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
struct Item: Codable { var name: String; var offset: Double }
struct Tool: ParsableCommand {
    @Option var name = "chrony"
    func run() throws {
        Logger(label: "deps").info("started")
        let reader = ConfigReader(providers: [EnvironmentVariablesProvider()])
        print("server \(reader.string(forKey: ConfigKey("ntp.host")) ?? name) iburst")
        let registry = PrometheusCollectorRegistry()
        registry.makeCounter(name: "polls_total").increment()
        var buffer: [UInt8] = []
        registry.emit(into: &buffer)
        print(buffer.count, try JSONEncoder().encode([Item(name: name, offset: 1e-5)]).count)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let channel = try ServerBootstrap(group: group)
            .childChannelInitializer { channel in channel.pipeline.configureHTTPServerPipeline() }
            .bind(host: "127.0.0.1", port: 0).wait()
        try channel.close().wait()
        try group.syncShutdownGracefully()
    }
}
Tool.main()
SWIFT
  ;;
  all-but-configuration) sed -e '/Configuration/d' -e '/ConfigReader/d' -e 's/print("server .*/print("server \\(name) iburst")/' \
      "$pkg/Sources/all/main.swift" > "$dir/main.swift"
  ;;
  all-but-prometheus) sed -e '/Prometheus/d' -e '/registry/d' -e 's/print(buffer.count, /print(/' -e '/var buffer/d' \
      "$pkg/Sources/all/main.swift" > "$dir/main.swift"
  ;;
  esac
}

products() {
  case $1 in
  bare|foundation-essentials|foundation) ;;
  argumentparser) echo '.product(name: "ArgumentParser", package: "swift-argument-parser")' ;;
  logging) echo '.product(name: "Logging", package: "swift-log")' ;;
  nio-http) echo '.product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio")' ;;
  prometheus) echo '.product(name: "Prometheus", package: "swift-prometheus")' ;;
  configuration) echo '.product(name: "Configuration", package: "swift-configuration")' ;;
  mustache) echo '.product(name: "Mustache", package: "swift-mustache")' ;;
  all) echo "$(products all-but-configuration), .product(name: \"Configuration\", package: \"swift-configuration\")" ;;
  all-but-configuration) echo "$(products all-but-prometheus | sed 's/, .product(name: "Configuration", package: "swift-configuration")//'), .product(name: \"Prometheus\", package: \"swift-prometheus\")" ;;
  all-but-prometheus) echo '.product(name: "ArgumentParser", package: "swift-argument-parser"), .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"), .product(name: "Configuration", package: "swift-configuration")' ;;
  esac
}

mkdir -p "$pkg"
targets=""
for p in "${programs[@]}"; do
  write_main "$p"
  targets+="        .executableTarget(name: \"$p\", dependencies: [$(products "$p")]),"$'\n'
done
# The same packages and versions as chronyvisor's Package.swift (swift-configuration without
# traits, as chronyvisor uses it), plus swift-mustache, which chronyvisor no longer links: its
# row shows what it cost (full Foundation and ICU).
cat > "$pkg/Package.swift" <<SWIFT
// swift-tools-version: 6.1
import PackageDescription
let package = Package(
    name: "deps",
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-configuration", from: "1.0.0", traits: []),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.1.0"),
    ],
    targets: [
$targets    ],
    swiftLanguageModes: [.v5]
)
SWIFT

echo "deps: building ${#programs[@]} programs (release, --static-swift-stdlib) in $pkg" >&2
start=$(date +%s)
(cd "$pkg" && swift build -c release --static-swift-stdlib >"$work/build.log" 2>&1) || { tail -40 "$work/build.log" >&2; exit 1; }
echo "deps: built in $(( $(date +%s) - start )) s" >&2
bin=$(cd "$pkg" && swift build -c release --static-swift-stdlib --show-bin-path)

chronyvisor=$root/.build-release/release/chronyvisor
args=(--runs "$runs" --swift "$(swift --version 2>/dev/null | head -1)")
for p in "${programs[@]}"; do args+=(--program "$p=$bin/$p"); done
[ -x "$chronyvisor" ] && args+=(--program "chronyvisor (this repo)=$chronyvisor")
python3 "$root/scripts/bench/deps_measure.py" "${args[@]}"
