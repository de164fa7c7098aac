namespace Warden.Policy.Values;

/// <summary>The kind of a <see cref="CedarValue"/>: one of Cedar's value types.</summary>
public enum CedarValueKind : byte
{
    /// <summary>The default value of <see cref="CedarValue"/>: not a Cedar value. Never produced by evaluation.</summary>
    None = 0,

    /// <summary>A Cedar <c>Bool</c>.</summary>
    Bool,

    /// <summary>A Cedar <c>Long</c> (signed 64-bit integer).</summary>
    Long,

    /// <summary>A Cedar <c>String</c>.</summary>
    String,

    /// <summary>An entity reference (<see cref="EntityUid"/>).</summary>
    Entity,

    /// <summary>A Cedar <c>Set</c> (<see cref="CedarSet"/>).</summary>
    Set,

    /// <summary>A Cedar record (<see cref="CedarRecord"/>).</summary>
    Record,

    /// <summary>A <c>decimal</c> extension value: a fixed-point number with four fractional digits.</summary>
    Decimal,

    /// <summary>An <c>ipaddr</c> extension value (<see cref="Extensions.IpAddress"/>).</summary>
    IpAddr,

    /// <summary>A <c>datetime</c> extension value: milliseconds since the Unix epoch.</summary>
    Datetime,

    /// <summary>A <c>duration</c> extension value: a signed number of milliseconds.</summary>
    Duration,
}
