using System.Text;

namespace Warden.Policy.Tests.Differential.Generation;

/// <summary>A schema type in the generator's model of a schema (printed in the Cedar schema format).</summary>
internal abstract record SType
{
    /// <summary>The type in the Cedar schema format.</summary>
    public abstract string Print();
}

/// <summary><c>Bool</c>, <c>Long</c> or <c>String</c>.</summary>
internal sealed record SPrimitive(GenType Kind) : SType
{
    /// <inheritdoc />
    public override string Print() => Kind switch
    {
        GenType.Bool => "Bool",
        GenType.Long => "Long",
        _ => "String",
    };
}

/// <summary>An entity type reference (qualified name).</summary>
internal sealed record SEntityRef(string Name) : SType
{
    /// <inheritdoc />
    public override string Print() => Name;
}

/// <summary><c>ipaddr</c>, <c>decimal</c>, <c>datetime</c> or <c>duration</c>.</summary>
internal sealed record SExtension(GenType Kind, bool Qualified) : SType
{
    /// <summary>The extension type's name.</summary>
    public string Name => Kind switch
    {
        GenType.Ip => "ipaddr",
        GenType.Decimal => "decimal",
        GenType.Datetime => "datetime",
        _ => "duration",
    };

    /// <inheritdoc />
    public override string Print() => (Qualified ? "__cedar::" : "") + Name;
}

/// <summary><c>Set&lt;T&gt;</c>.</summary>
internal sealed record SSet(SType Element) : SType
{
    /// <inheritdoc />
    public override string Print() => "Set<" + Element.Print() + ">";
}

/// <summary>A record type; <see cref="CommonName"/> set when it is printed as a reference to a common type.</summary>
internal sealed record SRecord(IReadOnlyList<SAttribute> Attributes, string? CommonName = null) : SType
{
    /// <inheritdoc />
    public override string Print() => CommonName ?? PrintBody();

    /// <summary>The record type written out.</summary>
    public string PrintBody() => "{" + string.Join(", ", Attributes.Select(a => a.Print())) + "}";
}

/// <summary>An attribute of a record or entity type.</summary>
internal sealed record SAttribute(string Name, SType Type, bool Required, bool BareReserved = false)
{
    /// <summary><c>name?: Type</c>, the name quoted unless it is an identifier (or a reserved word printed bare on purpose).</summary>
    public string Print() =>
        (CedarText.IsIdentifier(Name) || BareReserved ? Name : CedarText.Quote(Name)) + (Required ? "" : "?") + ": " + Type.Print();
}

/// <summary>An entity type declaration.</summary>
internal sealed record SEntityType(string Name, IReadOnlyList<string> Parents, IReadOnlyList<SAttribute> Attributes, SType? Tags, IReadOnlyList<string>? EnumIds, bool EqualsSign)
{
    /// <summary>The local name (inside its namespace).</summary>
    public string LocalName => Name.Contains("::", StringComparison.Ordinal) ? Name[(Name.LastIndexOf(':') + 1)..] : Name;

    /// <summary>The declaration in the Cedar schema format.</summary>
    public string Print()
    {
        var sb = new StringBuilder("entity ").Append(LocalName);
        if (EnumIds is not null)
        {
            return sb.Append(" enum [").Append(string.Join(", ", EnumIds.Select(id => CedarText.Quote(id)))).Append("];").ToString();
        }

        if (Parents.Count > 0)
        {
            sb.Append(" in [").Append(string.Join(", ", Parents)).Append(']');
        }

        if (Attributes.Count > 0 || EqualsSign)
        {
            sb.Append(EqualsSign ? " = " : " ").Append('{').Append(string.Join(", ", Attributes.Select(a => a.Print()))).Append('}');
        }

        if (Tags is not null)
        {
            sb.Append(" tags ").Append(Tags.Print());
        }

        return sb.Append(';').ToString();
    }
}

/// <summary>An action declaration.</summary>
internal sealed record SAction(string Id, IReadOnlyList<string> Groups, IReadOnlyList<string>? Principals, IReadOnlyList<string>? Resources, SRecord? Context)
{
    /// <summary>The declaration in the Cedar schema format.</summary>
    public string Print()
    {
        static string Name(string id) => CedarText.IsIdentifier(id) ? id : CedarText.Quote(id);
        var sb = new StringBuilder("action ").Append(Name(Id));
        if (Groups.Count > 0)
        {
            sb.Append(" in [").Append(string.Join(", ", Groups.Select(Name))).Append(']');
        }

        if (Principals is not null && Resources is not null)
        {
            sb.Append(" appliesTo {\n    principal: [").Append(string.Join(", ", Principals))
              .Append("],\n    resource: [").Append(string.Join(", ", Resources)).Append(']');
            if (Context is not null)
            {
                sb.Append(",\n    context: ").Append(Context.Print());
            }

            sb.Append("\n  }");
        }

        return sb.Append(';').ToString();
    }
}

/// <summary>A whole schema: a common type, entity types (some in the <c>Org</c> namespace) and actions.</summary>
internal sealed record SchemaModel(SRecord? Profile, IReadOnlyList<SEntityType> EntityTypes, IReadOnlyList<SAction> Actions)
{
    /// <summary>The declarations, one string each (the <c>Org</c> namespace is one block).</summary>
    public List<string> Declarations()
    {
        var decls = new List<string>();
        if (Profile is not null)
        {
            decls.Add("type Profile = " + Profile.PrintBody() + ";");
        }

        decls.AddRange(EntityTypes.Where(t => !t.Name.StartsWith("Org::", StringComparison.Ordinal)).Select(t => t.Print()));
        var org = EntityTypes.Where(t => t.Name.StartsWith("Org::", StringComparison.Ordinal)).ToList();
        if (org.Count > 0)
        {
            decls.Add("namespace Org {\n  " + string.Join("\n  ", org.Select(t => t.Print())) + "\n}");
        }

        decls.AddRange(Actions.Select(a => a.Print()));
        return decls;
    }

    /// <summary>The declared entity type called <paramref name="name"/>, or null.</summary>
    public SEntityType? Find(string name) => EntityTypes.FirstOrDefault(t => t.Name == name);
}
