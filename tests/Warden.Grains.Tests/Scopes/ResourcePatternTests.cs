using Warden.Scopes;

namespace Warden.Grains.Tests.Scopes;

public sealed class ResourcePatternTests
{
    [Theory]
    [InlineData("*", ResourcePatternKind.Any, "", "")]
    [InlineData("Doc::*", ResourcePatternKind.AnyOfType, "Doc", "")]
    [InlineData("Reports::Doc::\"q3\"", ResourcePatternKind.Exact, "Reports::Doc", "q3")]
    [InlineData("Doc::\"reports/*\"", ResourcePatternKind.Prefix, "Doc", "reports/")]
    [InlineData("Doc::\"a\\*b\"", ResourcePatternKind.Exact, "Doc", "a*b")]
    [InlineData("Doc::\"say \\\"hi\\\"\"", ResourcePatternKind.Exact, "Doc", "say \"hi\"")]
    [InlineData("Doc::\"*\"", ResourcePatternKind.AnyOfType, "Doc", "")]
    public void Parse_ValidText_GivesKindTypeAndValue(string text, ResourcePatternKind kind, string type, string value)
    {
        var pattern = ResourcePattern.Parse(text);

        Assert.Equal(kind, pattern.Kind);
        Assert.Equal(type, pattern.Type);
        Assert.Equal(value, pattern.Value);
        Assert.Equal(pattern, ResourcePattern.Parse(pattern.ToString()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("Doc")]
    [InlineData("Doc::")]
    [InlineData("Doc::\"a*b\"")]
    [InlineData("Doc::\"unterminated")]
    [InlineData("1Doc::\"x\"")]
    [InlineData("Doc::\"a\"b\"")]
    [InlineData("Doc::\"a\\x\"")]
    [InlineData("**")]
    public void TryParse_MalformedText_FailsWithError(string text)
    {
        Assert.False(ResourcePattern.TryParse(text, out _, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Theory]
    [InlineData("*", "Doc", "x", true)]
    [InlineData("Doc::*", "Doc", "x", true)]
    [InlineData("Doc::*", "Reports::Doc", "x", false)]
    [InlineData("Doc::\"x\"", "Doc", "x", true)]
    [InlineData("Doc::\"x\"", "Doc", "xy", false)]
    [InlineData("Doc::\"reports/*\"", "Doc", "reports/q3", true)]
    [InlineData("Doc::\"reports/*\"", "Doc", "secrets/q3", false)]
    [InlineData("Doc::\"reports/*\"", "Sheet", "reports/q3", false)]
    public void Matches_Resource_FollowsPatternLanguage(string pattern, string type, string id, bool expected) =>
        Assert.Equal(expected, ResourcePattern.Parse(pattern).Matches(type, id));

    [Theory]
    [InlineData("*", "Doc::\"a*\"", "Doc::\"a*\"")]
    [InlineData("Doc::*", "Doc::\"a*\"", "Doc::\"a*\"")]
    [InlineData("Doc::\"a*\"", "Doc::\"ab*\"", "Doc::\"ab*\"")]
    [InlineData("Doc::\"ab*\"", "Doc::\"a*\"", "Doc::\"ab*\"")]
    [InlineData("Doc::\"a*\"", "Doc::\"abc\"", "Doc::\"abc\"")]
    [InlineData("Doc::\"a*\"", "Doc::\"b*\"", null)]
    [InlineData("Doc::\"x\"", "Doc::\"y\"", null)]
    [InlineData("Doc::*", "Sheet::*", null)]
    public void Intersect_TwoPatterns_GivesCommonPart(string left, string right, string? expected)
    {
        var result = ResourcePattern.Parse(left).Intersect(ResourcePattern.Parse(right));
        var reverse = ResourcePattern.Parse(right).Intersect(ResourcePattern.Parse(left));

        Assert.Equal(expected, result?.ToString());
        Assert.Equal(expected, reverse?.ToString());
    }

    [Fact]
    public void Contains_NarrowerPattern_IsTrueOnlyOneWay()
    {
        var wide = ResourcePattern.Parse("Doc::\"reports/*\"");
        var narrow = ResourcePattern.Parse("Doc::\"reports/2026/*\"");

        Assert.True(wide.Contains(narrow));
        Assert.False(narrow.Contains(wide));
    }
}
