using System.ComponentModel.DataAnnotations;

namespace Warden.Host.Hosting;

/// <summary>
/// The host's configuration, section <c>Warden</c> (appsettings, environment <c>Warden__GrpcPort</c>, or the command
/// line <c>--Warden:GrpcPort 5080</c> and the short switches in <see cref="CommandLineSwitches"/>).
/// </summary>
public sealed class WardenHostOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Warden";

    /// <summary>The address both endpoints listen on (default <c>127.0.0.1</c>: loopback only).</summary>
    [Required]
    public string ListenAddress { get; set; } = "127.0.0.1";

    /// <summary>Port of the HTTP/2-only gRPC endpoint (default 5080; 0 picks a free port).</summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 5080;

    /// <summary>Port of the HTTP/1.1 endpoint for <c>/healthz</c> and later HTTP surfaces (default 5081; 0 picks a free port).</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 5081;

    /// <summary>The data folder (default <c>.data</c> under the working directory); holds the generated operator key.</summary>
    [Required]
    public string DataPath { get; set; } = ".data";

    /// <summary>The root operator key itself (prefer <see cref="OperatorKeyFile"/>: configuration is often logged or shared).</summary>
    public string? OperatorKey { get; set; }

    /// <summary>
    /// A file holding the root operator key. When neither this nor <see cref="OperatorKey"/> is set, the key is read from
    /// <c>{DataPath}/operator.key</c>, which is generated (mode 600) on the first start.
    /// </summary>
    public string? OperatorKeyFile { get; set; }

    /// <summary>How long a verified agent credential is trusted by this silo before it is verified again (default 2 s, at most 60 s; 0 disables the cache).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan CredentialCacheDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many evaluations one evaluate stream may have in flight before the server stops reading (default 128).</summary>
    [Range(1, 4096)]
    public int StreamMaxInFlight { get; set; } = 128;

    /// <summary>
    /// Runs socket completions and Kestrel's request processing on the socket engine's thread instead of handing each
    /// one to the thread pool (default off). Saves thread-pool hand-offs per call; measure it on the target machine
    /// first, because work on the socket thread delays every other connection's reads. See <see cref="InlineIo"/>.
    /// </summary>
    public bool InlineIoCompletions { get; set; }

    /// <summary>
    /// How long the silo's stream cache keeps a published stream message for its subscribers (default 10 s, 1 s to
    /// 30 min). The <c>warden</c> stream provider is Orleans' in-memory one: its pulling agents cache every message they
    /// deliver, and Orleans' own default (purge only what is both 5 min in the cache and 30 min older than the newest
    /// message) keeps 30 minutes of every session event and lineage record, about 700 bytes per decision: at 20,000
    /// decisions/s the heap would grow by gigabytes. Subscribers read live, milliseconds behind; one that falls further
    /// behind than this loses the purged messages (the lineage feeds back-fill such gaps from the log).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "00:30:00")]
    public TimeSpan StreamCacheRetention { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Orleans silo settings for this node.</summary>
    [Required]
    public WardenClusterOptions Cluster { get; set; } = new();
}

/// <summary>Orleans settings of the node (section <c>Warden:Cluster</c>).</summary>
public sealed class WardenClusterOptions
{
    /// <summary>Orleans cluster id (default <c>warden</c>).</summary>
    [Required]
    public string ClusterId { get; set; } = "warden";

    /// <summary>Orleans service id (default <c>warden</c>); storage keys include it.</summary>
    [Required]
    public string ServiceId { get; set; } = "warden";

    /// <summary>Silo-to-silo port (default 11111).</summary>
    [Range(1, 65535)]
    public int SiloPort { get; set; } = 11111;

    /// <summary>Orleans client gateway port (default 30000).</summary>
    [Range(1, 65535)]
    public int GatewayPort { get; set; } = 30000;

    /// <summary>
    /// In a cluster (Azure storage mode): the IP address other silos and Orleans clients reach this silo at. Default:
    /// <see cref="WardenHostOptions.ListenAddress"/> when it names one address, else the address Orleans finds on
    /// the network card.
    /// </summary>
    public string? AdvertisedAddress { get; set; }
}
