/// Renders parsed templates against a context: a stack of values, innermost last, searched
/// from the innermost outwards for a name's first key (Mustache's context stack).
struct TemplateRenderer {
    /// Every template of the set by name, for partials (checked to exist when the set is built).
    let templates: [String: [TemplateNode]]

    func render(_ nodes: [TemplateNode], context: TemplateValue) -> String {
        var stack = [context]
        var out = ""
        render(nodes, stack: &stack, into: &out)
        return out
    }

    private func render(_ nodes: [TemplateNode], stack: inout [TemplateValue], into out: inout String) {
        for node in nodes {
            switch node {
            case .text(let text):
                out += text
            case .variable(let name, _):
                out += Self.lookup(name, in: stack)?.interpolated ?? ""
            case .section(let name, let inverted, let children, _):
                let value = Self.lookup(name, in: stack)
                if inverted {
                    if !(value?.isTruthy ?? false) { render(children, stack: &stack, into: &out) }
                    continue
                }
                guard let value, value.isTruthy else { continue }
                switch value {
                case .list(let items):
                    for item in items {
                        stack.append(item)
                        render(children, stack: &stack, into: &out)
                        stack.removeLast()
                    }
                case .bool:
                    render(children, stack: &stack, into: &out)
                case .string, .object:
                    stack.append(value)
                    render(children, stack: &stack, into: &out)
                    stack.removeLast()
                }
            case .partial(let name, let indentation, _):
                var text = ""
                render(templates[name] ?? [], stack: &stack, into: &text)
                out += indentation.isEmpty ? text : Self.indent(text, by: indentation)
            }
        }
    }

    /// The value `name` names: `.` is the innermost value; otherwise the innermost object
    /// that has the first key, then the rest of the keys from there.
    static func lookup(_ name: TemplateName, in stack: [TemplateValue]) -> TemplateValue? {
        guard let first = name.keys.first else { return stack.last }
        var value: TemplateValue?
        for frame in stack.reversed() {
            if case .object(let members) = frame, let found = members[first] {
                value = found
                break
            }
        }
        for key in name.keys.dropFirst() {
            guard case .object(let members)? = value else { return nil }
            value = members[key]
        }
        return value
    }

    /// `text` with `indentation` before each of its lines (a standalone partial's indentation).
    static func indent(_ text: String, by indentation: String) -> String {
        var out = ""
        var atLineStart = true
        for character in text {
            if atLineStart { out += indentation }
            out.append(character)
            atLineStart = character == "\n" || character == "\r\n"
        }
        return out
    }
}
