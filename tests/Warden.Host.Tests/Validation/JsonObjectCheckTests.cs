using Warden.Host.Mapping;

namespace Warden.Host.Tests.Validation;

/// <summary>The edge's check of <c>input_json</c>: exactly one well-formed JSON object, at most 64 levels deep.</summary>
public sealed class JsonObjectCheckTests
{
    [Theory]
    [InlineData("{}")]
    [InlineData("  {\"sql\":\"select 1\",\"rows\":100}  ")]
    [InlineData("{\"a\":{\"b\":[1,2,{\"c\":null}]},\"d\":\"\\u00e9\"}")]
    public void IsJsonObject_OneWellFormedObject_True(string json) => Assert.True(EvaluationMapping.IsJsonObject(json));

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
    public void IsJsonObject_AnythingElse_False(string json) => Assert.False(EvaluationMapping.IsJsonObject(json));

    [Fact]
    public void IsJsonObject_DeeperThan64_False()
    {
        Assert.True(EvaluationMapping.IsJsonObject(Nested(64)));
        Assert.False(EvaluationMapping.IsJsonObject(Nested(65)));
    }

    private static string Nested(int depth) => string.Concat(Enumerable.Repeat("{\"a\":", depth - 1)) + "{}" + new string('}', depth - 1);
}
