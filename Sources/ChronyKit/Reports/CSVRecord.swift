/// One line of `chronyc -c` output split at commas (chronyc never quotes or escapes), with
/// typed accessors that throw a `ReportParseError` naming the report, line and field.
struct CSVRecord {
    let report: ReportKind
    let lineNumber: Int
    let fields: [Substring]
    /// Names of the fields in order, for error messages (the JSON key of each).
    let names: [String]

    /// Splits `line`; throws when it has fewer than `minimum` fields. More fields (from a newer
    /// chrony) are kept and ignored by the parsers.
    init(_ line: Substring, report: ReportKind, lineNumber: Int, names: [String], minimum: Int) throws(ReportParseError) {
        self.report = report
        self.lineNumber = lineNumber
        self.names = names
        fields = ReportLines.split(line, at: UInt8(ascii: ","))
        if fields.count < minimum {
            let missing = fields.count
            throw ReportParseError(report: report, line: lineNumber, fieldNumber: missing + 1,
                                   field: missing < names.count ? names[missing] : "field \(missing + 1)",
                                   problem: .missingField(found: fields.count, minimum: minimum))
        }
    }

    var count: Int { fields.count }

    func error(_ index: Int, expected: String) -> ReportParseError {
        ReportParseError(report: report, line: lineNumber, fieldNumber: index + 1,
                         field: index < names.count ? names[index] : "field \(index + 1)",
                         problem: .badValue(value: String(fields[index]), expected: expected))
    }

    /// Any text, possibly empty (names, addresses).
    func string(_ index: Int) -> String { String(fields[index]) }

    /// Non-empty text without spaces (an address).
    func word(_ index: Int) throws(ReportParseError) -> String {
        let text = fields[index]
        guard !text.isEmpty, !text.utf8.contains(where: { $0 <= 0x20 }) else {
            throw error(index, expected: "an address or name")
        }
        return String(text)
    }

    /// A decimal unsigned integer that fits `T`.
    func unsigned<T: FixedWidthInteger & UnsignedInteger>(_ index: Int, _ type: T.Type = T.self) throws(ReportParseError) -> T {
        guard let value = CSVRecord.parseUnsigned(fields[index], radix: 10, as: T.self) else {
            throw error(index, expected: "an unsigned integer up to \(T.max)")
        }
        return value
    }

    /// A decimal integer with optional minus sign.
    func int(_ index: Int) throws(ReportParseError) -> Int {
        let text = fields[index]
        let negative = text.utf8.first == UInt8(ascii: "-")
        guard let magnitude = CSVRecord.parseUnsigned(negative ? text.dropFirst() : text, radix: 10, as: UInt32.self) else {
            throw error(index, expected: "an integer")
        }
        return negative ? -Int(magnitude) : Int(magnitude)
    }

    /// An octal unsigned integer up to `limit` (the reach register: `377`).
    func octal(_ index: Int, limit: UInt32) throws(ReportParseError) -> UInt32 {
        guard let value = CSVRecord.parseUnsigned(fields[index], radix: 8, as: UInt32.self), value <= limit else {
            throw error(index, expected: "an octal number up to \(String(limit, radix: 8))")
        }
        return value
    }

    /// Seconds since an event; chronyc's 4294967295 means never (nil).
    func secondsAgo(_ index: Int) throws(ReportParseError) -> UInt32? {
        let value: UInt32 = try unsigned(index)
        return value == UInt32.max ? nil : value
    }

    /// A fixed-point decimal as chronyc's printf writes it: `-?digits(.digits)?`. Keeps the
    /// sign of `-0.000000000`. Refuses exponents, `nan`, `inf`, spaces.
    func double(_ index: Int) throws(ReportParseError) -> Double {
        guard let value = CSVRecord.parseFixedPoint(fields[index]) else {
            throw error(index, expected: "a decimal number such as -0.000123456")
        }
        return value
    }

    /// A reference ID: 8 hexadecimal digits.
    func referenceID(_ index: Int) throws(ReportParseError) -> ReferenceID {
        let text = fields[index]
        guard text.utf8.count == 8, let value = CSVRecord.parseUnsigned(text, radix: 16, as: UInt32.self) else {
            throw error(index, expected: "a reference ID of 8 hexadecimal digits")
        }
        return ReferenceID(rawValue: value)
    }

    /// Epoch time as `seconds.nanoseconds` (9 digits).
    func timestamp(_ index: Int) throws(ReportParseError) -> Timestamp {
        let text = fields[index]
        let parts = ReportLines.split(text, at: UInt8(ascii: "."))
        guard parts.count == 2, parts[1].utf8.count == 9,
              let seconds = CSVRecord.parseUnsigned(parts[0], radix: 10, as: UInt64.self), seconds <= UInt64(Int64.max),
              let nanoseconds = CSVRecord.parseUnsigned(parts[1], radix: 10, as: UInt32.self) else {
            throw error(index, expected: "seconds since the epoch with 9 decimals")
        }
        return Timestamp(seconds: Int64(seconds), nanoseconds: nanoseconds)
    }

    /// One of a fixed set of words or characters.
    func choice<T>(_ index: Int, _ table: [(String, T)], expected: String) throws(ReportParseError) -> T {
        let text = fields[index]
        for (word, value) in table where text.utf8.elementsEqual(word.utf8) { return value }
        throw error(index, expected: expected)
    }

    /// `Yes` or `No`.
    func bool(_ index: Int) throws(ReportParseError) -> Bool {
        try choice(index, [("Yes", true), ("No", false)], expected: "Yes or No")
    }

    /// A string of exactly `digits` binary digits.
    func bits(_ index: Int, digits: Int) throws(ReportParseError) -> UInt8 {
        let text = fields[index]
        guard text.utf8.count == digits, let value = CSVRecord.parseUnsigned(text, radix: 2, as: UInt8.self) else {
            throw error(index, expected: "\(digits) binary digits")
        }
        return value
    }

    static func parseUnsigned<T: FixedWidthInteger>(_ text: Substring, radix: Int, as: T.Type) -> T? {
        guard !text.isEmpty else { return nil }
        var value: T = 0
        for byte in text.utf8 {
            let digit: Int
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = Int(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = Int(byte - UInt8(ascii: "a")) + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = Int(byte - UInt8(ascii: "A")) + 10
            default: return nil
            }
            guard digit < radix else { return nil }
            let (shifted, o1) = value.multipliedReportingOverflow(by: T(radix))
            let (sum, o2) = shifted.addingReportingOverflow(T(digit))
            if o1 || o2 { return nil }
            value = sum
        }
        return value
    }

    private static let powersOfTen: [Double] = (0...22).map { exponent in
        var value = 1.0
        for _ in 0..<exponent { value *= 10 }
        return value
    }

    /// Parses `-?digits(.digits)?` into the nearest Double. With at most 15 significant
    /// digits and 22 decimals (every chronyc value), digits / 10^decimals is one correctly
    /// rounded IEEE division of two exact values: the same Double strtod gives, found without
    /// allocating. Longer texts go through the standard library's parser; a number too large for
    /// a Double (which it would read as infinity) is refused.
    static func parseFixedPoint(_ text: Substring) -> Double? {
        let utf8 = text.utf8
        var negative = false
        var mantissa: UInt64 = 0
        var digits = 0, decimals = 0, digitsBefore = 0
        var seenDot = false, first = true
        for byte in utf8 {
            defer { first = false }
            switch byte {
            case UInt8(ascii: "-") where first:
                negative = true
            case UInt8(ascii: "."):
                if seenDot || digitsBefore == 0 { return nil }
                seenDot = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if seenDot { decimals += 1 } else { digitsBefore += 1 }
                if mantissa != 0 || byte != UInt8(ascii: "0") { digits += 1 }
                if digits <= 19 { mantissa = mantissa &* 10 &+ UInt64(byte - UInt8(ascii: "0")) }
            default:
                return nil
            }
        }
        guard digitsBefore > 0, !seenDot || decimals > 0 else { return nil }
        if digits <= 15 && decimals <= 22 {
            let magnitude = Double(mantissa) / powersOfTen[decimals]
            return negative ? -magnitude : magnitude
        }
        // 400 nines parse as +inf: refused like the literals inf and nan, which never reach here.
        guard let value = Double(String(text)), value.isFinite else { return nil }
        return value
    }
}

/// Splits a whole chronyc answer into lines (dropping the final newline) and numbers them.
enum ReportLines {
    static func split(_ text: Substring) -> [Substring] {
        var lines = split(text, at: UInt8(ascii: "\n"))
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines
    }

    /// Splits at an ASCII byte, keeping empty pieces. Works on UTF-8 bytes: no grapheme
    /// breaking, which String.split would do for every character.
    static func split(_ text: Substring, at separator: UInt8) -> [Substring] {
        var pieces: [Substring] = []
        let utf8 = text.utf8
        var start = utf8.startIndex
        var index = start
        while index != utf8.endIndex {
            if utf8[index] == separator {
                pieces.append(Substring(utf8[start..<index]))
                start = utf8.index(after: index)
            }
            index = utf8.index(after: index)
        }
        pieces.append(Substring(utf8[start..<utf8.endIndex]))
        return pieces
    }
}
