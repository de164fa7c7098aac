using Warden.Cli.Cedar;

namespace Warden.Policy.Tests.Validation;

/// <summary>The conformance runner's schema seam: schemas are read, policies validated and requests checked.</summary>
public sealed class ConformanceValidationTests : IDisposable
{
    private const string SchemaText = """
        entity User { age: Long };
        entity Photo;
        action view appliesTo { principal: User, resource: Photo, context: { ok: Bool } };
        """;

    private readonly string _root = Directory.CreateTempSubdirectory("warden-conformance-validation-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static string Request(string principalType = "User", string context = """{"ok": true}""", string validate = "") => $$"""
        {"description": "d", "principal": {"type": "{{principalType}}", "id": "a"}, "action": {"type": "Action", "id": "view"},
         "resource": {"type": "Photo", "id": "p"}, "context": {{context}}, {{validate}} "decision": "allow", "reason": ["policy0"], "errors": []}
        """;

    private ConformanceReport RunTest(string policy, bool shouldValidate, string request, out string output)
    {
        Write("s.cedarschema", SchemaText);
        Write("p.cedar", policy);
        Write("e.entities.json", """[{"uid": {"type": "User", "id": "a"}, "attrs": {"age": 3}, "parents": []}]""");
        Write("tests/t/1.json", $$"""{"policies": "p.cedar", "entities": "e.entities.json", "schema": "s.cedarschema", "shouldValidate": {{(shouldValidate ? "true" : "false")}}, "requests": [{{request}}]}""");
        var writer = new StringWriter();
        var report = new ConformanceRunner(ConformanceOptions.Default).Run(_root, writer);
        output = writer.ToString();
        return report;
    }

    [Fact]
    public void Run_ShouldValidateAgrees_PrintsTheValidationLineAndSucceeds()
    {
        var report = RunTest("permit(principal, action, resource) when { principal.age > 1 };", shouldValidate: true, Request(), out var output);

        Assert.Equal(1, report.ValidationAgreed);
        Assert.True(report.Succeeded, output);
        Assert.Contains("1 passed, 0 failed", output, StringComparison.Ordinal);
        Assert.EndsWith("validation: 1 agreed, 0 disagreed", output.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_ShouldValidateDisagrees_IsAFailure()
    {
        var report = RunTest("permit(principal, action, resource) when { principal.age > 1 };", shouldValidate: false, Request(), out var output);

        Assert.Equal(1, report.ValidationDisagreed);
        Assert.False(report.Succeeded);
        Assert.Contains("shouldValidate is false but validation passed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_InvalidPolicyExpectedInvalid_Agrees()
    {
        var report = RunTest("permit(principal, action, resource) when { principal.bogus };", shouldValidate: false, Request(), out var output);

        Assert.Equal(1, report.ValidationAgreed);
        Assert.Contains("validation: 1 agreed, 0 disagreed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_RequestNotConformingToTheSchema_FailsWhenValidateRequestIsTrueOrAbsent()
    {
        var absent = RunTest("permit(principal, action, resource);", true, Request(principalType: "Photo"), out var output);

        Assert.Equal(1, absent.Failed);
        Assert.Contains("should validate against the schema but does not", output, StringComparison.Ordinal);
        Assert.Contains("does not apply to principals of type `Photo`", output, StringComparison.Ordinal);

        var explicitTrue = RunTest("permit(principal, action, resource);", true, Request(principalType: "Photo", validate: "\"validateRequest\": true,"), out _);
        Assert.Equal(1, explicitTrue.Failed);
    }

    [Fact]
    public void Run_RequestNotConformingButValidateRequestFalse_IsNotChecked()
    {
        var report = RunTest("permit(principal, action, resource);", true, Request(principalType: "Photo", validate: "\"validateRequest\": false,"), out var output);

        Assert.DoesNotContain("should validate against the schema", output, StringComparison.Ordinal);
        Assert.Equal(0, report.ValidationDisagreed);
    }

    [Fact]
    public void Run_InvalidSchema_IsAFailureNotACrash()
    {
        Write("s.cedarschema", "entity A { a: Nope };");
        Write("p.cedar", "permit(principal, action, resource);");
        Write("e.entities.json", "[]");
        Write("tests/t/1.json", $$"""{"policies": "p.cedar", "entities": "e.entities.json", "schema": "s.cedarschema", "shouldValidate": true, "requests": [{{Request()}}]}""");
        var writer = new StringWriter();

        var report = new ConformanceRunner(ConformanceOptions.Default).Run(_root, writer);

        Assert.False(report.Succeeded);
        Assert.Contains("undeclared type `Nope`", writer.ToString(), StringComparison.Ordinal);
    }
}
