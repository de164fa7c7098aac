using System.Text.Json;
using Warden.Policy.Schemas;
using Warden.Policy.Tests.Conformance;
using Warden.Policy.Validation;

namespace Warden.Policy.Tests.Validation;

/// <summary>
/// The measure of the validator: on every test of Cedar's integration corpus (the hand-written tests and the whole
/// generated corpus), strict validation passes exactly when the test's <c>shouldValidate</c> says it should.
/// </summary>
public sealed class ValidationCorpusTests
{
    [Fact]
    public void Validate_HandWrittenTests_AgreeWithShouldValidate()
    {
        var (agreed, disagreements) = Run(CedarTestData.DataRoot, Path.Combine(CedarTestData.DataRoot, "tests"));

        Assert.True(disagreements.Count == 0, string.Join("\n", disagreements));
        Assert.Equal(22, agreed);
    }

    [Fact]
    public void Validate_WholeCorpus_AgreesWithShouldValidate()
    {
        var root = CedarTestData.CorpusRoot;
        var (agreed, disagreements) = Run(root, root);

        Assert.True(disagreements.Count == 0, $"{disagreements.Count} disagreements:\n" + string.Join("\n", disagreements.Take(50)));
        Assert.Equal(Directory.GetFiles(Path.Combine(root, "corpus-tests"), "*.cedarschema").Length, agreed);
        Assert.True(agreed > 3_900, $"only {agreed} tests ran");
    }

    private static (int Agreed, List<string> Disagreements) Run(string root, string folder)
    {
        var agreed = 0;
        var disagreements = new List<string>();
        foreach (var file in Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            if (file.EndsWith(".entities.json", StringComparison.Ordinal))
            {
                continue;
            }

            using var document = JsonDocument.Parse(File.ReadAllText(file));
            var test = document.RootElement;
            if (!test.TryGetProperty("shouldValidate", out var expected))
            {
                continue;
            }

            var schema = Schema.Parse(File.ReadAllText(Path.Combine(root, test.GetProperty("schema").GetString()!)));
            var policies = PolicySet.Parse(File.ReadAllText(Path.Combine(root, test.GetProperty("policies").GetString()!)));
            var result = Validator.Validate(schema, policies);
            if (result.Passed == expected.GetBoolean())
            {
                agreed++;
            }
            else
            {
                disagreements.Add($"{Path.GetFileName(file)}: shouldValidate {expected.GetBoolean()} but got {result.Passed} {string.Join("; ", result.Errors)}");
            }
        }

        return (agreed, disagreements);
    }
}
