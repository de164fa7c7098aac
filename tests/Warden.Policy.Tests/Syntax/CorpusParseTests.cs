using Warden.Policy.Tests.Conformance;

namespace Warden.Policy.Tests.Syntax;

public sealed class CorpusParseTests
{
    [Fact]
    public void Parse_EveryCorpusPolicyFile_Succeeds()
    {
        var failures = new List<string>();
        var files = Directory.GetFiles(Path.Combine(CedarTestData.CorpusRoot, "corpus-tests"), "*.cedar");
        Assert.True(files.Length > 3000);
        foreach (var file in files)
        {
            if (!PolicySet.TryParse(File.ReadAllText(file), out _, out var error))
            {
                failures.Add($"{Path.GetFileName(file)}: {error.Message}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures.Take(30)) + $"\n({failures.Count} failures)");
    }
}
