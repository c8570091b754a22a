/// A chronyc CSV answer that does not have the shape chrony 4.3 to 4.8 print. Names the
/// report, the 1-based line and the field, with the offending text — never a crash, never
/// a silent zero.
public struct ReportParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong with the line.
    public enum Problem: Sendable, Equatable {
        /// The line ends before `field` (the first missing one); `found` fields were there.
        case missingField(found: Int, minimum: Int)
        /// A field's text is not what chronyc prints there.
        case badValue(value: String, expected: String)
        /// A one-line report had no line.
        case missingLine
        /// A one-line report had more than one line.
        case extraLine
    }

    /// The report being parsed.
    public let report: ReportKind
    /// The 1-based line number within that report's output.
    public let line: Int
    /// The 1-based field number (0 when the problem is the whole line).
    public let fieldNumber: Int
    /// The field's name as in the JSON schema (`stratum`, `reach`); empty for a whole line.
    public let field: String
    public let problem: Problem

    public init(report: ReportKind, line: Int, fieldNumber: Int, field: String, problem: Problem) {
        self.report = report
        self.line = line
        self.fieldNumber = fieldNumber
        self.field = field
        self.problem = problem
    }

    public var description: String {
        let place = "malformed chronyc \(report.rawValue) output, line \(line)"
        switch problem {
        case .missingField(let found, let minimum):
            return "\(place): field \(fieldNumber) (\(field)) is missing: the line has \(found) fields, expected at least \(minimum)"
        case .badValue(let value, let expected):
            return "\(place): field \(fieldNumber) (\(field)) is \(SettingError.escape(value)), expected \(expected)"
        case .missingLine:
            return "\(place): the report is empty, expected one line"
        case .extraLine:
            return "\(place): unexpected line, the report has exactly one line"
        }
    }
}

extension ExitStatus {
    /// EX_DATAERR: input data (a saved chronyc report) is malformed.
    public static let dataError: Int32 = 65
}

extension ReportParseError: ReportableError {
    /// Bad input given to chronyvisor (`status --from`): EX_DATAERR.
    public var exitCode: Int32 { ExitStatus.dataError }
}
