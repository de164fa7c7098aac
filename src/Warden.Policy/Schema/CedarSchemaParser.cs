using System.Collections.Frozen;
using System.Collections.Immutable;

namespace Warden.Policy.Schemas;

/// <summary>
/// Recursive-descent parser for the Cedar (human-readable) schema format, following Cedar's grammar
/// (<c>human-readable-schema-grammar.md</c> and Cedar's own <c>grammar.lalrpop</c>). It produces declarations only;
/// <see cref="SchemaBuilder"/> resolves names. The first error stops the parse and names its line and column.
/// </summary>
internal sealed class CedarSchemaParser
{
    /// <summary>Deepest nesting of <c>Set&lt;…&gt;</c> and record types accepted; deeper input is an error, not a stack overflow.</summary>
    public const int MaxTypeDepth = 128;

    // Words an `Id` may not be (Cedar's reserved identifiers); any other word, keywords included, is an identifier
    // where the grammar says IDENT.
    private static readonly FrozenSet<string> Reserved =
        new[] { "true", "false", "if", "then", "else", "in", "is", "like", "has" }.ToFrozenSet(StringComparer.Ordinal);

    private readonly List<SchemaToken> _tokens;
    private int _index;

    private CedarSchemaParser(List<SchemaToken> tokens)
    {
        _tokens = tokens;
    }

    private SchemaToken Current => _tokens[_index];

    /// <summary>Parses <paramref name="text"/> into namespace declarations, in source order.</summary>
    /// <exception cref="SchemaException">The text is not a schema; the message names the position.</exception>
    public static List<NamespaceDeclaration> Parse(string text)
    {
        var parser = new CedarSchemaParser(new SchemaLexer(text).Tokenize());
        return parser.ParseSchema();
    }

    private List<NamespaceDeclaration> ParseSchema()
    {
        var namespaces = new List<NamespaceDeclaration>();
        while (Current.Kind != SchemaTokenKind.End)
        {
            var position = Current.Position;
            var annotations = ParseAnnotations();
            if (Current.IsWord("namespace"))
            {
                Advance();
                var name = ParsePath();
                Expect(SchemaTokenKind.LeftBrace, "`{`");
                var builder = new DeclarationsBuilder();
                while (Current.Kind != SchemaTokenKind.RightBrace)
                {
                    if (Current.Kind == SchemaTokenKind.End)
                    {
                        throw Unexpected("`}`");
                    }

                    ParseDeclaration(ParseAnnotations(), builder);
                }

                Advance();
                namespaces.Add(builder.Build(name, annotations, position));
            }
            else
            {
                // A declaration outside any namespace belongs to the empty namespace; its annotations are its own.
                var builder = new DeclarationsBuilder();
                ParseDeclaration(annotations, builder);
                namespaces.Add(builder.Build(null, ImmutableDictionary<string, string>.Empty, position));
            }
        }

        return namespaces;
    }

    private void ParseDeclaration(ImmutableDictionary<string, string> annotations, DeclarationsBuilder builder)
    {
        if (Current.IsWord("entity"))
        {
            ParseEntity(annotations, builder);
        }
        else if (Current.IsWord("action"))
        {
            ParseAction(annotations, builder);
        }
        else if (Current.IsWord("type"))
        {
            ParseCommonType(annotations, builder);
        }
        else
        {
            throw Unexpected("`entity`, `action`, `type` or `namespace`");
        }
    }

    private void ParseEntity(ImmutableDictionary<string, string> annotations, DeclarationsBuilder builder)
    {
        Advance();
        var names = new List<(string Name, SourcePosition Position)> { ParseIdent() };
        while (Current.Kind == SchemaTokenKind.Comma)
        {
            Advance();
            names.Add(ParseIdent());
        }

        if (Current.IsWord("enum"))
        {
            Advance();
            Expect(SchemaTokenKind.LeftBracket, "`[`");
            var ids = ImmutableArray.CreateBuilder<string>();
            ids.Add(ParseString());
            while (Current.Kind == SchemaTokenKind.Comma)
            {
                Advance();
                ids.Add(ParseString());
            }

            Expect(SchemaTokenKind.RightBracket, "`,` or `]`");
            Expect(SchemaTokenKind.Semicolon, "`;`");
            var enumIds = ids.ToImmutable();
            foreach (var (name, at) in names)
            {
                builder.EntityTypes.Add(new EntityDeclaration(name, [], null, null, enumIds, annotations, at));
            }

            return;
        }

        var parents = ImmutableArray<SchemaName>.Empty;
        if (Current.IsWord("in"))
        {
            Advance();
            parents = ParseEntityTypeList();
        }

        TypeSyntax? shape = null;
        if (Current.Kind == SchemaTokenKind.Equals)
        {
            Advance();
            if (Current.Kind != SchemaTokenKind.LeftBrace)
            {
                throw Unexpected("`{`");
            }
        }

        if (Current.Kind == SchemaTokenKind.LeftBrace)
        {
            shape = ParseRecord(1);
        }

        TypeSyntax? tags = null;
        if (Current.IsWord("tags"))
        {
            Advance();
            tags = ParseType(1);
        }

        Expect(SchemaTokenKind.Semicolon, shape is null && tags is null ? "`in`, `=`, `{`, `tags`, `enum` or `;`" : "`;`");
        foreach (var (name, at) in names)
        {
            builder.EntityTypes.Add(new EntityDeclaration(name, parents, shape, tags, null, annotations, at));
        }
    }

    private void ParseAction(ImmutableDictionary<string, string> annotations, DeclarationsBuilder builder)
    {
        Advance();
        var names = new List<(string Name, SourcePosition Position)> { ParseName() };
        while (Current.Kind == SchemaTokenKind.Comma)
        {
            Advance();
            names.Add(ParseName());
        }

        var parents = ImmutableArray<ActionReference>.Empty;
        if (Current.IsWord("in"))
        {
            Advance();
            var list = ImmutableArray.CreateBuilder<ActionReference>();
            if (Current.Kind == SchemaTokenKind.LeftBracket)
            {
                Advance();
                list.Add(ParseActionReference());
                while (Current.Kind == SchemaTokenKind.Comma)
                {
                    Advance();
                    list.Add(ParseActionReference());
                }

                Expect(SchemaTokenKind.RightBracket, "`,` or `]`");
            }
            else
            {
                list.Add(ParseActionReference());
            }

            parents = list.ToImmutable();
        }

        AppliesToSyntax? appliesTo = null;
        if (Current.IsWord("appliesTo"))
        {
            Advance();
            appliesTo = ParseAppliesTo(names[0]);
        }

        if (Current.IsWord("attributes"))
        {
            // Cedar's grammar accepts an empty `attributes {}` here and ignores it.
            Advance();
            Expect(SchemaTokenKind.LeftBrace, "`{`");
            Expect(SchemaTokenKind.RightBrace, "`}`");
        }

        Expect(SchemaTokenKind.Semicolon, "`;`");
        foreach (var (name, at) in names)
        {
            builder.Actions.Add(new ActionDeclaration(name, parents, appliesTo, false, annotations, at));
        }
    }

    private AppliesToSyntax ParseAppliesTo((string Name, SourcePosition Position) action)
    {
        Expect(SchemaTokenKind.LeftBrace, "`{`");
        ImmutableArray<SchemaName>? principals = null;
        ImmutableArray<SchemaName>? resources = null;
        TypeSyntax? context = null;
        var contextSeen = false;
        while (true)
        {
            var at = Current.Position;
            if (Current.IsWord("principal") || Current.IsWord("resource"))
            {
                var isPrincipal = Current.IsWord("principal");
                Advance();
                Expect(SchemaTokenKind.Colon, "`:`");
                var types = ParseEntityTypeList();
                if ((isPrincipal ? principals : resources) is not null)
                {
                    throw at.Error($"duplicate `{(isPrincipal ? "principal" : "resource")}` declaration in action `{action.Name}`");
                }

                if (types.IsEmpty)
                {
                    throw at.Error($"`{(isPrincipal ? "principal" : "resource")}` of action `{action.Name}` must list at least one entity type");
                }

                if (isPrincipal)
                {
                    principals = types;
                }
                else
                {
                    resources = types;
                }
            }
            else if (Current.IsWord("context"))
            {
                Advance();
                Expect(SchemaTokenKind.Colon, "`:`");
                TypeSyntax type = Current.Kind == SchemaTokenKind.LeftBrace
                    ? ParseRecord(1)
                    : new NamedTypeSyntax(ParsePath(), ReferenceKind.Common);
                if (contextSeen)
                {
                    throw at.Error($"duplicate `context` declaration in action `{action.Name}`");
                }

                contextSeen = true;
                context = type;
            }
            else
            {
                throw Unexpected("`principal`, `resource` or `context`");
            }

            if (Current.Kind == SchemaTokenKind.Comma)
            {
                Advance();
                if (Current.Kind == SchemaTokenKind.RightBrace)
                {
                    break;
                }
            }
            else if (Current.Kind == SchemaTokenKind.RightBrace)
            {
                break;
            }
            else
            {
                throw Unexpected("`,` or `}`");
            }
        }

        Advance();
        if (principals is null)
        {
            throw action.Position.Error($"action `{action.Name}` has `appliesTo` without `principal`");
        }

        if (resources is null)
        {
            throw action.Position.Error($"action `{action.Name}` has `appliesTo` without `resource`");
        }

        return new AppliesToSyntax(principals.Value, resources.Value, context);
    }

    private void ParseCommonType(ImmutableDictionary<string, string> annotations, DeclarationsBuilder builder)
    {
        Advance();
        var (name, at) = ParseIdent();
        Expect(SchemaTokenKind.Equals, "`=`");
        var type = ParseType(1);
        Expect(SchemaTokenKind.Semicolon, "`;`");
        builder.CommonTypes.Add(new CommonTypeDeclaration(name, type, annotations, at));
    }

    private TypeSyntax ParseType(int depth)
    {
        if (depth > MaxTypeDepth)
        {
            throw Current.Position.Error($"types nest deeper than {MaxTypeDepth} levels");
        }

        var at = Current.Position;
        if (Current.Kind == SchemaTokenKind.LeftBrace)
        {
            return ParseRecord(depth);
        }

        if (Current.IsWord("Set") && Peek(1).Kind == SchemaTokenKind.Less)
        {
            Advance();
            Advance();
            var element = ParseType(depth + 1);
            Expect(SchemaTokenKind.Greater, "`>`");
            return new SetTypeSyntax(element, at);
        }

        if (Current.Kind != SchemaTokenKind.Identifier)
        {
            throw Unexpected("a type");
        }

        return new NamedTypeSyntax(ParsePath(), ReferenceKind.CommonOrEntity);
    }

    private RecordTypeSyntax ParseRecord(int depth)
    {
        if (depth > MaxTypeDepth)
        {
            throw Current.Position.Error($"types nest deeper than {MaxTypeDepth} levels");
        }

        var at = Current.Position;
        Expect(SchemaTokenKind.LeftBrace, "`{`");
        var attributes = ImmutableArray.CreateBuilder<AttributeSyntax>();
        while (Current.Kind != SchemaTokenKind.RightBrace)
        {
            var annotations = ParseAnnotations();
            var (name, position) = ParseName();
            var required = true;
            if (Current.Kind == SchemaTokenKind.Question)
            {
                Advance();
                required = false;
            }

            Expect(SchemaTokenKind.Colon, "`:`");
            var type = ParseType(depth + 1);
            attributes.Add(new AttributeSyntax(name, type, required, annotations, position));
            if (Current.Kind == SchemaTokenKind.Comma)
            {
                Advance();
            }
            else if (Current.Kind != SchemaTokenKind.RightBrace)
            {
                throw Unexpected("`,` or `}`");
            }
        }

        Advance();
        return new RecordTypeSyntax(attributes.ToImmutable(), false, at);
    }

    private ImmutableArray<SchemaName> ParseEntityTypeList()
    {
        if (Current.Kind != SchemaTokenKind.LeftBracket)
        {
            return [ParsePath()];
        }

        Advance();
        var list = ImmutableArray.CreateBuilder<SchemaName>();
        if (Current.Kind != SchemaTokenKind.RightBracket)
        {
            list.Add(ParsePath());
            while (Current.Kind == SchemaTokenKind.Comma)
            {
                Advance();
                list.Add(ParsePath());
            }
        }

        Expect(SchemaTokenKind.RightBracket, "`,` or `]`");
        return list.ToImmutable();
    }

    private ActionReference ParseActionReference()
    {
        var at = Current.Position;
        if (Current.Kind == SchemaTokenKind.String)
        {
            return new ActionReference(null, ParseString(), at);
        }

        // Path '::' STR, or a bare identifier naming an action of the current namespace.
        var parts = ImmutableArray.CreateBuilder<string>();
        parts.Add(ParseIdent().Name);
        while (Current.Kind == SchemaTokenKind.DoubleColon)
        {
            Advance();
            if (Current.Kind == SchemaTokenKind.String)
            {
                return new ActionReference(new SchemaName(parts.ToImmutable(), at), ParseString(), at);
            }

            parts.Add(ParseIdent().Name);
        }

        if (parts.Count > 1)
        {
            throw Unexpected("`::` followed by a string");
        }

        return new ActionReference(null, parts[0], at);
    }

    private SchemaName ParsePath()
    {
        var at = Current.Position;
        var parts = ImmutableArray.CreateBuilder<string>();
        parts.Add(ParseIdent().Name);
        while (Current.Kind == SchemaTokenKind.DoubleColon && Peek(1).Kind == SchemaTokenKind.Identifier)
        {
            Advance();
            parts.Add(ParseIdent().Name);
        }

        return new SchemaName(parts.ToImmutable(), at);
    }

    private ImmutableDictionary<string, string> ParseAnnotations()
    {
        var annotations = ImmutableDictionary<string, string>.Empty;
        while (Current.Kind == SchemaTokenKind.At)
        {
            Advance();
            if (Current.Kind != SchemaTokenKind.Identifier)
            {
                throw Unexpected("an annotation name");
            }

            var key = Current;
            Advance();
            var value = string.Empty;
            if (Current.Kind == SchemaTokenKind.LeftParen)
            {
                Advance();
                value = ParseString();
                Expect(SchemaTokenKind.RightParen, "`)`");
            }

            if (annotations.ContainsKey(key.Text))
            {
                throw key.Position.Error($"duplicate annotation `@{key.Text}`");
            }

            annotations = annotations.Add(key.Text, value);
        }

        return annotations;
    }

    private (string Name, SourcePosition Position) ParseIdent()
    {
        var token = Current;
        if (token.Kind != SchemaTokenKind.Identifier)
        {
            throw Unexpected("an identifier");
        }

        if (Reserved.Contains(token.Text))
        {
            throw token.Position.Error($"`{token.Text}` is a reserved identifier");
        }

        Advance();
        return (token.Text, token.Position);
    }

    private (string Name, SourcePosition Position) ParseName()
    {
        if (Current.Kind == SchemaTokenKind.String)
        {
            var at = Current.Position;
            return (ParseString(), at);
        }

        return ParseIdent();
    }

    private string ParseString()
    {
        var token = Current;
        if (token.Kind != SchemaTokenKind.String)
        {
            throw Unexpected("a string literal");
        }

        Advance();
        return CedarStringEscapes.Unescape(token.Text, out var error) ?? throw token.Position.Error(error ?? "invalid string literal");
    }

    private void Expect(SchemaTokenKind kind, string expected)
    {
        if (Current.Kind != kind)
        {
            throw Unexpected(expected);
        }

        Advance();
    }

    private SchemaException Unexpected(string expected) =>
        Current.Position.Error($"unexpected {Current.Describe()}, expected {expected}");

    private SchemaToken Peek(int offset) => _tokens[Math.Min(_index + offset, _tokens.Count - 1)];

    private void Advance()
    {
        if (_index < _tokens.Count - 1)
        {
            _index++;
        }
    }

    private sealed class DeclarationsBuilder
    {
        public List<EntityDeclaration> EntityTypes { get; } = [];

        public List<ActionDeclaration> Actions { get; } = [];

        public List<CommonTypeDeclaration> CommonTypes { get; } = [];

        public NamespaceDeclaration Build(SchemaName? name, ImmutableDictionary<string, string> annotations, SourcePosition position) =>
            new(name, [.. EntityTypes], [.. Actions], [.. CommonTypes], annotations, position);
    }
}
