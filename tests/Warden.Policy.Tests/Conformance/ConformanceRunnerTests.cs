using Warden.Cli.Cedar;

namespace Warden.Policy.Tests.Conformance;

/// <summary>The runner itself: broken or mismatching test files are reported as failures, never crashes.</summary>
public sealed class ConformanceRunnerTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("warden-conformance-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private const string Request = """
        {"description": "d", "principal": {"type": "User", "id": "a"}, "action": {"type": "Action", "id": "view"},
         "resource": {"type": "Photo", "id": "p"}, "context": {}, "decision": "allow", "reason": ["policy0"], "errors": []}
        """;

    [Fact]
    public void Run_PassingTest_CountsRequests()
    {
        Write("p.cedar", "permit(principal == User::\"a\", action, resource);");
        Write("e.entities.json", "[]");
        Write("tests/t/1.json", $$"""{"policies": "p.cedar", "entities": "e.entities.json", "requests": [{{Request}}, {{Request}}]}""");

        var output = new StringWriter();
        var report = new ConformanceRunner().Run(_root, output);

        Assert.Equal(2, report.Passed);
        Assert.Equal(0, report.Failed);
        Assert.True(report.Succeeded);
        Assert.Contains("2 passed, 0 failed", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_WrongExpectation_PrintsTheFailingRequestWithItsFile()
    {
        Write("p.cedar", "forbid(principal, action, resource);");
        Write("e.entities.json", "[]");
        Write("tests/t/1.json", $$"""{"policies": "p.cedar", "entities": "e.entities.json", "requests": [{{Request}}]}""");

        var output = new StringWriter();
        var report = new ConformanceRunner().Run(_root, output);

        Assert.Equal(1, report.Failed);
        Assert.False(report.Succeeded);
        Assert.Contains(Path.Combine("tests", "t", "1.json"), output.ToString(), StringComparison.Ordinal);
        Assert.Contains("expected allow", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("0 passed, 1 failed", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("""{"policies": "missing.cedar", "entities": "e.entities.json", "requests": [{}]}""")]
    [InlineData("""{"policies": "bad.cedar", "entities": "e.entities.json", "requests": [{}, {}]}""")]
    [InlineData("""{"policies": "p.cedar", "entities": "bad.entities.json", "requests": [{}]}""")]
    [InlineData("""{"policies": "p.cedar", "entities": "e.entities.json", "requests": [{"principal": 1}]}""")]
    [InlineData("""{"policies": "p.cedar", "entities": "e.entities.json", "requests": [{"principal": {"type": "User", "id": "a"}, "action": {"type": "Action", "id": "view"}, "resource": {"type": "R", "id": "r"}, "context": [], "decision": "deny"}]}""")]
    [InlineData("""{"policies": "p.cedar", "requests": [{}]}""")]
    [InlineData("""{"policies": "p.cedar", "entities": "e.entities.json", "requests": 3}""")]
    public void Run_BrokenTestFile_IsAFailureNotACrash(string testFile)
    {
        Write("p.cedar", "permit(principal, action, resource);");
        Write("bad.cedar", "permit(principal, action, resource) when {");
        Write("e.entities.json", "[]");
        Write("bad.entities.json", "[{\"uid\": 3}]");
        Write("tests/broken/1.json", testFile);

        var report = new ConformanceRunner().Run(_root, new StringWriter());

        Assert.True(report.Failed >= 1);
        Assert.False(report.Succeeded);
    }

    [Fact]
    public void Run_ValidatorSupplied_ComparesShouldValidate()
    {
        Write("p.cedar", "permit(principal, action, resource);");
        Write("e.entities.json", "[]");
        Write("s.cedarschema", "whatever");
        Write("tests/t/1.json", """{"policies": "p.cedar", "entities": "e.entities.json", "schema": "s.cedarschema", "shouldValidate": false, "requests": []}""");
        var options = new ConformanceOptions
        {
            LoadSchema = _ => new Support.TestSchemaShapes(),
            ValidatePolicies = (_, _) => true,
        };

        var output = new StringWriter();
        var report = new ConformanceRunner(options).Run(_root, output);

        Assert.Equal(1, report.ValidationDisagreed);
        Assert.False(report.Succeeded);
        Assert.Contains("validation: 0 agreed, 1 disagreed", output.ToString(), StringComparison.Ordinal);
    }
}
