import Testing

/// The test fixture itself: a reference chronyd answers and a client of it synchronises.
@Suite struct LocalChronydTests {
    @Test func clientSynchronisesToLocalReference() throws {
        let reference = try LocalChronyd.reference()
        let client = try LocalChronyd.client(of: [reference])
        try waitUntil(timeout: 20, "the client selects the reference") {
            (try client.chronyc(["-c", "sources"])).stdout.contains("^,*,")
        }
        let tracking = try client.chronyc(["-c", "tracking"]).stdout
        #expect(tracking.hasSuffix(",Normal\n"))
    }
}
