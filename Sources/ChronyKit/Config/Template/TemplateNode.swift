/// One piece of a parsed template. Sections hold their children, so rendering is a walk.
indirect enum TemplateNode: Sendable, Equatable {
    /// Text copied as it is.
    case text(String)
    /// `{{name}}`, `{{{name}}}` or `{{&name}}`: the value's text, never escaped.
    case variable(TemplateName, line: Int)
    /// `{{#name}}…{{/name}}` (or `{{^name}}…{{/name}}` when `inverted`).
    case section(TemplateName, inverted: Bool, children: [TemplateNode], line: Int)
    /// `{{> name}}`: another template of the set; `indentation` is what stood before a
    /// standalone partial tag on its line, and is put before every line the partial renders.
    case partial(String, indentation: String, line: Int)
}

/// A name in a tag: `.` (the current value) or dot-separated keys (`server.host`).
struct TemplateName: Sendable, Equatable {
    /// The keys; empty for `.`.
    let keys: [String]
    /// The name as written, for error messages.
    let text: String
}
