using System.Collections.Immutable;

namespace Warden.Sessions;

/// <summary>The resource an action touches, as the request names it.</summary>
/// <param name="Type">A Cedar entity type path declared in the tenant's schema (e.g. <c>Reports::Doc</c>).</param>
/// <param name="Id">The resource id (at most <see cref="WardenLimits.MaxResourceIdLength"/> characters).</param>
/// <param name="AttributesJson">
/// Optional resource attributes as a JSON object, read against the tenant schema's declaration of the type. Entity
/// data the tenant published for the same resource takes precedence.
/// </param>
/// <param name="Labels">
/// Data labels reported with the request (e.g. <c>secret</c>, <c>pii</c>), merged with the labels the tenant
/// published for the resource. They reach Cedar as <c>context.labels</c> and are remembered by the session.
/// </param>
[GenerateSerializer, Immutable, Alias("warden.ResourceRef")]
public sealed record ResourceRef(
    [property: Id(0)] string Type,
    [property: Id(1)] string Id,
    [property: Id(2)] string? AttributesJson,
    [property: Id(3)] ImmutableArray<string> Labels)
{
    /// <inheritdoc />
    public override string ToString() => $"{Type}::\"{Id}\"";
}

/// <summary>One action an agent is about to take.</summary>
/// <param name="Action">The action name (see <see cref="Scopes.ActionNames"/>).</param>
/// <param name="Resource">The resource it touches.</param>
/// <param name="InputJson">
/// The tool arguments as a JSON object (or null): reaches Cedar as <c>context.input</c>. Only its SHA-256 digest is
/// recorded in events and logs.
/// </param>
/// <param name="RequestId">Optional caller correlation id, echoed in the decision (at most <see cref="WardenLimits.MaxShortTextLength"/> characters).</param>
[GenerateSerializer, Immutable, Alias("warden.EvaluationRequest")]
public sealed record EvaluationRequest(
    [property: Id(0)] string Action,
    [property: Id(1)] ResourceRef Resource,
    [property: Id(2)] string? InputJson,
    [property: Id(3)] string? RequestId = null);
