namespace Warden.Policy.Types;

/// <summary>
/// What schema-directed parsing of entities and context needs to know from a schema: the declared shape of
/// each entity type and of each action. Implemented by the schema; consumed by the JSON readers.
/// </summary>
public interface ISchemaShapes
{
    /// <summary>The declared shape of an entity type, or null when the schema does not declare it.</summary>
    /// <param name="entityType">A fully qualified entity type name, for example <c>NS::User</c>.</param>
    EntityShape? FindEntityType(string entityType);

    /// <summary>The declared shape of an action, or null when the schema does not declare it.</summary>
    /// <param name="actionType">The action's fully qualified entity type, for example <c>NS::Action</c>.</param>
    /// <param name="actionId">The action's id.</param>
    ActionShape? FindAction(string actionType, string actionId);

    /// <summary>Every action the schema declares (schema-directed parsing adds them as entities with their groups as parents).</summary>
    IEnumerable<ActionShape> Actions { get; }
}

/// <summary>The declared shape of an entity type.</summary>
/// <param name="Name">Fully qualified type name.</param>
/// <param name="Attributes">Declared attributes.</param>
/// <param name="Tags">The tag value type, or null when the type declares no tags.</param>
/// <param name="MemberOfTypes">Fully qualified types this type's entities may have as parents.</param>
/// <param name="EnumIds">For an enumerated entity type, the only valid ids; otherwise null.</param>
public sealed record EntityShape(
    string Name,
    RecordType Attributes,
    CedarType? Tags,
    IReadOnlyList<string> MemberOfTypes,
    IReadOnlyList<string>? EnumIds);

/// <summary>The declared shape of an action.</summary>
/// <param name="Type">The action's fully qualified entity type (<c>Action</c> or <c>NS::Action</c>).</param>
/// <param name="Id">The action id.</param>
/// <param name="MemberOf">Action groups this action belongs to, as (type, id).</param>
/// <param name="PrincipalTypes">Fully qualified principal types in <c>appliesTo</c>.</param>
/// <param name="ResourceTypes">Fully qualified resource types in <c>appliesTo</c>.</param>
/// <param name="Context">The context record type.</param>
public sealed record ActionShape(
    string Type,
    string Id,
    IReadOnlyList<(string Type, string Id)> MemberOf,
    IReadOnlyList<string> PrincipalTypes,
    IReadOnlyList<string> ResourceTypes,
    RecordType Context);
