using Warden.Policy;
using Warden.Policy.Authorization;
using Warden.Policy.Schemas;
using Warden.Policy.Types;
using Warden.Policy.Validation;

namespace Warden.Cli.Cedar;

/// <summary>
/// The schema-dependent parts of the conformance run, supplied by the schema and validator
/// (<c>Warden.Policy.Schema</c>/<c>Validation</c>). Each is optional: without a schema loader entities and
/// context are read without a schema; without the validators their checks are reported as not made.
/// </summary>
public sealed class ConformanceOptions
{
    /// <summary>
    /// Reads a test's schema file (<c>.cedarschema</c> or JSON, given its path) into shapes for schema-directed
    /// parsing; null means the test runs without a schema.
    /// </summary>
    public Func<string, ISchemaShapes?>? LoadSchema { get; init; }

    /// <summary>Strict validation of the policies against the schema: true when they validate (compared with <c>shouldValidate</c>).</summary>
    public Func<ISchemaShapes, PolicySet, bool>? ValidatePolicies { get; init; }

    /// <summary>Request validation against the schema: null when valid, otherwise why not (checked for requests with <c>validateRequest</c>).</summary>
    public Func<ISchemaShapes, AuthorizationRequest, string?>? ValidateRequest { get; init; }

    /// <summary>
    /// The options with every schema-dependent part this build provides: schemas read by <see cref="Schema"/>
    /// (Cedar format, or JSON for a <c>.json</c> file), policies checked by <see cref="Validator"/> in strict mode,
    /// requests checked by <see cref="RequestValidator"/>.
    /// </summary>
    public static ConformanceOptions Default { get; } = new()
    {
        LoadSchema = LoadSchemaFile,
        ValidatePolicies = (shapes, policies) => Validator.Validate(AsSchema(shapes), policies).Passed,
        ValidateRequest = (shapes, request) =>
            RequestValidator.Validate(AsSchema(shapes), request) is { IsEmpty: false } violations
                ? string.Join("; ", violations)
                : null,
    };

    private static Schema LoadSchemaFile(string path)
    {
        var text = File.ReadAllText(path);
        return path.EndsWith(".json", StringComparison.OrdinalIgnoreCase) ? Schema.ParseJson(text) : Schema.Parse(text);
    }

    private static Schema AsSchema(ISchemaShapes shapes) =>
        shapes as Schema ?? throw new InvalidOperationException("validation needs a schema read by Warden.Policy.Schemas.Schema");
}
