using System.Collections.Immutable;
using Warden.Policy.Types;

namespace Warden.Policy.Tests.Support;

/// <summary>A hand-built <see cref="ISchemaShapes"/> for tests: entity types and actions declared in code.</summary>
internal sealed class TestSchemaShapes : ISchemaShapes
{
    private readonly Dictionary<string, EntityShape> _entities = new(StringComparer.Ordinal);
    private readonly Dictionary<(string, string), ActionShape> _actions = [];

    public IEnumerable<ActionShape> Actions => _actions.Values;

    public static RecordType Record(params (string Name, CedarType Type, bool Required)[] attributes) =>
        new(attributes.ToImmutableSortedDictionary(a => a.Name, a => new AttributeType(a.Type, a.Required), StringComparer.Ordinal));

    public static (string, CedarType, bool) Required(string name, CedarType type) => (name, type, true);

    public static (string, CedarType, bool) Optional(string name, CedarType type) => (name, type, false);

    public TestSchemaShapes Entity(string name, RecordType? attributes = null, string[]? memberOf = null, CedarType? tags = null, string[]? enumIds = null)
    {
        _entities[name] = new EntityShape(name, attributes ?? RecordType.Empty, tags, memberOf ?? [], enumIds);
        return this;
    }

    public TestSchemaShapes Action(string id, RecordType? context = null, string[]? memberOf = null, string[]? principals = null, string[]? resources = null, string type = "Action")
    {
        _actions[(type, id)] = new ActionShape(type, id, [.. (memberOf ?? []).Select(g => (type, g))], principals ?? [], resources ?? [], context ?? RecordType.Empty);
        return this;
    }

    public EntityShape? FindEntityType(string entityType) => _entities.GetValueOrDefault(entityType);

    public ActionShape? FindAction(string actionType, string actionId) => _actions.GetValueOrDefault((actionType, actionId));
}
