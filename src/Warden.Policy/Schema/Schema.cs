using System.Collections.Frozen;
using System.Collections.Immutable;
using System.Diagnostics.CodeAnalysis;
using Warden.Policy.Types;

namespace Warden.Policy.Schemas;

/// <summary>
/// A Cedar schema: the entity types and actions of an application, every name fully qualified and every common type
/// inlined. Immutable and safe to share between threads.
/// </summary>
/// <remarks>
/// Read one with <see cref="Parse"/> (the Cedar <c>.cedarschema</c> format) or <see cref="ParseJson"/> (the JSON
/// format). Bad input raises <see cref="SchemaException"/> naming the line and column; it never crashes, overflows
/// the stack or hangs (nesting, inlined type size and hierarchy size are bounded).
/// </remarks>
public sealed class Schema : ISchemaShapes
{
    // Frozen: every request looks up its principal, resource and action types here, several times.
    private readonly FrozenDictionary<string, SchemaEntityType> _entityTypes;
    private readonly FrozenDictionary<(string Type, string Id), SchemaAction> _actions;

    internal Schema(ImmutableDictionary<string, SchemaEntityType> entityTypes, ImmutableDictionary<(string Type, string Id), SchemaAction> actions)
    {
        _entityTypes = entityTypes.ToFrozenDictionary(entityTypes.KeyComparer);
        _actions = actions.ToFrozenDictionary(actions.KeyComparer);
        HasEnumeratedTypes = entityTypes.Values.Any(e => e.IsEnum);
        EntityTypes = [.. entityTypes.Values.OrderBy(e => e.Name, StringComparer.Ordinal)];
        ActionDeclarations = [.. actions.Values.OrderBy(a => a.Type, StringComparer.Ordinal).ThenBy(a => a.Id, StringComparer.Ordinal)];
        ActionTypes = [.. actions.Keys.Select(k => k.Type).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    /// <summary>The schema that declares nothing.</summary>
    public static Schema Empty { get; } = new(
        ImmutableDictionary.Create<string, SchemaEntityType>(StringComparer.Ordinal),
        ImmutableDictionary<(string Type, string Id), SchemaAction>.Empty);

    /// <summary>True when some declared entity type is enumerated (lists its ids); only then can a uid be of an unlisted id.</summary>
    public bool HasEnumeratedTypes { get; }

    /// <summary>Every declared entity type, by name in ordinal order.</summary>
    public ImmutableArray<SchemaEntityType> EntityTypes { get; }

    /// <summary>Every declared action, by type then id in ordinal order.</summary>
    public ImmutableArray<SchemaAction> ActionDeclarations { get; }

    /// <summary>The action entity types in use (<c>Action</c>, <c>NS::Action</c>, …), in ordinal order.</summary>
    public ImmutableArray<string> ActionTypes { get; }

    /// <inheritdoc />
    public IEnumerable<ActionShape> Actions => ActionDeclarations.Select(a => a.Shape);

    /// <summary>Reads a schema in the Cedar format.</summary>
    /// <param name="text">The <c>.cedarschema</c> text.</param>
    /// <exception cref="SchemaException">The text is not a valid schema; the exception names the line and column.</exception>
    public static Schema Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return SchemaBuilder.Build(CedarSchemaParser.Parse(text));
    }

    /// <summary>Reads a schema in the Cedar format without throwing.</summary>
    /// <param name="text">The <c>.cedarschema</c> text.</param>
    /// <param name="schema">The schema, when the text is valid.</param>
    /// <param name="error">Why it is not, otherwise.</param>
    /// <returns>True when the text is a valid schema.</returns>
    public static bool TryParse(string text, [NotNullWhen(true)] out Schema? schema, [NotNullWhen(false)] out SchemaException? error)
    {
        try
        {
            schema = Parse(text);
            error = null;
            return true;
        }
        catch (SchemaException e)
        {
            schema = null;
            error = e;
            return false;
        }
    }

    /// <summary>Reads a schema in the JSON format (<c>{"Namespace": {"entityTypes": …, "actions": …, "commonTypes": …}}</c>).</summary>
    /// <param name="json">The JSON text.</param>
    /// <exception cref="SchemaException">The JSON is not a valid schema; the exception names the line and column where known.</exception>
    public static Schema ParseJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        return SchemaBuilder.Build(JsonSchemaReader.Read(json));
    }

    /// <summary>The entity type named <paramref name="name"/> (fully qualified), or null when not declared.</summary>
    public SchemaEntityType? GetEntityType(string name) => _entityTypes.GetValueOrDefault(name);

    /// <summary>The action <paramref name="type"/>::"<paramref name="id"/>", or null when not declared.</summary>
    public SchemaAction? GetAction(string type, string id) => _actions.GetValueOrDefault((type, id));

    /// <inheritdoc />
    public EntityShape? FindEntityType(string entityType) => GetEntityType(entityType)?.Shape;

    /// <inheritdoc />
    public ActionShape? FindAction(string actionType, string actionId) => GetAction(actionType, actionId)?.Shape;
}
