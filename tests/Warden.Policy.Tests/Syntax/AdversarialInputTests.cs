using System.Text;
using Warden.Policy.Authorization;
using Warden.Policy.Entities;
using Warden.Policy.Json;
using Warden.Policy.Syntax;
using Warden.Policy.Values;

namespace Warden.Policy.Tests.Syntax;

/// <summary>Garbage in gives a parse or JSON error — never another exception, a hang or a crash.</summary>
public sealed class AdversarialInputTests
{
    private static readonly string[] PolicyPieces =
    [
        "permit", "forbid", "(", ")", "principal", "action", "resource", "context", ",", ";", "when", "unless", "{", "}", "[", "]",
        "==", "!=", "<", ">=", "&&", "||", "!", "-", "+", "*", "has", "like", "is", "in", "if", "then", "else", "::", ".", ":",
        "\"", "\\", "\"a\\u{10FFFF}\"", "\"\\u{D800}\"", "9223372036854775808", "-9223372036854775808", "1", "@", "?principal",
        "\u0000", "\uFEFF", "\u202E", "\uD800", "\U0001F600", "\r", "\n", "//", "ip(", "decimal(\"1.0\")", "__cedar", "User::\"a\"",
    ];

    private static readonly string[] JsonPieces =
    [
        "[", "]", "{", "}", ",", ":", "\"uid\"", "\"attrs\"", "\"parents\"", "\"type\"", "\"id\"", "\"User\"", "\"__entity\"", "\"__extn\"",
        "\"fn\"", "\"arg\"", "\"ip\"", "1", "-0", "1e308", "9223372036854775808", "true", "null", "\"\\ud800\"", "\"\\u0000\"", "\"",
    ];

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Parse_RandomTokenSoup_OnlyEverThrowsParseErrors(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 3000; i++)
        {
            var text = Soup(random, PolicyPieces, random.Next(1, 60));
            try
            {
                PolicySet.Parse(text);
            }
            catch (CedarParseException e)
            {
                Assert.True(e.Line >= 1 && e.Column >= 1, $"`{text}`: {e.Message}");
            }
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void ParseEntities_RandomJsonSoup_OnlyEverThrowsJsonErrors(int seed)
    {
        var random = new Random(seed);
        for (var i = 0; i < 3000; i++)
        {
            var text = "[" + Soup(random, JsonPieces, random.Next(1, 40));
            try
            {
                CedarJson.ParseEntities(text);
            }
            catch (CedarJsonException)
            {
                // Expected for almost every input.
            }
        }
    }

    [Fact]
    public void Parse_PathologicalLikePattern_IsFast()
    {
        var pattern = string.Concat(Enumerable.Repeat("*a", 2000));
        var text = new string('a', 100_000);
        var authorizer = Authorizer.FromText($"permit(principal, action, resource) when {{ context.t like \"{pattern}b\" }};");
        var context = CedarRecord.Create([new("t", CedarValue.FromString(text))]);

        var response = authorizer.IsAuthorized(
            new AuthorizationRequest(new EntityUid("U", "u"), new EntityUid("Action", "a"), new EntityUid("R", "r"), context),
            EntityStore.Empty);

        Assert.False(response.IsAllowed);
    }

    private static string Soup(Random random, string[] pieces, int count)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            builder.Append(pieces[random.Next(pieces.Length)]).Append(random.Next(3) == 0 ? string.Empty : " ");
        }

        return builder.ToString();
    }
}
