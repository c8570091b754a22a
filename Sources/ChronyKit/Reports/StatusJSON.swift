import FoundationEssentials

/// The JSON form of status values (docs/status-json.md): snake_case keys in a stable
/// (sorted) order, seconds as numbers, enums as words, pretty-printed with a final newline.
public enum StatusJSON {
    static func encoder() -> JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Encodes `value` as the documented JSON text.
    public static func encode<T: Encodable>(_ value: T) -> String {
        // The status types hold only strings, numbers, booleans and nulls, and the CSV parser
        // refuses non-finite numbers, so encoding cannot fail. Were it to, the answer says so
        // rather than passing an empty object off as a report.
        do {
            return String(decoding: try encoder().encode(value), as: UTF8.self) + "\n"
        } catch {
            return "{\"error\": \"cannot encode \(T.self) as JSON\"}\n"
        }
    }

    /// Decodes a status value from its JSON text.
    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        try JSONDecoder().decode(type, from: Data(text.utf8))
    }
}
