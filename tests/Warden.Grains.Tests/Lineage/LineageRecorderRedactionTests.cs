using Warden.Grains.Lineage;
using Warden.Lineage.Privacy;

namespace Warden.Grains.Tests.Lineage;

/// <summary>
/// The recorder redacts <c>{"input":&lt;tool arguments&gt;}</c> from UTF-8 it assembles itself: the same stored form,
/// digest and refusals as redacting the concatenated string.
/// </summary>
public sealed class LineageRecorderRedactionTests
{
    private static readonly byte[] Key = Enumerable.Range(7, 32).Select(i => (byte)i).ToArray();

    public static TheoryData<string> Inputs => new()
    {
        """{"sql":"select id, total from orders where day = $1","rows":100}""",
        """{"password":"hunter2","to":"bob@example.com","headers":{"authorization":"Bearer t0k"}}""",
        """{ "b" : [ 1, 2.50, {"z":null,"a":true} ], "a" : "caf\u00e9 \ud83d\ude00 <x>" }""",
        "[1,2,3]",
        "\"just text\"",
        "null",
        "{}",
        "{\"emoji😀\":\"日本語\",\"ｚ\":1}",
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void RedactInput_SameAsTheConcatenatedContext(string input)
    {
        foreach (var paths in new[] { SensitivePaths.None, SensitivePaths.Parse(["$.input.password", "$.input.headers.*", "$.input.b[2].a"]) })
        {
            var expected = ContextRedactor.Redact("{\"input\":" + input + "}", paths, Key);

            Assert.Equal(expected, LineageRecorder.RedactInput(input, paths, Key));
        }
    }

    [Fact]
    public void RedactInput_LongArguments_SameAsTheConcatenatedContext()
    {
        // Past the stack buffer: the rented one.
        var input = "{\"password\":\"p\",\"text\":\"" + string.Concat(Enumerable.Repeat("ab\u00e9\u65e5 ", 900)) + "\"}";
        var paths = SensitivePaths.Parse(["$.input.password"]);

        var actual = LineageRecorder.RedactInput(input, paths, Key);

        Assert.Equal(ContextRedactor.Redact("{\"input\":" + input + "}", paths, Key), actual);
        Assert.Equal(1, actual.RedactedValueCount);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("{\"a\":1,\"a\":2}")]
    [InlineData("{\"a\":\"\\ud800\"}")]
    public void RedactInput_InvalidArguments_Refused(string input)
    {
        Assert.Throws<ArgumentException>(() => ContextRedactor.Redact("{\"input\":" + input + "}", SensitivePaths.None, Key));
        Assert.Throws<ArgumentException>(() => LineageRecorder.RedactInput(input, SensitivePaths.None, Key));
    }

    [Fact]
    public void RedactInput_UnpairedSurrogateInTheText_Refused()
    {
        Assert.ThrowsAny<ArgumentException>(() => LineageRecorder.RedactInput("{\"a\":\"x\ud800\"}", SensitivePaths.None, Key));
    }
}
