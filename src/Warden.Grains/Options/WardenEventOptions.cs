namespace Warden.Grains.Options;

/// <summary>
/// What Warden publishes to its Orleans event streams (<c>Warden.Events.WardenStreams</c>). Bound from configuration
/// section <see cref="SectionName"/> by the host (or configured in code).
/// </summary>
public sealed class WardenEventOptions
{
    /// <summary>The configuration section the host binds.</summary>
    public const string SectionName = "Warden:Events";

    /// <summary>
    /// Whether a session's <c>DecisionEvent</c>s are also published to its own session stream. Default <c>false</c>:
    /// decisions go to the tenant stream only, and a session stream carries its lifecycle events (opened, grants
    /// issued, approvals requested and decided, policy adopted, ended). Every published event is encoded, queued,
    /// copied and cached per stream whether or not anyone subscribes: at 32 agents, decisions on both streams were 11 %
    /// of the host's CPU samples, on the tenant stream only 5 %: about 5–10 µs of host CPU per unary decision
    /// (<c>docs/benchmarks.md</c>). Turn it on
    /// only for in-cluster subscribers that read a session's decisions from its session stream; others filter the
    /// tenant stream by session id, or use the lineage session feed (gRPC <c>Watch</c>, SSE).
    /// </summary>
    public bool SessionStreamDecisions { get; set; }
}
