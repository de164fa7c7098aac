using System.Globalization;
using System.Text.Json;
using Warden.Policy;
using Warden.Policy.Authorization;
using Warden.Policy.Entities;
using Warden.Policy.Json;
using Warden.Policy.Schemas;
using Warden.Policy.Syntax;
using Warden.Policy.Types;
using Warden.Policy.Values;

namespace Warden.Cli.Cedar;

/// <summary>
/// Runs Cedar's integration tests (the format of cedar-policy/cedar-integration-tests) against Warden's engine:
/// for every test file under a folder, every request's decision, reason set and error set must match.
/// A file that cannot be read or run counts as failed; nothing here throws for bad input.
/// </summary>
public sealed class ConformanceRunner
{
    private readonly ConformanceOptions _options;

    /// <summary>Creates a runner.</summary>
    /// <param name="options">The schema loader and validators to use (see <see cref="ConformanceOptions"/>).</param>
    public ConformanceRunner(ConformanceOptions? options = null)
    {
        _options = options ?? ConformanceOptions.Default;
    }

    /// <summary>
    /// The test files under <paramref name="root"/>: JSON files other than entity and schema data, that are
    /// test descriptions or that cannot be told apart from one (unreadable JSON counts as a broken test).
    /// </summary>
    /// <param name="root">The folder holding <c>tests/</c>, <c>sample-data/</c> and/or <c>corpus-tests/</c>.</param>
    public static IReadOnlyList<string> FindTestFiles(string root)
    {
        ArgumentNullException.ThrowIfNull(root);
        var files = new List<string>();
        foreach (var file in Directory.EnumerateFiles(root, "*.json", SearchOption.AllDirectories))
        {
            var name = Path.GetFileName(file);
            if (name.EndsWith("entities.json", StringComparison.OrdinalIgnoreCase)
                || name.Contains("schema", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            files.Add(file);
        }

        files.Sort(StringComparer.Ordinal);
        return files;
    }

    /// <summary>Runs every test file under <paramref name="root"/>, writing each failure and the summary lines.</summary>
    /// <param name="root">The folder holding the tests.</param>
    /// <param name="output">Where failures and the summary go.</param>
    public ConformanceReport Run(string root, TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(output);
        var report = new ConformanceReport();
        foreach (var file in FindTestFiles(root))
        {
            var before = report.Failures.Count;
            RunFile(root, file, report);
            for (var i = before; i < report.Failures.Count; i++)
            {
                output.WriteLine(report.Failures[i]);
            }
        }

        output.WriteLine(report.Summary);
        output.WriteLine(report.ValidationSummary);
        return report;
    }

    /// <summary>Runs one test file, adding its outcome to <paramref name="report"/>.</summary>
    /// <param name="root">The folder the file's paths are relative to.</param>
    /// <param name="testFile">The test file.</param>
    /// <param name="report">The report to add to.</param>
    public void RunFile(string root, string testFile, ConformanceReport report)
    {
        ArgumentNullException.ThrowIfNull(root);
        ArgumentNullException.ThrowIfNull(testFile);
        ArgumentNullException.ThrowIfNull(report);
        var name = Path.GetRelativePath(root, testFile);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllText(testFile));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            Fail(report, $"FAIL {name}: cannot read the test file: {e.Message}");
            return;
        }

        using (document)
        {
            var test = document.RootElement;
            if (test.ValueKind != JsonValueKind.Object || !test.TryGetProperty("requests", out var requests) || requests.ValueKind != JsonValueKind.Array)
            {
                if (test.ValueKind == JsonValueKind.Object && test.TryGetProperty("policies", out _))
                {
                    Fail(report, $"FAIL {name}: the test has no `requests` array");
                }

                return;
            }

            report.Files++;
            var requestCount = requests.GetArrayLength();
            Setup setup;
            try
            {
                setup = Prepare(root, test);
            }
            catch (Exception e) when (e is CedarParseException or CedarJsonException or SchemaException or IOException or UnauthorizedAccessException
                or FormatException or ArgumentException or InvalidOperationException or KeyNotFoundException)
            {
                Fail(report, $"FAIL {name}: cannot run the test: {e.Message}", Math.Max(1, requestCount));
                return;
            }

            CheckValidation(name, test, setup, report);
            var index = 0;
            foreach (var request in requests.EnumerateArray())
            {
                RunRequest(name, index++, request, setup, report);
            }
        }
    }

    private Setup Prepare(string root, JsonElement test)
    {
        var policyText = File.ReadAllText(ResolvePath(root, RequiredString(test, "policies")));
        var policies = PolicySet.Parse(policyText);
        ISchemaShapes? schema = null;
        string? schemaPath = null;
        if (test.TryGetProperty("schema", out var schemaElement) && schemaElement.ValueKind == JsonValueKind.String)
        {
            schemaPath = ResolvePath(root, schemaElement.GetString()!);
            if (_options.LoadSchema is not null)
            {
                schema = _options.LoadSchema(schemaPath);
            }
        }

        var entitiesText = File.ReadAllText(ResolvePath(root, RequiredString(test, "entities")));
        var entities = CedarJson.ParseEntities(entitiesText, schema);
        return new Setup(policies, new Authorizer(policies), entities, schema);
    }

    private void CheckValidation(string name, JsonElement test, Setup setup, ConformanceReport report)
    {
        if (_options.ValidatePolicies is null || setup.Schema is null)
        {
            return;
        }

        report.ValidationChecked = true;
        var expected = test.TryGetProperty("shouldValidate", out var should) && should.ValueKind == JsonValueKind.True;
        bool actual;
        try
        {
            actual = _options.ValidatePolicies(setup.Schema, setup.Policies);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or FormatException)
        {
            report.ValidationDisagreed++;
            report.Failures.Add($"FAIL {name}: the validator failed: {e.Message}");
            return;
        }

        if (actual == expected)
        {
            report.ValidationAgreed++;
        }
        else
        {
            report.ValidationDisagreed++;
            report.Failures.Add($"FAIL {name}: shouldValidate is {Lower(expected)} but validation {(actual ? "passed" : "failed")}");
        }
    }

    private void RunRequest(string name, int index, JsonElement request, Setup setup, ConformanceReport report)
    {
        var label = request.ValueKind == JsonValueKind.Object && request.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String
            ? $"request {index} ({description.GetString()})"
            : $"request {index}";
        try
        {
            var principal = CedarJson.ParseEntityUid(Required(request, "principal"));
            var action = CedarJson.ParseEntityUid(Required(request, "action"));
            var resource = CedarJson.ParseEntityUid(Required(request, "resource"));
            var context = request.TryGetProperty("context", out var contextElement)
                ? CedarJson.ParseContext(contextElement, setup.Schema, action)
                : CedarRecord.Empty;
            var authorizationRequest = new AuthorizationRequest(principal, action, resource, context);

            var validate = !request.TryGetProperty("validateRequest", out var validateElement) || validateElement.ValueKind != JsonValueKind.False;
            if (validate && setup.Schema is not null && _options.ValidateRequest is not null
                && _options.ValidateRequest(setup.Schema, authorizationRequest) is { } invalid)
            {
                Fail(report, $"FAIL {name} {label}: the request should validate against the schema but does not: {invalid}");
                return;
            }

            var expectedDecision = RequiredString(request, "decision");
            var expectedReasons = StringSet(request, "reason");
            var expectedErrors = StringSet(request, "errors");

            var response = setup.Authorizer.IsAuthorized(authorizationRequest, setup.Entities);
            var actualDecision = response.IsAllowed ? "allow" : "deny";
            var actualReasons = response.DeterminingPolicyIds.ToHashSet(StringComparer.Ordinal);
            var actualErrors = response.Errors.Select(e => e.PolicyId).ToHashSet(StringComparer.Ordinal);
            if (string.Equals(expectedDecision, actualDecision, StringComparison.OrdinalIgnoreCase)
                && expectedReasons.SetEquals(actualReasons)
                && expectedErrors.SetEquals(actualErrors))
            {
                report.Passed++;
                return;
            }

            Fail(report, $"FAIL {name} {label}: expected {expectedDecision.ToLowerInvariant()} reasons=[{Join(expectedReasons)}] errors=[{Join(expectedErrors)}]"
                + $", got {actualDecision} reasons=[{Join(actualReasons)}] errors=[{Join(actualErrors)}]"
                + (response.Errors.Count > 0 ? $" ({string.Join("; ", response.Errors)})" : string.Empty));
        }
        catch (Exception e) when (e is CedarJsonException or ArgumentException or InvalidOperationException or KeyNotFoundException or FormatException)
        {
            Fail(report, $"FAIL {name} {label}: cannot run the request: {e.Message}");
        }
    }

    private static void Fail(ConformanceReport report, string message, int count = 1)
    {
        report.Failed += count;
        report.Failures.Add(message);
    }

    private static string ResolvePath(string root, string relative)
    {
        var full = Path.GetFullPath(Path.Combine(root, relative));
        return File.Exists(full) ? full : throw new FileNotFoundException($"`{relative}` does not exist under {root}", full);
    }

    private static JsonElement Required(JsonElement element, string property) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(property, out var value)
            ? value
            : throw new KeyNotFoundException($"missing `{property}`");

    private static string RequiredString(JsonElement element, string property)
    {
        var value = Required(element, property);
        return value.ValueKind == JsonValueKind.String ? value.GetString()! : throw new FormatException($"`{property}` must be a string");
    }

    private static HashSet<string> StringSet(JsonElement element, string property)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        if (element.TryGetProperty(property, out var array) && array.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in array.EnumerateArray())
            {
                set.Add(item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText());
            }
        }

        return set;
    }

    private static string Join(IEnumerable<string> items) => string.Join(", ", items.Order(StringComparer.Ordinal));

    private static string Lower(bool value) => value ? "true" : "false";

    private sealed record Setup(PolicySet Policies, Authorizer Authorizer, EntityStore Entities, ISchemaShapes? Schema);
}
