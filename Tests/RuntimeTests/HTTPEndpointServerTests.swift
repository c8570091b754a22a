import ChronyRuntime
import Logging
import NIOHTTP1
import Synchronization
import Testing

/// The endpoint server and the health check's client, over real loopback TCP. In process, the
/// server runs on an executor of its own (`onOwnThread`): the cooperative pool is shared with
/// every blocking test of the run.
@Suite struct HTTPEndpointServerTests {
    /// Starts a server on an ephemeral port answering with `respond`; returns its port and the task.
    static func startServer(_ respond: @escaping HTTPEndpointServer.Responder) async throws -> (Int, Task<Void, any Error>) {
        let bound = Mutex<Int?>(nil)
        let server = HTTPEndpointServer(host: "127.0.0.1", port: 0, logger: Logger(label: "test"), respond: respond)
        let task = Task(executorPreference: OwnThreadExecutor(label: "http-server-test")) {
            try await server.run { port in bound.withLock { $0 = port } }
        }
        try await waitUntilAsync(timeout: 120, "the server is bound") { bound.withLock { $0 } != nil }
        return (bound.withLock { $0 }!, task)
    }

    @Test func clientGetsStatusAndBodyFromServer() async throws {
        let (port, task) = try await Self.startServer { request in
            request.path == "/readyz"
                ? EndpointResponse(status: .serviceUnavailable, contentType: "application/json", body: #"{"verdict":"starting"}"#)
                : EndpointResponse(status: .notFound, contentType: "text/plain", body: "no such endpoint: \(request.path)\n")
        }
        defer { task.cancel() }
        let ready = try await offPool { try LoopbackHTTPClient.get(host: "127.0.0.1", port: port, path: "/readyz?verbose=1", timeoutMilliseconds: 60_000) }
        #expect(ready.status == 503)
        #expect(ready.body == #"{"verdict":"starting"}"#)
        let missing = try await offPool { try LoopbackHTTPClient.get(host: "127.0.0.1", port: port, path: "/nope", timeoutMilliseconds: 60_000) }
        #expect(missing.status == 404)
        #expect(missing.body == "no such endpoint: /nope\n")
    }

    @Test func refusedConnectionIsATypedError() throws {
        // A port nobody listens on: bind-and-close gives one that was free a moment ago.
        let port = Int(TestPorts.next())
        #expect(throws: LoopbackHTTPError.refused) {
            try LoopbackHTTPClient.get(host: "127.0.0.1", port: port, path: "/healthz", timeoutMilliseconds: 500)
        }
    }

    @Test func manySequentialRequestsAreServed() async throws {
        let count = Atomic<Int>(0)
        let (port, task) = try await Self.startServer { _ in
            let n = count.add(1, ordering: .relaxed).newValue
            return EndpointResponse(status: .ok, contentType: "text/plain", body: "\(n)")
        }
        defer { task.cancel() }
        for i in 1...50 {
            let response = try await offPool { try LoopbackHTTPClient.get(host: "127.0.0.1", port: port, path: "/metrics", timeoutMilliseconds: 60_000) }
            #expect(response.status == 200)
            #expect(response.body == "\(i)")
        }
    }
}
