using Warden.Validation;

namespace Warden.Host.Tests.Validation;

/// <summary>The edge's check of <c>input_json</c>: exactly one well-formed JSON object, at most 64 levels deep.</summary>
public sealed class JsonObjectCheckTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("  {\"sql\":\"select 1\",\"rows\":100}  ")]
    [InlineData("{\"a\":{\"b\":[1,2,{\"c\":null}]},\"d\":\"\\u00e9\"}")]
    public void IsJsonObject_OneWellFormedObject_True(string json) => Assert.True(JsonShape.IsObject(json));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("[1, 2")]
    [InlineData("[1, 2]")]
    [InlineData("null")]
    [InlineData("\"text\"")]
    [InlineData("{\"a\":1")]
    [InlineData("{\"a\":1} x")]
    [InlineData("{\"a\":1}{\"b\":2}")]
    [InlineData("{a:1}")]
    [InlineData("{\"a\":1,}")]
    public void IsJsonObject_AnythingElse_False(string json) => Assert.False(JsonShape.IsObject(json));

    [Fact]
    public void IsJsonObject_DeeperThan64_False()
    {
        Assert.True(JsonShape.IsObject(Nested(64)));
        Assert.False(JsonShape.IsObject(Nested(65)));
    }

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "{}" + new string('}', depth - 1);
}
