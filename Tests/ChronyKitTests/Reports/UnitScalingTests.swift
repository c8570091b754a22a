import Foundation
import PropertyBased
import Testing
@testable import ChronyKit

/// chronyc's unit scaling (`%S`, `%+S`, `%I`, `%P`), checked at every boundary DESIGN.md and
/// client.c name, and over random values against a table-driven model of the same printf
/// rules written independently of the implementation.
@Suite struct UnitScalingTests {
    /// DESIGN.md's `%S` rule as data: below `limit`, print value / `divisor` with the printf
    /// format (`%4.0f` / `%5.1f` / `%5.0f`) and the unit.
    static let offsetRules: [(limit: Double, divisor: Double, unsigned: String, signed: String, unit: String)] = [
        (9999.5e-9, 1e-9, "%4.0f", "%+5.0f", "ns"),
        (9999.5e-6, 1e-6, "%4.0f", "%+5.0f", "us"),
        (9999.5e-3, 1e-3, "%4.0f", "%+5.0f", "ms"),
        (999.5, 1, "%5.1f", "%+6.1f", "s"),
        (99999.5, 1, "%5.0f", "%+6.0f", "s"),
        (99999.5 * 60, 60, "%5.0f", "%+6.0f", "m"),
        (99999.5 * 3600, 3600, "%5.0f", "%+6.0f", "h"),
        (99999.5 * 86400, 86400, "%5.0f", "%+6.0f", "d"),
        (.infinity, 86400 * 365, "%5.0f", "%+6.0f", "y"),
    ]

    static func model(_ x: Double, signed: Bool) -> String {
        let rule = offsetRules.first { abs(x) < $0.limit }!
        // Scale as chronyc does: multiply by 1e9/1e6/1e3 below a second, divide above.
        let scaled: Double
        switch rule.unit {
        case "ns": scaled = x * 1e9
        case "us": scaled = x * 1e6
        case "ms": scaled = x * 1e3
        default: scaled = x / rule.divisor
        }
        return String(format: signed ? rule.signed : rule.unsigned, signed ? scaled : abs(scaled)) + rule.unit
    }

    @Test(arguments: [
        (9999.4e-9, "9999ns", "-9999ns"),
        (9999.5e-9, "  10us", "  -10us"),
        (9999.4e-6, "9999us", "-9999us"),
        (9999.5e-6, "  10ms", "  -10ms"),
        (9999.4e-3, "9999ms", "-9999ms"),
        (9999.5e-3, " 10.0s", " -10.0s"),
        (999.4, "999.4s", "-999.4s"),
        (999.5, " 1000s", " -1000s"),
        (1200.0, " 1200s", " -1200s"),
        (36000.0, "36000s", "-36000s"),
        (99999.4, "99999s", "-99999s"),
        (99999.5, " 1667m", " -1667m"),
        (345600.0, " 5760m", " -5760m"),
        (99999.5 * 3600 - 1, "99999h", "-99999h"),
        (99999.5 * 3600, " 4167d", " -4167d"),
        (99999.5 * 86400, "  274y", "  -274y"),
        (0.0, "   0ns", "   -0ns"),
        (4.0, "4000ms", "-4000ms"),
    ] as [(Double, String, String)])
    func offsetBoundaries(_ seconds: Double, _ unsigned: String, _ negative: String) {
        #expect(ChronyUnits.seconds(seconds, signed: false) == unsigned)
        #expect(ChronyUnits.seconds(-seconds, signed: false) == unsigned)
        #expect(ChronyUnits.seconds(-seconds, signed: true) == negative)
        #expect(ChronyUnits.seconds(seconds, signed: true) == negative.replacingOccurrences(of: "-", with: "+"))
    }

    @Test(arguments: [
        (nil, "   -"), (UInt32.max, "   -"), (0, "   0"), (1199, "1199"), (1200, " 20m"), (35999, "599m"),
        (36000, " 10h"), (345599, " 95h"), (345600, "  4d"), (999 * 86400 + 86399, "999d"),
        (1000 * 86400, "  2y"), (UInt32.max - 1, "136y"),
    ] as [(UInt32?, String)])
    func intervalBoundaries(_ seconds: UInt32?, _ expected: String) {
        #expect(ChronyUnits.interval(seconds) == expected)
    }

    @Test(arguments: [
        (99999.4, " 99999.400", "+99999.400"), (99999.5, "    100000", "   +100000"),
        (-99999.5, "   -100000", "   -100000"), (2000.0, "  2000.000", " +2000.000"),
        (-0.0, "    -0.000", "    -0.000"), (0.0, "     0.000", "    +0.000"),
    ] as [(Double, String, String)])
    func frequencyBoundaries(_ ppm: Double, _ unsigned: String, _ signed: String) {
        #expect(ChronyUnits.ppm(ppm) == unsigned)
        #expect(ChronyUnits.signedPPM(ppm) == signed)
    }

    /// Log-uniform magnitudes from 1e-12 s to 1e12 s, either sign.
    static let offsets = Gen.double(in: -12...12).map { exponent in pow(10, exponent) }

    @Test func offsetsFollowTheRulesEverywhere() async {
        await propertyCheck(count: 2000, input: Self.offsets, Gen.bool()) { magnitude, negative in
            let x = negative ? -magnitude : magnitude
            #expect(ChronyUnits.seconds(x, signed: false) == Self.model(x, signed: false))
            #expect(ChronyUnits.seconds(x, signed: true) == Self.model(x, signed: true))
            // Six columns unsigned, seven signed, below 100000 years.
            if magnitude < 99999.5 * 86400 * 365 {
                #expect(ChronyUnits.seconds(x, signed: false).utf8.count == 6)
                #expect(ChronyUnits.seconds(x, signed: true).utf8.count == 7)
            }
        }
    }

    @Test func offsetsNearEveryLimitPickTheRightUnit() async {
        // Values within a relative 1e-9 of each limit, both sides.
        let limits = Self.offsetRules.dropLast().map(\.limit)
        await propertyCheck(count: 1000, input: Gen.int(in: 0...(limits.count - 1)), Gen.double(in: -1e-9...1e-9)) { index, delta in
            let x = limits[index] * (1 + delta)
            #expect(ChronyUnits.seconds(x, signed: false) == Self.model(x, signed: false))
            #expect(ChronyUnits.seconds(-x, signed: true) == Self.model(-x, signed: true))
        }
    }

    @Test func intervalsFollowTheRulesEverywhere() async {
        await propertyCheck(count: 2000, input: Gen.uint32()) { s in
            let expected: String
            if s == UInt32.max { expected = "   -" }
            else if s < 1200 { expected = String(format: "%4u", s) }
            else if s < 36000 { expected = String(format: "%3um", s / 60) }
            else if s < 345600 { expected = String(format: "%3uh", s / 3600) }
            else if s / 86400 > 999 { expected = String(format: "%3uy", s / 86400 / 365) }
            else { expected = String(format: "%3ud", s / 86400) }
            #expect(ChronyUnits.interval(s) == expected)
        }
    }

    @Test func frequenciesFollowTheRulesEverywhere() async {
        await propertyCheck(count: 2000, input: Gen.double(in: -3...7).map { pow(10, $0) }, Gen.bool()) { magnitude, negative in
            let f = negative ? -magnitude : magnitude
            let small = abs(f) < 99999.5
            #expect(ChronyUnits.ppm(f) == String(format: small ? "%10.3f" : "%10.0f", f))
            #expect(ChronyUnits.signedPPM(f) == String(format: small ? "%+10.3f" : "%+10.0f", f))
        }
    }
}
