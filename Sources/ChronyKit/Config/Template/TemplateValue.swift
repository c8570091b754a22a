/// A value a template sees: the context chrony.conf is rendered from. Strings are inserted as
/// they are (a config file gets no HTML escaping); booleans and lists drive sections.
public enum TemplateValue: Sendable, Equatable {
    case string(String)
    case bool(Bool)
    case list([TemplateValue])
    case object([String: TemplateValue])

    /// Whether a section over this value renders (Mustache's truthiness): `false` and the
    /// empty list do not; every string, object and non-empty list does.
    var isTruthy: Bool {
        switch self {
        case .bool(let value): value
        case .list(let items): !items.isEmpty
        case .string, .object: true
        }
    }

    /// The text a variable tag inserts. Lists and objects insert nothing: a template names
    /// their members instead.
    var interpolated: String {
        switch self {
        case .string(let text): text
        case .bool(let value): value ? "true" : "false"
        case .list, .object: ""
        }
    }
}

extension TemplateValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: TemplateValue...) { self = .list(elements) }
    public init(dictionaryLiteral elements: (String, TemplateValue)...) {
        self = .object(Dictionary(elements, uniquingKeysWith: { _, last in last }))
    }
}
