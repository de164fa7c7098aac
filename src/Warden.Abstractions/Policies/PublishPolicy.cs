namespace Warden.Policies;

/// <summary>
/// A tenant policy set to publish: Cedar policies, the tenant's Cedar schema (which extends Warden's base schema,
/// namespace <c>Warden</c>, see <c>docs/cedar-model.md</c>) and optional entity data. Publishing parses and strictly
/// validates first; a set that fails is refused with its errors and the previous one stays in force.
/// </summary>
/// <param name="Policies">Cedar policy text.</param>
/// <param name="Schema">Cedar schema text (human-readable <c>.cedarschema</c> format) for the tenant's types and actions.</param>
/// <param name="Entities">
/// Optional Cedar entities JSON (an array) the tenant publishes: resources with their attributes and data labels,
/// agent groups with their parents. Null or empty for none.
/// </param>
/// <param name="Actor">Who publishes.</param>
/// <param name="ExpectedVersion">
/// Optional optimistic concurrency: when set, the publish is refused (<see cref="CallStatus.FailedPrecondition"/>)
/// unless the current version equals it.
/// </param>
[GenerateSerializer, Immutable, Alias("warden.PublishPolicy")]
public sealed record PublishPolicy(
    [property: Id(0)] string Policies,
    [property: Id(1)] string Schema,
    [property: Id(2)] string? Entities,
    [property: Id(3)] Caller Actor,
    [property: Id(4)] long? ExpectedVersion = null);

/// <summary>What is known about a published policy set.</summary>
/// <param name="TenantId">The tenant.</param>
/// <param name="Version">Monotonically increasing from 1; 0 means nothing is published.</param>
/// <param name="PublishedAt">When it was published.</param>
/// <param name="PublishedBy">Who published it.</param>
/// <param name="PolicyIds">The ids of its policies (Cedar's <c>@id</c> annotation, else <c>policy0</c>, <c>policy1</c>, …).</param>
/// <param name="Digest">Lowercase hex SHA-256 over policies, schema and entities, for audit.</param>
[GenerateSerializer, Immutable, Alias("warden.PolicySetInfo")]
public sealed record PolicySetInfo(
    [property: Id(0)] string TenantId,
    [property: Id(1)] long Version,
    [property: Id(2)] DateTimeOffset PublishedAt,
    [property: Id(3)] string PublishedBy,
    [property: Id(4)] System.Collections.Immutable.ImmutableArray<string> PolicyIds,
    [property: Id(5)] string Digest);

/// <summary>A published policy set with its text.</summary>
/// <param name="Info">Version and provenance.</param>
/// <param name="Policies">Cedar policy text.</param>
/// <param name="Schema">The tenant's Cedar schema text (without Warden's base schema).</param>
/// <param name="Entities">The tenant's entities JSON, or null.</param>
[GenerateSerializer, Immutable, Alias("warden.PolicyDocument")]
public sealed record PolicyDocument(
    [property: Id(0)] PolicySetInfo Info,
    [property: Id(1)] string Policies,
    [property: Id(2)] string Schema,
    [property: Id(3)] string? Entities);
