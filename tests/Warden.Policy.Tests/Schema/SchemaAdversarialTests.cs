using System.Text;
using Warden.Policy.Schemas;

namespace Warden.Policy.Tests.Schemas;

public sealed class SchemaAdversarialTests
{
    [Fact]
    public void Parse_DeeplyNestedSets_IsAnErrorNotAStackOverflow()
    {
        var text = "entity A { a: " + string.Concat(Enumerable.Repeat("Set<", 100_000)) + "Long" + new string('>', 100_000) + " };";

        var error = Assert.Throws<SchemaException>(() => Schema.Parse(text));

        Assert.Contains("nest deeper than", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_DeeplyNestedRecords_IsAnErrorNotAStackOverflow()
    {
        var text = "entity A " + string.Concat(Enumerable.Repeat("{ a: ", 50_000)) + "Long" + string.Concat(Enumerable.Repeat(" }", 50_000)) + ";";

        Assert.Throws<SchemaException>(() => Schema.Parse(text));
    }

    [Fact]
    public void Parse_NestingWithinTheLimit_IsAccepted()
    {
        var depth = CedarSchemaParser.MaxTypeDepth - 2;
        var text = "entity A { a: " + string.Concat(Enumerable.Repeat("Set<", depth)) + "Long" + new string('>', depth) + " };";

        Assert.NotNull(Schema.Parse(text).GetEntityType("A"));
    }

    [Fact]
    public void Parse_CommonTypesThatExpandExponentially_IsAnErrorNotAHang()
    {
        // T0 has 2 copies of T1, which has 2 of T2...: 2^60 nodes once inlined.
        var text = new StringBuilder();
        for (var i = 0; i < 60; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"type T{i} = {{ a: T{i + 1}, b: T{i + 1} }};\n");
        }

        text.Append("type T60 = Long; entity E { t: T0 };");

        var error = Assert.Throws<SchemaException>(() => Schema.Parse(text.ToString()));

        Assert.Contains("too large", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_LongChainOfCommonTypeAliases_ResolvesWithoutDeepRecursion()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"type T{i} = T{i + 1};\n");
        }

        text.Append("type T20000 = String; entity E { t: T0 };");

        var schema = Schema.Parse(text.ToString());

        Assert.Equal(Types.StringType.Instance, schema.GetEntityType("E")!.Attributes.Attributes["t"].Type);
    }

    [Fact]
    public void Parse_LongCycleOfCommonTypes_IsAnErrorWithoutDeepRecursion()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"type T{i} = T{(i + 1) % 20_000};\n");
        }

        Assert.Throws<SchemaException>(() => Schema.Parse(text.ToString()));
    }

    [Fact]
    public void Parse_LongActionGroupChain_ComputesTheHierarchy()
    {
        var text = new StringBuilder("action a0;\n");
        for (var i = 1; i < 500; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"action a{i} in a{i - 1};\n");
        }

        var schema = Schema.Parse(text.ToString());

        Assert.Equal(499, schema.GetAction("Action", "a0")!.Descendants.Count);
    }

    [Fact]
    public void Parse_HierarchyWhoseClosureIsTooLarge_IsAnErrorNotAHang()
    {
        // A chain of 20,000 entity types has a closure of 2*10^8 pairs: beyond the work budget.
        var text = new StringBuilder("entity E0;\n");
        for (var i = 1; i < 20_000; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"entity E{i} in E{i - 1};\n");
        }

        var error = Assert.Throws<SchemaException>(() => Schema.Parse(text.ToString()));

        Assert.Contains("too large", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_ManyFlatDeclarations_IsAccepted()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 20_000; i++)
        {
            text.Append(System.Globalization.CultureInfo.InvariantCulture, $"entity E{i} {{ a: Long, b: String }};\n");
        }

        Assert.Equal(20_000, Schema.Parse(text.ToString()).EntityTypes.Length);
    }

    [Theory]
    [InlineData("\0")]
    [InlineData("entity \u202EA;")]
    [InlineData("\"")]
    [InlineData("@")]
    [InlineData("entity A { a: }")]
    [InlineData("namespace {")]
    [InlineData("action \"\\u{110000}\";")]
    [InlineData("action \"\\x80\";")]
    [InlineData("action \"a\rb\";")]
    public void Parse_Garbage_IsASchemaException(string text)
    {
        Assert.Throws<SchemaException>(() => Schema.Parse(text));
    }

    [Fact]
    public void Parse_RandomText_NeverThrowsAnythingButSchemaException()
    {
        var random = new Random(12345);
        const string alphabet = "entity action namespace type in appliesTo principal resource context tags enum Set<>{}[]();:,=?@\"\\ Long String A B x\n";
        for (var i = 0; i < 2_000; i++)
        {
            var text = new string([.. Enumerable.Range(0, random.Next(1, 80)).Select(_ => alphabet[random.Next(alphabet.Length)])]);
            try
            {
                Schema.Parse(text);
            }
            catch (SchemaException)
            {
                // expected for most inputs
            }
        }
    }
}
