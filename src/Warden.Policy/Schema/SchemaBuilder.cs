using System.Collections.Frozen;
using System.Collections.Immutable;
using Warden.Policy.Types;

namespace Warden.Policy.Schemas;

/// <summary>
/// Turns declarations (from either schema format) into a <see cref="Schema"/>, applying Cedar's rules:
/// declarations in the empty namespace merge; a namespace, entity type, common type or action declared twice is an
/// error; nothing may shadow a declaration of the empty namespace (RFC 70); a name written inside namespace
/// <c>N</c> resolves to <c>N::X</c> if declared, else to <c>X</c> in the empty namespace, trying a common type
/// before an entity type at each step; <c>Bool</c>, <c>Long</c>, <c>String</c> and the extension types are
/// common types of the empty namespace unless the schema declares those names there (<c>__cedar::X</c> always
/// names the built-in); common types are inlined, and a cycle among them is an error; the action hierarchy must
/// be acyclic.
/// </summary>
internal sealed class SchemaBuilder
{
    /// <summary>Most fully inlined type nodes one declaration may expand to (common types can otherwise expand exponentially).</summary>
    public const int MaxExpandedTypeSize = 100_000;

    /// <summary>Most nesting a fully inlined type may have.</summary>
    public const int MaxExpandedTypeDepth = 256;

    /// <summary>Work allowed for computing the entity and action hierarchies' transitive closures.</summary>
    public const long MaxHierarchyWork = 50_000_000;

    private const string CedarNamespace = "__cedar";

    private static readonly FrozenDictionary<string, CedarType> Builtins = new Dictionary<string, CedarType>
    {
        ["Bool"] = BoolType.Instance,
        ["Long"] = LongType.Instance,
        ["String"] = StringType.Instance,
        ["ipaddr"] = ExtensionType.IpAddr,
        ["decimal"] = ExtensionType.Decimal,
        ["datetime"] = ExtensionType.Datetime,
        ["duration"] = ExtensionType.Duration,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    // Cedar forbids these as common type names in both formats (they are JSON schema type keywords).
    private static readonly FrozenSet<string> ReservedCommonTypeNames =
        new[] { "Bool", "Boolean", "Entity", "Extension", "Long", "Record", "Set", "String" }.ToFrozenSet(StringComparer.Ordinal);

    private readonly Dictionary<string, Declared<EntityDeclaration>> _entities = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Declared<CommonTypeDeclaration>> _commonTypes = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Type, string Id), Declared<ActionDeclaration>> _actions = [];
    private readonly HashSet<string> _entityDefinitions = new(StringComparer.Ordinal);
    private readonly HashSet<string> _commonDefinitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CedarType> _resolvedCommonTypes = new(StringComparer.Ordinal);

    private SchemaBuilder()
    {
    }

    /// <summary>Builds a schema from declarations.</summary>
    /// <exception cref="SchemaException">The declarations break one of Cedar's rules.</exception>
    public static Schema Build(IReadOnlyList<NamespaceDeclaration> namespaces)
    {
        var builder = new SchemaBuilder();
        builder.Declare(namespaces);
        builder.CheckShadowing();
        builder.AddBuiltins();
        builder.ResolveCommonTypes();
        return builder.Assemble();
    }

    private static string Qualify(string? ns, string name) => ns is null ? name : $"{ns}::{name}";

    private static string Basename(string name)
    {
        var i = name.LastIndexOf("::", StringComparison.Ordinal);
        return i < 0 ? name : name[(i + 2)..];
    }

    private void Declare(IReadOnlyList<NamespaceDeclaration> namespaces)
    {
        var seenNamespaces = new HashSet<string>(StringComparer.Ordinal);
        foreach (var ns in namespaces)
        {
            string? prefix = null;
            if (ns.Name is not null)
            {
                if (ns.Name.Parts.Contains(CedarNamespace))
                {
                    throw ns.Name.Position.Error($"`{ns.Name}` is reserved: `{CedarNamespace}` may not appear in a namespace name");
                }

                prefix = ns.Name.ToString();
                if (!seenNamespaces.Add(prefix))
                {
                    throw ns.Name.Position.Error($"namespace `{prefix}` is declared twice");
                }
            }

            foreach (var entity in ns.EntityTypes)
            {
                if (entity.Name == CedarNamespace)
                {
                    throw entity.Position.Error($"`{CedarNamespace}` is reserved and cannot name an entity type");
                }

                if (entity.Name == "Action")
                {
                    throw entity.Position.Error("`Action` cannot be declared as an entity type; it is the type of actions");
                }

                var name = Qualify(prefix, entity.Name);
                if (!_entities.TryAdd(name, new Declared<EntityDeclaration>(entity, prefix)))
                {
                    throw entity.Position.Error($"entity type `{name}` is declared twice");
                }
            }

            foreach (var common in ns.CommonTypes)
            {
                if (common.Name == CedarNamespace)
                {
                    throw common.Position.Error($"`{CedarNamespace}` is reserved and cannot name a common type");
                }

                if (ReservedCommonTypeNames.Contains(common.Name))
                {
                    throw common.Position.Error($"`{common.Name}` is a reserved type name and cannot name a common type");
                }

                var name = Qualify(prefix, common.Name);
                if (!_commonTypes.TryAdd(name, new Declared<CommonTypeDeclaration>(common, prefix)))
                {
                    throw common.Position.Error($"common type `{name}` is declared twice");
                }
            }

            foreach (var action in ns.Actions)
            {
                if (action.DeclaresAttributes)
                {
                    throw action.Position.Error($"action `{action.Name}` declares attributes, which Cedar does not support");
                }

                var key = (Qualify(prefix, "Action"), action.Name);
                if (!_actions.TryAdd(key, new Declared<ActionDeclaration>(action, prefix)))
                {
                    throw action.Position.Error($"action `{key.Item1}::\"{action.Name}\"` is declared twice");
                }
            }
        }

        _entityDefinitions.UnionWith(_entities.Keys);
        _commonDefinitions.UnionWith(_commonTypes.Keys);
    }

    private void CheckShadowing()
    {
        // RFC 70: a declaration in a namespace may not share its basename with an entity or common type declared in
        // the empty namespace (an entity type and a common type of the same name in one namespace are allowed).
        var qualified = new Dictionary<string, (string Name, SourcePosition Position)>(StringComparer.Ordinal);
        foreach (var (name, entity) in _entities)
        {
            if (entity.Namespace is not null)
            {
                qualified.TryAdd(entity.Declaration.Name, (name, entity.Declaration.Position));
            }
        }

        foreach (var (name, common) in _commonTypes)
        {
            if (common.Namespace is not null)
            {
                qualified.TryAdd(common.Declaration.Name, (name, common.Declaration.Position));
            }
        }

        foreach (var unqualified in _entities.Where(e => e.Value.Namespace is null).Select(e => e.Key)
                     .Concat(_commonTypes.Where(c => c.Value.Namespace is null).Select(c => c.Key))
                     .Order(StringComparer.Ordinal))
        {
            if (qualified.TryGetValue(unqualified, out var shadow))
            {
                throw shadow.Position.Error($"`{shadow.Name}` shadows `{unqualified}` declared in the empty namespace");
            }
        }

        var emptyNamespaceActions = _actions.Where(a => a.Value.Namespace is null).Select(a => a.Key.Id).ToHashSet(StringComparer.Ordinal);
        foreach (var ((type, id), action) in _actions)
        {
            if (action.Namespace is not null && emptyNamespaceActions.Contains(id))
            {
                throw action.Declaration.Position.Error($"action `{type}::\"{id}\"` shadows `Action::\"{id}\"` declared in the empty namespace");
            }
        }
    }

    private void AddBuiltins()
    {
        foreach (var (name, type) in Builtins)
        {
            var internalName = $"{CedarNamespace}::{name}";
            _commonDefinitions.Add(internalName);
            _resolvedCommonTypes[internalName] = type;

            // The bare name aliases the built-in unless the schema declares that name in the empty namespace.
            if (!_entityDefinitions.Contains(name) && !_commonDefinitions.Contains(name))
            {
                _commonDefinitions.Add(name);
                _resolvedCommonTypes[name] = type;
            }
        }

        // Each namespace that declares actions gets its `Action` entity type, so attributes may have type `Action`.
        foreach (var (type, _) in _actions.Keys)
        {
            _entityDefinitions.Add(type);
        }
    }

    private (string Name, bool IsCommon) Resolve(SchemaName name, string? ns, ReferenceKind kind)
    {
        var written = name.ToString();
        var candidates = name.IsQualified || ns is null ? [written] : new[] { Qualify(ns, written), written };
        foreach (var candidate in candidates)
        {
            if (kind != ReferenceKind.Entity && _commonDefinitions.Contains(candidate))
            {
                return (candidate, true);
            }

            if (kind != ReferenceKind.Common && _entityDefinitions.Contains(candidate))
            {
                return (candidate, false);
            }
        }

        var what = kind switch
        {
            ReferenceKind.Common => "a common type",
            ReferenceKind.Entity => "an entity type",
            _ => "a common or entity type",
        };
        var tried = candidates.Length == 1 ? $"`{candidates[0]}` is not" : $"neither `{candidates[0]}` nor `{candidates[1]}` is";
        throw name.Position.Error($"undeclared type `{written}`: {tried} declared as {what}");
    }

    private void ResolveCommonTypes()
    {
        // Kahn's algorithm over the user's common types: a type is inlined once everything it names is. Whatever is
        // left at the end is on a cycle. Iterative, so a long chain of aliases cannot exhaust the stack.
        var pending = new Dictionary<string, int>(StringComparer.Ordinal);
        var dependents = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var ready = new Queue<string>();
        foreach (var (name, common) in _commonTypes)
        {
            var dependencies = new HashSet<string>(StringComparer.Ordinal);
            CollectCommonReferences(common.Declaration.Type, common.Namespace, dependencies);
            dependencies.RemoveWhere(_resolvedCommonTypes.ContainsKey);
            pending[name] = dependencies.Count;
            foreach (var dependency in dependencies)
            {
                if (!dependents.TryGetValue(dependency, out var list))
                {
                    dependents[dependency] = list = [];
                }

                list.Add(name);
            }

            if (dependencies.Count == 0)
            {
                ready.Enqueue(name);
            }
        }

        while (ready.TryDequeue(out var name))
        {
            var common = _commonTypes[name];
            _resolvedCommonTypes[name] = CheckSize(ToType(common.Declaration.Type, common.Namespace), common.Declaration.Position, $"common type `{name}`");
            if (dependents.TryGetValue(name, out var list))
            {
                foreach (var dependent in list)
                {
                    if (--pending[dependent] == 0)
                    {
                        ready.Enqueue(dependent);
                    }
                }
            }
        }

        var cyclic = _commonTypes.Where(c => !_resolvedCommonTypes.ContainsKey(c.Key))
            .OrderBy(c => c.Value.Declaration.Position.Line).ThenBy(c => c.Value.Declaration.Position.Column)
            .Select(c => c.Value.Declaration)
            .FirstOrDefault();
        if (cyclic is not null)
        {
            throw cyclic.Position.Error($"common type `{cyclic.Name}` is defined in terms of itself (a cycle among common types)");
        }
    }

    private void CollectCommonReferences(TypeSyntax type, string? ns, HashSet<string> into)
    {
        switch (type)
        {
            case NamedTypeSyntax named:
                var (name, isCommon) = Resolve(named.Name, ns, named.Kind);
                if (isCommon)
                {
                    into.Add(name);
                }

                break;
            case SetTypeSyntax set:
                CollectCommonReferences(set.Element, ns, into);
                break;
            case RecordTypeSyntax record:
                foreach (var attribute in record.Attributes)
                {
                    CollectCommonReferences(attribute.Type, ns, into);
                }

                break;
        }
    }

    private CedarType ToType(TypeSyntax type, string? ns)
    {
        switch (type)
        {
            case NamedTypeSyntax named:
                var (name, isCommon) = Resolve(named.Name, ns, named.Kind);
                return isCommon
                    ? _resolvedCommonTypes.TryGetValue(name, out var resolved)
                        ? resolved
                        : throw named.Position.Error($"common type `{name}` is used before it is resolved")
                    : new EntityType(name);
            case PrimitiveTypeSyntax primitive:
                return primitive.Type;
            case ExtensionTypeSyntax extension:
                return Builtins.TryGetValue(extension.Name, out var builtin) && builtin is ExtensionType
                    ? builtin
                    : throw extension.Position.Error($"unknown extension type `{extension.Name}`");
            case SetTypeSyntax set:
                return new SetType(ToType(set.Element, ns));
            case RecordTypeSyntax record:
                var attributes = ImmutableSortedDictionary.CreateBuilder<string, AttributeType>(StringComparer.Ordinal);
                foreach (var attribute in record.Attributes)
                {
                    // As in Cedar, an attribute written twice takes its last declaration.
                    attributes[attribute.Name] = new AttributeType(ToType(attribute.Type, ns), attribute.Required);
                }

                return new RecordType(attributes.ToImmutable(), record.AdditionalAttributes);
            default:
                throw type.Position.Error("unsupported type");
        }
    }

    private static CedarType CheckSize(CedarType type, SourcePosition position, string what)
    {
        var measured = new Dictionary<CedarType, (int Depth, long Size)>(ReferenceEqualityComparer.Instance);
        var (depth, size) = Measure(type, measured, 0);
        if (depth > MaxExpandedTypeDepth || size > MaxExpandedTypeSize)
        {
            throw position.Error($"{what} is too large once common types are inlined (more than {MaxExpandedTypeDepth} levels or {MaxExpandedTypeSize} nodes)");
        }

        return type;
    }

    private static (int Depth, long Size) Measure(CedarType type, Dictionary<CedarType, (int Depth, long Size)> measured, int level)
    {
        // INVARIANT: inlined types share sub-objects, so memoising by reference keeps this linear in the declarations
        // even when the expanded tree is exponential; the level cap keeps the recursion shallow.
        if (level > MaxExpandedTypeDepth)
        {
            return (level, MaxExpandedTypeSize + 1L);
        }

        if (measured.TryGetValue(type, out var known))
        {
            return known;
        }

        (int Depth, long Size) result = type switch
        {
            SetType set => Grow(Measure(set.Element, measured, level + 1)),
            RecordType record => record.Attributes.Values
                .Select(a => Measure(a.Type, measured, level + 1))
                .Aggregate((Depth: 0, Size: 0L), (acc, m) => (Math.Max(acc.Depth, m.Depth), Math.Min(acc.Size + m.Size, MaxExpandedTypeSize + 1L)), acc => (acc.Depth + 1, acc.Size + 1)),
            _ => (1, 1),
        };
        measured[type] = result;
        return result;

        static (int, long) Grow((int Depth, long Size) inner) => (inner.Depth + 1, Math.Min(inner.Size + 1, MaxExpandedTypeSize + 1L));
    }

    private Schema Assemble()
    {
        var entityTypes = new Dictionary<string, (EntityDeclaration Declaration, RecordType Attributes, CedarType? Tags, ImmutableArray<string> Parents)>(StringComparer.Ordinal);
        foreach (var (name, declared) in _entities)
        {
            var declaration = declared.Declaration;
            var attributes = RecordType.Empty;
            if (declaration.Shape is not null)
            {
                attributes = CheckSize(ToType(declaration.Shape, declared.Namespace), declaration.Position, $"the shape of entity type `{name}`") as RecordType
                    ?? throw declaration.Position.Error($"the shape of entity type `{name}` must be a record type");
            }

            CedarType? tags = declaration.Tags is null
                ? null
                : CheckSize(ToType(declaration.Tags, declared.Namespace), declaration.Tags.Position, $"the tags of entity type `{name}`");
            var parents = ImmutableSortedSet.CreateBuilder<string>(StringComparer.Ordinal);
            foreach (var parent in declaration.Parents)
            {
                parents.Add(ResolveDeclaredEntityType(parent, declared.Namespace));
            }

            entityTypes[name] = (declaration, attributes, tags, [.. parents]);
        }

        var actions = new Dictionary<(string Type, string Id), (ActionDeclaration Declaration, RecordType Context, ImmutableArray<string> Principals, ImmutableArray<string> Resources, ImmutableArray<(string Type, string Id)> Parents)>();
        foreach (var (key, declared) in _actions)
        {
            var declaration = declared.Declaration;
            var context = RecordType.Empty;
            var principals = ImmutableArray<string>.Empty;
            var resources = ImmutableArray<string>.Empty;
            if (declaration.AppliesTo is { } appliesTo)
            {
                if (appliesTo.Context is not null)
                {
                    context = CheckSize(ToType(appliesTo.Context, declared.Namespace), appliesTo.Context.Position, $"the context of action `{key.Id}`") as RecordType
                        ?? throw appliesTo.Context.Position.Error($"the context of action `{key.Id}` must be a record type");
                }

                principals = [.. appliesTo.Principals.Select(p => ResolveDeclaredEntityType(p, declared.Namespace)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
                resources = [.. appliesTo.Resources.Select(r => ResolveDeclaredEntityType(r, declared.Namespace)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
            }

            var parents = declaration.Parents.Select(p => ResolveAction(p, declared.Namespace)).Distinct().ToImmutableArray();
            actions[key] = (declaration, context, principals, resources, parents);
        }

        var entityDescendants = Closure(entityTypes.Keys, name => entityTypes[name].Parents, StringComparer.Ordinal, out _, out _);
        var actionDescendants = Closure(actions.Keys, key => actions[key].Parents, EqualityComparer<(string Type, string Id)>.Default, out var hasCycle, out var cycle);
        if (hasCycle)
        {
            throw actions[cycle].Declaration.Position.Error($"action `{cycle.Type}::\"{cycle.Id}\"` is in its own group (a cycle in the action hierarchy)");
        }

        var actionAncestors = actions.Keys.ToDictionary(k => k, _ => new HashSet<(string, string)>());
        foreach (var (group, members) in actionDescendants)
        {
            foreach (var member in members)
            {
                actionAncestors[member].Add(group);
            }
        }

        var builtEntities = entityTypes.ToImmutableDictionary(
            e => e.Key,
            e => new SchemaEntityType(
                e.Key,
                e.Value.Attributes,
                e.Value.Tags,
                e.Value.Parents,
                e.Value.Declaration.EnumIds,
                e.Value.Declaration.Annotations,
                entityDescendants[e.Key].ToImmutableHashSet(StringComparer.Ordinal)),
            StringComparer.Ordinal);
        var builtActions = actions.ToImmutableDictionary(
            a => a.Key,
            a => new SchemaAction(
                a.Key.Type,
                a.Key.Id,
                a.Value.Parents,
                a.Value.Principals,
                a.Value.Resources,
                a.Value.Context,
                a.Value.Declaration.AppliesTo is not null,
                a.Value.Declaration.Annotations,
                [.. actionDescendants[a.Key]],
                [.. actionAncestors[a.Key]]));
        return new Schema(builtEntities, builtActions);
    }

    private string ResolveDeclaredEntityType(SchemaName name, string? ns)
    {
        var (resolved, _) = Resolve(name, ns, ReferenceKind.Entity);
        return _entities.ContainsKey(resolved)
            ? resolved
            : throw name.Position.Error($"`{resolved}` is not a declared entity type (action types cannot be principals, resources or parents)");
    }

    private (string Type, string Id) ResolveAction(ActionReference reference, string? ns)
    {
        var written = reference.Type?.ToString() ?? "Action";
        var candidates = reference.Type is { IsQualified: true } || ns is null ? [written] : new[] { Qualify(ns, written), written };
        foreach (var candidate in candidates)
        {
            if (_actions.ContainsKey((candidate, reference.Id)))
            {
                return (candidate, reference.Id);
            }
        }

        throw reference.Position.Error($"undeclared action `{written}::\"{reference.Id}\"`");
    }

    private static Dictionary<T, HashSet<T>> Closure<T>(IEnumerable<T> nodes, Func<T, ImmutableArray<T>> parentsOf, IEqualityComparer<T> comparer, out bool hasCycle, out T? cycle)
        where T : notnull
    {
        // Descendants of each node: invert parent edges, then search from every node. The work budget bounds time
        // and memory on adversarial hierarchies (a long chain has a quadratic closure).
        hasCycle = false;
        cycle = default;
        var children = new Dictionary<T, List<T>>(comparer);
        var all = nodes.ToList();
        foreach (var node in all)
        {
            children.TryAdd(node, []);
        }

        foreach (var node in all)
        {
            foreach (var parent in parentsOf(node))
            {
                children[parent].Add(node);
            }
        }

        long work = 0;
        var result = new Dictionary<T, HashSet<T>>(comparer);
        foreach (var node in all)
        {
            var seen = new HashSet<T>(comparer);
            var stack = new Stack<T>(children[node]);
            while (stack.TryPop(out var next))
            {
                if (++work > MaxHierarchyWork)
                {
                    throw new SchemaException($"the entity or action hierarchy is too large to close (more than {MaxHierarchyWork} steps)");
                }

                if (seen.Add(next))
                {
                    foreach (var child in children[next])
                    {
                        stack.Push(child);
                    }
                }
            }

            if (!hasCycle && seen.Contains(node))
            {
                cycle = node;
                hasCycle = true;
            }

            result[node] = seen;
        }

        return result;
    }

    private sealed record Declared<T>(T Declaration, string? Namespace);
}
