import ChronyKit
import ChronyRuntime
import Logging
import NIOHTTP1
import Testing

/// `HealthEndpoints.respond` on its own: what each path answers for a given supervisor state.
@Suite struct HealthEndpointsTests {
    let endpoints = HealthEndpoints(listen: ListenAddress(host: "127.0.0.1", port: 0), role: .relay,
                                    readiness: Readiness(degradedIsReady: false), metrics: ChronyMetrics(),
                                    logger: Logger(label: "test"))

    @Test func beforeTheFirstPollNothingIsReadyOrLive() {
        let snapshot = SupervisorSnapshot()
        #expect(endpoints.respond(to: EndpointRequest(method: .GET, path: "/readyz"), snapshot: snapshot).status == .serviceUnavailable)
        #expect(endpoints.respond(to: EndpointRequest(method: .GET, path: "/healthz"), snapshot: snapshot).status == .serviceUnavailable)
        #expect(endpoints.respond(to: EndpointRequest(method: .GET, path: "/status"), snapshot: snapshot).status == .serviceUnavailable)
        #expect(endpoints.respond(to: EndpointRequest(method: .GET, path: "/metrics"), snapshot: snapshot).status == .ok)
    }

    @Test func degradedIsLiveButNotReadyWhenDegradedDoesNotCount() throws {
        var snapshot = SupervisorSnapshot()
        snapshot.verdict = HealthVerdict(state: .degraded, live: true, reasons: ["serving its local clock"])
        #expect(endpoints.respond(to: EndpointRequest(method: .GET, path: "/healthz"), snapshot: snapshot).status == .ok)
        let ready = endpoints.respond(to: EndpointRequest(method: .GET, path: "/readyz"), snapshot: snapshot)
        #expect(ready.status == .serviceUnavailable)
        let answer = try StatusJSON.decode(HealthAnswer.self, from: ready.body)
        #expect(answer == HealthAnswer(snapshot.verdict!, ready: false))
        #expect(answer.summary == "degraded: serving its local clock")
    }

    @Test func otherMethodsAndPaths() {
        let snapshot = SupervisorSnapshot()
        #expect(endpoints.respond(to: EndpointRequest(method: .POST, path: "/readyz"), snapshot: snapshot).status == .methodNotAllowed)
        #expect(endpoints.respond(to: EndpointRequest(method: .GET, path: "/nope"), snapshot: snapshot).status == .notFound)
    }
}
