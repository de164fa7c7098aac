namespace Warden.Grains.Lineage;

/// <summary>How a silo records lineage (configuration section <c>Warden:Lineage</c>).</summary>
public sealed class WardenLineageOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Warden:Lineage";

    /// <summary>The largest redacted tool-argument context kept in a record; larger ones keep only their digest.</summary>
    public const int MaxStoredContextLength = 16 * 1024;

    /// <summary><c>Durable</c> (default), <c>Async</c> or <c>Off</c>.</summary>
    public LineageMode Durability { get; set; } = LineageMode.Durable;

    /// <summary>
    /// JSONPaths (a small subset, see <c>SensitivePaths</c>) into the decision context <c>{"input": {tool arguments}}</c>
    /// whose values are stored only as keyed hashes, e.g. <c>$.input.password</c>, <c>$.input.headers.authorization</c>.
    /// </summary>
    public List<string> SensitiveArguments { get; set; } = [];

    /// <summary>Whether the (redacted) tool arguments are kept in decision records; when false only their keyed digest is.</summary>
    public bool RecordArguments { get; set; } = true;

    /// <summary>
    /// The node's lineage context key (≥ 16 bytes, 32 random bytes recommended); per-tenant keys are derived from it. The
    /// host reads it from <c>Warden:Lineage:ContextKey</c> (base64) or a key file in the data folder. Never stored in
    /// the lineage log.
    /// </summary>
    public byte[]? ContextKey { get; set; }

    /// <summary>
    /// Whether this silo is the only one that can ever append to its lineage log (the embedded SQLite log: one node per
    /// data folder). Then decisions and lifecycle events append straight to the silo's <c>LineageWriter</c> instead of
    /// through the tenant's <see cref="ILineageWriterGrain"/> (no grain hop, no copy of the events). Never in a cluster:
    /// there the writer grain is what keeps one appender per tenant. Default false.
    /// </summary>
    public bool AppendInProcess { get; set; }

    /// <summary>
    /// Durable mode only: a session writes its state behind its decisions (the lineage log is its journal) once this
    /// many decisions are unwritten. Lifecycle changes still write at once. Default 256.
    /// </summary>
    public int StateWriteBehindDecisions { get; set; } = 256;

    /// <summary>Durable mode only: the longest a session's state stays behind its journal while it is active. Default 1 s.</summary>
    public TimeSpan StateWriteBehindDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Group commit under load (<c>LineageWriterOptions.CommitDelay</c>): when the previous commit held at least
    /// <see cref="CommitDelayFromRecords"/> records, the lineage writer waits this long before it takes the next batch, so
    /// the appends arriving meanwhile share one commit. Less writer CPU per record, up to this much more latency per
    /// decision under load, and fewer decisions per second where few sessions each wait for their commit (measured at the
    /// evaluate stream's 8 agents × 64: docs/benchmarks.md). Zero never waits; at most 1 s. Default zero.
    /// </summary>
    public TimeSpan CommitDelay { get; set; }

    /// <summary>The previous commit's size, in records, from which <see cref="CommitDelay"/> applies (at least 1). Default 64.</summary>
    public int CommitDelayFromRecords { get; set; } = 64;

    /// <summary>
    /// Durable mode only: whether a deactivating session writes its state (default true). Replay from lineage makes the
    /// state whole either way; false only makes the next activation replay more (tests use it to stand in for a crash).
    /// </summary>
    public bool WriteStateOnDeactivation { get; set; } = true;
}
