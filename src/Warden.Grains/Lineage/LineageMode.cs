namespace Warden.Grains.Lineage;

/// <summary>How decisions and lifecycle events reach the lineage log (<c>Warden:Lineage:Durability</c>).</summary>
public enum LineageMode
{
    /// <summary>A decision is durable in the log before the agent receives it (group commit). The default.</summary>
    Durable = 0,

    /// <summary>Records are queued and committed shortly after the answer: faster, but a crash loses the queued tail.</summary>
    Async = 1,

    /// <summary>No lineage is recorded at all (benchmarks, throwaway nodes).</summary>
    Off = 2,
}
