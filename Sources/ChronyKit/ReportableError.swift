/// An error that ends a command with one readable line on stderr and an exit status scripts
/// can rely on. Every error chronyvisor shows a person conforms; nothing else reaches them.
public protocol ReportableError: Error, CustomStringConvertible {
    /// The process exit status for this error.
    var exitCode: Int32 { get }
}

/// Exit statuses chronyvisor uses (sysexits.h where one fits).
public enum ExitStatus {
    /// EX_USAGE: the command line is wrong.
    public static let usage: Int32 = 64
    /// EX_CONFIG: a setting or template is wrong; nothing was started or written.
    public static let config: Int32 = 78
    /// A general failure (chronyd unreachable, check failed).
    public static let failure: Int32 = 1
}

extension SettingError: ReportableError {
    public var exitCode: Int32 { ExitStatus.config }
}

extension TemplateError: ReportableError {
    public var exitCode: Int32 { ExitStatus.config }
}
