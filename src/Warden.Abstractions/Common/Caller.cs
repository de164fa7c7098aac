namespace Warden;

/// <summary>Who is calling, as the edge authenticated them. Grains check it; they never authenticate.</summary>
/// <param name="Kind">Agent or operator.</param>
/// <param name="Id">
/// For an agent, its agent id (the tenant is the one in the addressed grain's key: an agent never reaches another
/// tenant's grains). For an operator, a stable name for audit: an operator credential id, or the cluster
/// administrator's name.
/// </param>
[GenerateSerializer, Immutable, Alias("warden.Caller")]
public sealed record Caller([property: Id(0)] CallerKind Kind, [property: Id(1)] string Id)
{
    /// <summary>An authenticated agent of the addressed tenant.</summary>
    /// <param name="agentId">The agent id.</param>
    public static Caller Agent(string agentId) => new(CallerKind.Agent, agentId);

    /// <summary>An authenticated operator of the addressed tenant (or the cluster administrator).</summary>
    /// <param name="operatorId">A stable name for audit records.</param>
    public static Caller Operator(string operatorId) => new(CallerKind.Operator, operatorId);

    /// <summary>Warden itself (timers, reminders, fan-out).</summary>
    public static Caller System { get; } = new(CallerKind.System, "warden");

    /// <inheritdoc />
    public override string ToString() => $"{Kind.ToString().ToLowerInvariant()}:{Id}";
}

/// <summary>The kinds of caller.</summary>
public enum CallerKind
{
    /// <summary>An agent authenticated by its agent credential.</summary>
    Agent = 0,

    /// <summary>An operator authenticated by a tenant operator credential or the cluster administrator credential.</summary>
    Operator = 1,

    /// <summary>Warden itself.</summary>
    System = 2,
}
