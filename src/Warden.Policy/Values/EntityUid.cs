using System.Text;

namespace Warden.Policy.Values;

/// <summary>
/// The unique identifier of a Cedar entity: a fully qualified entity type (<c>NS::User</c>) and an id
/// (any string, including the empty string and <c>\0</c>).
/// </summary>
/// <remarks>Immutable; equality is ordinal on type and id; the hash is computed once.</remarks>
public sealed class EntityUid : IEquatable<EntityUid>
{
    private readonly int _hash;

    /// <summary>Creates a uid, checking that <paramref name="type"/> is a well-formed Cedar entity type name.</summary>
    /// <param name="type">The fully qualified type: identifiers joined by <c>::</c>, no whitespace.</param>
    /// <param name="id">The entity id.</param>
    /// <exception cref="ArgumentException">The type is not a valid Cedar name.</exception>
    public EntityUid(string type, string id)
        : this(ValidateType(type), id ?? throw new ArgumentNullException(nameof(id)), trusted: true)
    {
    }

    internal EntityUid(string type, string id, bool trusted)
    {
        _ = trusted;
        Type = type;
        Id = id;
        _hash = HashCode.Combine(StringComparer.Ordinal.GetHashCode(type), StringComparer.Ordinal.GetHashCode(id));
    }

    /// <summary>The fully qualified entity type, for example <c>Warden::Agent</c>.</summary>
    public string Type { get; }

    /// <summary>The entity id.</summary>
    public string Id { get; }

    /// <summary>True when the type's last component is <c>Action</c> (<c>Action</c> or <c>NS::Action</c>).</summary>
    public bool IsAction => IsActionType(Type);

    /// <summary>True when <paramref name="type"/> names an action entity type (<c>Action</c> or <c>NS::Action</c>).</summary>
    /// <param name="type">A fully qualified entity type.</param>
    public static bool IsActionType(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        return type == "Action" || type.EndsWith("::Action", StringComparison.Ordinal);
    }

    /// <inheritdoc />
    public bool Equals(EntityUid? other) =>
        other is not null
        && (ReferenceEquals(this, other)
            || (_hash == other._hash
                && string.Equals(Id, other.Id, StringComparison.Ordinal)
                && string.Equals(Type, other.Type, StringComparison.Ordinal)));

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is EntityUid other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => _hash;

    /// <summary>Ordinal equality of two uids.</summary>
    /// <param name="left">The left uid.</param>
    /// <param name="right">The right uid.</param>
    public static bool operator ==(EntityUid? left, EntityUid? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Ordinal inequality of two uids.</summary>
    /// <param name="left">The left uid.</param>
    /// <param name="right">The right uid.</param>
    public static bool operator !=(EntityUid? left, EntityUid? right) => !(left == right);

    /// <summary>The uid in Cedar syntax: <c>NS::User::"alice"</c>.</summary>
    public override string ToString()
    {
        var builder = new StringBuilder(Type.Length + Id.Length + 4);
        builder.Append(Type).Append("::");
        CedarStrings.AppendQuoted(builder, Id);
        return builder.ToString();
    }

    private static string ValidateType(string type)
    {
        ArgumentNullException.ThrowIfNull(type);
        if (!Syntax.CedarNames.IsValidName(type))
        {
            throw new ArgumentException($"`{type}` is not a valid Cedar entity type name", nameof(type));
        }

        return type;
    }
}
