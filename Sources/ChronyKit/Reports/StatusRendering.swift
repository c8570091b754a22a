/// What `chronyvisor status REPORT` prints for a set of reports: chronyc's own text or the
/// JSON of docs/status-json.md. One place for the live path and for `--from`.
public enum StatusRendering {
    /// The report `kind` of `set`, as text or JSON (empty text when the set lacks it).
    public static func render(_ kind: ReportKind, of set: ReportSet, json: Bool) -> String {
        json ? StatusJSON.encode(set) : (ChronycText.render(kind, of: set) ?? "")
    }

    /// A saved `chronyc -c REPORT` output (`status REPORT --from FILE`), parsed and rendered.
    public static func renderSaved(_ text: String, as kind: ReportKind, json: Bool) throws(ReportParseError) -> String {
        render(kind, of: try ReportSet.parse(kind, csv: Substring(text)), json: json)
    }
}
