/// Parses the Mustache subset chrony.conf templates use: variables (`{{x}}`, `{{{x}}}`,
/// `{{&x}}`, all inserted without escaping), sections over booleans and lists (`{{#x}}`),
/// inverted sections (`{{^x}}`), partials (`{{> name}}`) and comments (`{{! … }}`).
///
/// As the Mustache spec says, a section, inverted-section, closing, partial or comment tag
/// alone on its line (only spaces or tabs beside it) is "standalone": the whole line, its
/// newline included, disappears from the output. Set-delimiter tags (`{{=<% %>=}}`) are not
/// supported and are an error, as is every malformed tag: the error names the file, the line
/// and what was expected.
struct TemplateParser {
    private let bytes: [UInt8]
    private let file: String
    /// Where scanning continues, and the line number there.
    private var position = 0
    private var line = 1
    private var open: [OpenSection]

    private struct OpenSection {
        let name: TemplateName
        let inverted: Bool
        let line: Int
        var children: [TemplateNode] = []
    }

    private enum Kind {
        case variable, section, inverted, close, partial, comment
        /// Tags that vanish with their line when they stand alone on it.
        var canStandAlone: Bool { self != .variable }
        var sigil: String {
            switch self {
            case .variable: ""
            case .section: "#"
            case .inverted: "^"
            case .close: "/"
            case .partial: ">"
            case .comment: "!"
            }
        }
    }

    private struct Tag {
        let kind: Kind
        let content: String
        /// Index just after the closing braces.
        let end: Int
    }

    /// Parses `source`; `file` is the path errors name.
    static func parse(_ source: String, file: String) throws(TemplateError) -> [TemplateNode] {
        var parser = TemplateParser(bytes: Array(source.utf8), file: file)
        return try parser.parse()
    }

    private init(bytes: [UInt8], file: String) {
        self.bytes = bytes
        self.file = file
        self.open = [OpenSection(name: TemplateName(keys: [], text: ""), inverted: false, line: 0)]
    }

    private mutating func parse() throws(TemplateError) -> [TemplateNode] {
        while let start = find(Self.openBraces, from: position) {
            let tagLine = line + newlines(in: position..<start)
            let tag = try readTag(at: start, line: tagLine)
            var textEnd = start
            var next = tag.end
            var indentation = ""
            if tag.kind.canStandAlone, let bounds = standaloneLine(tagStart: start, tagEnd: tag.end) {
                textEnd = bounds.start
                next = bounds.end
                indentation = String(decoding: bytes[bounds.start..<start], as: UTF8.self)
            }
            appendText(position..<textEnd)
            line += newlines(in: position..<next)
            position = next
            try handle(tag, indentation: indentation, line: tagLine)
        }
        appendText(position..<bytes.count)
        if open.count > 1, let section = open.last {
            throw error(line: section.line,
                        "expected '{{/\(section.name.text)}}' to close the section opened here, found the end of the template")
        }
        return open[0].children
    }

    private mutating func handle(_ tag: Tag, indentation: String, line: Int) throws(TemplateError) {
        switch tag.kind {
        case .comment:
            break
        case .variable:
            append(.variable(try name(tag, line: line), line: line))
        case .section, .inverted:
            open.append(OpenSection(name: try name(tag, line: line), inverted: tag.kind == .inverted, line: line))
        case .close:
            let closing = try name(tag, line: line)
            guard open.count > 1, let section = open.last else {
                throw error(line: line, "'{{/\(closing.text)}}' closes no open section: expected a '{{#\(closing.text)}}' before it")
            }
            guard section.name == closing else {
                throw error(line: line,
                            "expected '{{/\(section.name.text)}}' to close the section opened on line \(section.line), found '{{/\(closing.text)}}'")
            }
            open.removeLast()
            append(.section(section.name, inverted: section.inverted, children: section.children, line: section.line))
        case .partial:
            let partial = try name(tag, line: line)
            append(.partial(partial.text, indentation: indentation, line: line))
        }
    }

    /// Reads the tag whose `{{` is at `start`.
    private func readTag(at start: Int, line: Int) throws(TemplateError) -> Tag {
        var index = start + 2
        if index < bytes.count, bytes[index] == UInt8(ascii: "{") {
            guard let close = find(Self.closeTripleBraces, from: index + 1), !containsNewline(index + 1..<close) else {
                throw error(line: line, "expected '}}}' to close the '{{{' opened here")
            }
            return Tag(kind: .variable, content: text(index + 1..<close), end: close + 3)
        }
        var kind = Kind.variable
        if index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "#"): kind = .section
            case UInt8(ascii: "^"): kind = .inverted
            case UInt8(ascii: "/"): kind = .close
            case UInt8(ascii: ">"): kind = .partial
            case UInt8(ascii: "!"): kind = .comment
            case UInt8(ascii: "&"): kind = .variable
            case UInt8(ascii: "="):
                throw error(line: line, "expected a variable, section, partial or comment tag; set-delimiter tags ('{{=' … '=}}') are not supported")
            default: index -= 1
            }
            index += 1
        }
        guard let close = find(Self.closeBraces, from: index),
              kind == .comment || !containsNewline(index..<close)
        else {
            throw error(line: line, "expected '}}' to close the '{{\(kind.sigil)' opened here")
        }
        return Tag(kind: kind, content: text(index..<close), end: close + 2)
    }

    /// The tag's name, checked: `.` or dot-separated keys without spaces or braces.
    private func name(_ tag: Tag, line: Int) throws(TemplateError) -> TemplateName {
        let trimmed = tag.content[...].trimmingSpaces()
        let keys = trimmed.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        let valid = trimmed == "."
            || (!trimmed.isEmpty && keys.allSatisfy { key in
                !key.isEmpty && !key.contains { $0 == " " || $0 == "\t" || $0 == "{" || $0 == "}" }
            })
        guard valid else {
            throw error(line: line, "expected a name in '{{\(tag.kind.sigil)…}}', found '\(trimmed)'")
        }
        return TemplateName(keys: trimmed == "." ? [] : keys, text: trimmed)
    }

    /// When the tag at `tagStart..<tagEnd` is alone on its line (spaces and tabs aside, and
    /// no earlier tag on the line), the line's bounds, its newline included.
    private func standaloneLine(tagStart: Int, tagEnd: Int) -> (start: Int, end: Int)? {
        var start = tagStart
        while start > position, bytes[start - 1] == UInt8(ascii: " ") || bytes[start - 1] == UInt8(ascii: "\t") {
            start -= 1
        }
        guard start == 0 || bytes[start - 1] == UInt8(ascii: "\n") else { return nil }
        var end = tagEnd
        while end < bytes.count, bytes[end] == UInt8(ascii: " ") || bytes[end] == UInt8(ascii: "\t") {
            end += 1
        }
        if end == bytes.count { return (start, end) }
        if bytes[end] == UInt8(ascii: "\n") { return (start, end + 1) }
        if bytes[end] == UInt8(ascii: "\r"), end + 1 < bytes.count, bytes[end + 1] == UInt8(ascii: "\n") {
            return (start, end + 2)
        }
        return nil
    }

    private mutating func append(_ node: TemplateNode) {
        open[open.count - 1].children.append(node)
    }

    private mutating func appendText(_ range: Range<Int>) {
        if !range.isEmpty { append(.text(text(range))) }
    }

    private func text(_ range: Range<Int>) -> String {
        String(decoding: bytes[range], as: UTF8.self)
    }

    private func newlines(in range: Range<Int>) -> Int {
        bytes[range].reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
    }

    private func containsNewline(_ range: Range<Int>) -> Bool {
        bytes[range].contains(UInt8(ascii: "\n"))
    }

    private static let openBraces: [UInt8] = Array("{{".utf8)
    private static let closeBraces: [UInt8] = Array("}}".utf8)
    private static let closeTripleBraces: [UInt8] = Array("}}}".utf8)

    private func find(_ needle: [UInt8], from: Int) -> Int? {
        guard from <= bytes.count - needle.count else { return nil }
        var index = from
        while index <= bytes.count - needle.count {
            if bytes[index] == needle[0], bytes[index..<index + needle.count].elementsEqual(needle) { return index }
            index += 1
        }
        return nil
    }

    private func error(line: Int, _ message: String) -> TemplateError {
        TemplateError(template: file, line: line, message: message)
    }
}
