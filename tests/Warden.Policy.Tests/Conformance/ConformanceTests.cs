using Warden.Cli.Cedar;
using Warden.Policy.Tests.Support;

namespace Warden.Policy.Tests.Conformance;

/// <summary>
/// Cedar's public integration tests: every request's decision, reason set and error set must match the
/// official engine's. Hand-written tests run one per file; the generated corpus runs as one fact that lists every failure.
/// </summary>
public sealed class ConformanceTests
{
    public static TheoryData<string> HandWrittenTests()
    {
        var data = new TheoryData<string>();
        foreach (var file in ConformanceRunner.FindTestFiles(Path.Combine(CedarTestData.DataRoot, "tests")))
        {
            data.Add(Path.GetRelativePath(CedarTestData.DataRoot, file));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(HandWrittenTests))]
    public void Conformance_HandWrittenTest_MatchesCedar(string testFile)
    {
        var report = new ConformanceReport();
        new ConformanceRunner(SampleSchemas.Conformance).RunFile(CedarTestData.DataRoot, Path.Combine(CedarTestData.DataRoot, testFile), report);

        Assert.True(report.Failed == 0, string.Join("\n", report.Failures));
        Assert.True(report.Passed > 0);
    }

    [Fact]
    public void Conformance_WholeCorpus_MatchesCedarOnEveryRequest()
    {
        var report = new ConformanceReport();
        var runner = new ConformanceRunner(SampleSchemas.Conformance);
        var root = CedarTestData.CorpusRoot;
        var files = ConformanceRunner.FindTestFiles(root);
        foreach (var file in files)
        {
            runner.RunFile(root, file, report);
        }

        Assert.True(report.Failed == 0, $"{report.Summary}\n" + string.Join("\n", report.Failures.Take(50)));
        Assert.Equal(files.Count, report.Files);
        Assert.True(report.Passed > 30_000, report.Summary);
    }

    [Fact]
    public void Run_WholeDataFolder_PrintsSummaryLines()
    {
        var output = new StringWriter();
        var report = new ConformanceRunner(SampleSchemas.Conformance).Run(Path.Combine(CedarTestData.DataRoot, "tests"), output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(report.Summary, lines[^2].TrimEnd('\r'));
        Assert.Equal("validation: not checked", lines[^1].TrimEnd('\r'));
    }
}
