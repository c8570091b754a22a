import Testing
@testable import ChronyKit

/// chronyc's `%S` / `%+S`; expected strings computed with C printf semantics from chrony's
/// client.c rules (every unit boundary, rounding at .5, negative values, -0).
@Suite struct ChronyUnitsTests {
    @Test(arguments: [
        (0.0, "   0ns", "   +0ns"),
        (1e-9, "   1ns", "   +1ns"),
        (1.234e-6, "1234ns", "+1234ns"),
        (9999.4e-9, "9999ns", "+9999ns"),
        (9999.5e-9, "  10us", "  +10us"),
        (12.5e-6, "  12us", "  +12us"),
        (-12.5e-6, "  12us", "  -12us"),
        (0.0123456, "  12ms", "  +12ms"),
        (1.5, "1500ms", "+1500ms"),
        (-1.5, "1500ms", "-1500ms"),
        (999.4, "999.4s", "+999.4s"),
        (999.5, " 1000s", " +1000s"),
        (12345.0, "12345s", "+12345s"),
        (99999.4, "99999s", "+99999s"),
        (99999.5, " 1667m", " +1667m"),
        (-180000.0, " 3000m", " -3000m"),
        (172_800_000.0, "48000h", "+48000h"),
        (6_307_200_000.0, "73000d", "+73000d"),
        (1e12, "31710y", "+31710y"),
    ])
    func seconds(value: Double, unsigned: String, signed: String) {
        #expect(ChronyUnits.seconds(value, signed: false) == unsigned)
        #expect(ChronyUnits.seconds(value, signed: true) == signed)
    }

    @Test func negativeZeroKeepsItsSign() {
        #expect(ChronyUnits.seconds(-0.0, signed: true) == "   -0ns")
        #expect(ChronyUnits.seconds(-0.0, signed: false) == "   0ns")
    }
}
