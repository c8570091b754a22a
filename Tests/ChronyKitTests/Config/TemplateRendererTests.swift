import Testing
@testable import ChronyKit

/// The Mustache subset of conf-templates/, tag by tag (the rules follow the Mustache spec's
/// interpolation, sections, inverted, partials and comments files), and what a malformed
/// template gets: an error naming the file, the line and what was expected.
@Suite struct TemplateRendererTests {
    /// Renders `template` (named "main") with `context` and the given partials.
    func render(_ template: String, _ context: TemplateValue = [:], partials: [String: String] = [:]) throws -> String {
        var sources = partials
        sources["main"] = template
        return try TemplateSet(sources: sources, origin: "test").render(context, template: "main")
    }

    /// The error parsing `template` gives.
    func failure(_ template: String, partials: [String: String] = [:]) -> TemplateError? {
        var sources = partials
        sources["main"] = template
        do {
            _ = try TemplateSet(sources: sources, origin: "/t")
            return nil
        } catch {
            return error
        }
    }

    // MARK: variables

    @Test func variablesInsertTheValueWithoutEscaping() throws {
        let context: TemplateValue = ["v": "a<b>&\"c\"'"]
        #expect(try render("[{{v}}]", context) == "[a<b>&\"c\"']")
        #expect(try render("[{{{v}}}]", context) == "[a<b>&\"c\"']")
        #expect(try render("[{{&v}}]", context) == "[a<b>&\"c\"']")
        #expect(try render("[{{ v }}] [{{{ v }}}] [{{& v }}]", context) == "[a<b>&\"c\"'] [a<b>&\"c\"'] [a<b>&\"c\"']")
    }

    @Test func missingVariablesInsertNothingAndBooleansTheirWord() throws {
        #expect(try render("[{{missing}}]") == "[]")
        #expect(try render("{{t}} {{f}}", ["t": true, "f": false]) == "true false")
        #expect(try render("[{{list}}]", ["list": ["a"]]) == "[]")
    }

    @Test func dottedNamesAndTheCurrentValue() throws {
        #expect(try render("{{a.b.c}}", ["a": ["b": ["c": "deep"]]]) == "deep")
        #expect(try render("[{{a.x}}]", ["a": ["b": "1"]]) == "[]")
        #expect(try render("{{#list}}<{{.}}>{{/list}}", ["list": ["1", "2"]]) == "<1><2>")
    }

    @Test func variableTagsAreNeverStandalone() throws {
        #expect(try render("  {{v}}\n", ["v": "x"]) == "  x\n")
    }

    // MARK: sections

    @Test func sectionsOverBooleans() throws {
        #expect(try render("a{{#b}}[in]{{/b}}z", ["b": true]) == "a[in]z")
        #expect(try render("a{{#b}}[in]{{/b}}z", ["b": false]) == "az")
        #expect(try render("a{{#b}}[in]{{/b}}z") == "az")
    }

    @Test func sectionsOverListsRepeatWithEachItemInnermost() throws {
        let context: TemplateValue = ["port": "123", "servers": [["host": "a"], ["host": "b", "port": "9"]]]
        #expect(try render("{{#servers}}{{host}}:{{port}};{{/servers}}", context) == "a:123;b:9;")
        #expect(try render("x{{#servers}}y{{/servers}}z", ["servers": []]) == "xz")
    }

    @Test func sectionsOverStringsAndObjectsRenderOnceWithTheValueInnermost() throws {
        #expect(try render("{{#s}}({{.}}){{/s}}", ["s": "v"]) == "(v)")
        #expect(try render("{{#o}}{{k}}{{/o}}", ["o": ["k": "v"]]) == "v")
        #expect(try render("{{#s}}(empty){{/s}}", ["s": ""]) == "(empty)")
    }

    @Test func nestedSectionsSeeOuterNames() throws {
        let context: TemplateValue = ["nts": true, "servers": [["host": "a"]]]
        #expect(try render("{{#servers}}{{host}}{{#nts}} nts{{/nts}}{{/servers}}", context) == "a nts")
    }

    @Test func standaloneSectionLinesVanish() throws {
        let template = "begin\n  {{#b}}  \nin\n  {{/b}}\nend\n"
        #expect(try render(template, ["b": true]) == "begin\nin\nend\n")
        #expect(try render(template, ["b": false]) == "begin\nend\n")
        #expect(try render("{{#b}}\r\nin\r\n{{/b}}\r\n", ["b": true]) == "in\r\n")
        #expect(try render("x\n{{#b}}\nin\n{{/b}}", ["b": true]) == "x\nin\n")
    }

    @Test func tagsSharingALineAreNotStandalone() throws {
        #expect(try render(" {{#b}}in{{/b}} \n", ["b": true]) == " in \n")
        #expect(try render("a {{#b}}\nin\n{{/b}}", ["b": true]) == "a \nin\n")
    }

    // MARK: inverted sections

    @Test func invertedSectionsRenderForFalseMissingAndEmpty() throws {
        #expect(try render("{{^b}}no{{/b}}", ["b": false]) == "no")
        #expect(try render("{{^b}}no{{/b}}") == "no")
        #expect(try render("{{^b}}no{{/b}}", ["b": []]) == "no")
        #expect(try render("{{^b}}no{{/b}}", ["b": true]) == "")
        #expect(try render("{{^b}}no{{/b}}", ["b": ["x"]]) == "")
        #expect(try render("a\n{{^b}}\nno\n{{/b}}\nz\n") == "a\nno\nz\n")
    }

    // MARK: partials

    @Test func partialsRenderInTheCurrentContext() throws {
        #expect(try render("[{{> p}}]", ["v": "x"], partials: ["p": "<{{v}}>"]) == "[<x>]")
        #expect(try render("{{#list}}{{>p}}{{/list}}", ["list": ["1", "2"]], partials: ["p": "({{.}})"]) == "(1)(2)")
    }

    @Test func standalonePartialsKeepTheirIndentationOnEveryLine() throws {
        #expect(try render("a\n  {{> p}}\nz\n", partials: ["p": "1\n2\n"]) == "a\n  1\n  2\nz\n")
        #expect(try render("a\n{{> p}}\nz\n", partials: ["p": "1"]) == "a\n1z\n")
    }

    // MARK: comments

    @Test func commentsVanish() throws {
        #expect(try render("a{{! note }}z") == "az")
        #expect(try render("a\n{{! a comment\n over lines }}\nz\n") == "a\nz\n")
        #expect(try render("a {{! inline }}\n") == "a \n")
    }

    // MARK: malformed templates

    @Test func unclosedTagNamesItsLine() throws {
        let error = try #require(failure("ok\nserver {{host\n"))
        #expect(error.template == "/t/main.mustache")
        #expect(error.line == 2)
        #expect(error.description == "template /t/main.mustache line 2: expected '}}' to close the '{{' opened here")
    }

    @Test func unclosedTripleMustache() throws {
        let error = try #require(failure("a\nb\n{{{host}}\n"))
        #expect(error.line == 3)
        #expect(error.message == "expected '}}}' to close the '{{{' opened here")
    }

    @Test func unclosedSectionNamesWhereItOpened() throws {
        let error = try #require(failure("a\n{{#servers}}\nserver\n"))
        #expect(error.line == 2)
        #expect(error.message.contains("expected '{{/servers}}'"))
    }

    @Test func wrongClosingTag() throws {
        let error = try #require(failure("{{#a}}\n{{#b}}\n{{/a}}\n"))
        #expect(error.line == 3)
        #expect(error.message == "expected '{{/b}}' to close the section opened on line 2, found '{{/a}}'")
    }

    @Test func closingTagWithoutSection() throws {
        let error = try #require(failure("a\n\n{{/a}}"))
        #expect(error.line == 3)
        #expect(error.message.contains("closes no open section"))
    }

    @Test func emptyAndSpacedNames() throws {
        #expect(try #require(failure("{{#}}{{/}}")).message == "expected a name in '{{#…}}', found ''")
        #expect(try #require(failure("x {{a b}}")).message == "expected a name in '{{…}}', found 'a b'")
        #expect(try #require(failure("{{a..b}}")).line == 1)
    }

    @Test func setDelimitersAreRefused() throws {
        let error = try #require(failure("\n{{=<% %>=}}"))
        #expect(error.line == 2)
        #expect(error.message.contains("set-delimiter tags"))
    }

    @Test func unknownPartial() throws {
        let error = try #require(failure("a\n{{> nosuch}}\n", partials: ["p": "x"]))
        #expect(error.template == "/t/main.mustache")
        #expect(error.line == 2)
        #expect(error.message == "expected a template of the set after '{{>' (main, p), found 'nosuch'")
    }

    @Test func partialsThatIncludeThemselves() throws {
        let error = try #require(failure("{{> p}}", partials: ["p": "x\n{{> q}}", "q": "{{#a}}{{> p}}{{/a}}"]))
        #expect(error.message.contains("does not include itself"))
        #expect(failure("{{> main}}") != nil)
    }

    @Test func lineNumbersCountNewlinesInsideComments() throws {
        let error = try #require(failure("{{! one\ntwo\n}}\n{{/x}}"))
        #expect(error.line == 4)
    }
}
