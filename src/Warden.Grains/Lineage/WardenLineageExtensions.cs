using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Warden.Lineage.Chain;
using Warden.Lineage.Feeds;
using Warden.Lineage.Logs;

namespace Warden.Grains.Lineage;

/// <summary>Registers lineage in a silo: the log, the writer, the recorder the grains use, live publication and decision telemetry.</summary>
public static class WardenLineageExtensions
{
    /// <summary>
    /// Adds lineage. With <see cref="LineageMode.Off"/> only decision telemetry is registered and the grains record
    /// nothing. Otherwise <paramref name="log"/> is opened once per silo (a singleton disposed after the writer, which
    /// flushes on disposal), one <see cref="LineageWriter"/> serves every tenant writer grain of the silo, and
    /// committed records go live: to <see cref="LineageStreams.Namespace"/> in a cluster, and to the silo's own
    /// <see cref="LineageBroadcaster"/> when <see cref="WardenLineageOptions.AppendInProcess"/> (the silo is its log's only
    /// appender, so every record of its log is committed by this writer and an in-process fan-out sees them all).
    /// </summary>
    /// <param name="silo">The silo builder.</param>
    /// <param name="options">The lineage options (a context key is required unless off).</param>
    /// <param name="log">Opens the log.</param>
    public static ISiloBuilder AddWardenLineage(this ISiloBuilder silo, WardenLineageOptions options, Func<IServiceProvider, ILineageLog> log)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(log);
        if (silo.Services.Any(d => d.ServiceType == typeof(WardenLineageOptions)))
        {
            return silo;
        }

        silo.Services.AddSingleton(options);
        silo.Services.AddSingleton(Microsoft.Extensions.Options.Options.Create(options));
        silo.AddIncomingGrainCallFilter<DecisionTelemetryFilter>();
        if (options.Durability == LineageMode.Off)
        {
            return silo;
        }

        silo.Services.TryAddSingleton(log);

        // Live records. A single appender fans its commits out in process: nothing is serialized or queued when nobody
        // watches (the Orleans stream cost ~2 µs of host CPU per streamed durable decision: publisher pump, queue,
        // pulling agent, cache, with or without a subscriber). A cluster publishes to the tenant's stream, which every
        // silo can read.
        Func<IServiceProvider, ILineageCommitObserver> observer;
        if (options.AppendInProcess)
        {
            silo.Services.TryAddSingleton<LineageBroadcaster>();
            observer = sp => sp.GetRequiredService<LineageBroadcaster>();
        }
        else
        {
            silo.Services.TryAddSingleton<LineageStreamPublisher>();
            observer = sp => sp.GetRequiredService<LineageStreamPublisher>();
        }

        silo.Services.TryAddSingleton(sp => new LineageWriter(
            sp.GetRequiredService<ILineageLog>(),
            new LineageWriterOptions
            {
                Durability = options.Durability == LineageMode.Durable ? LineageDurability.Durable : LineageDurability.Asynchronous,
                CommitDelay = options.CommitDelay,
                CommitDelayFromRecords = options.CommitDelayFromRecords,
            },
            observer(sp),
            sp.GetRequiredService<ILogger<LineageWriter>>()));
        silo.Services.TryAddSingleton<LineageRecorder>();
        return silo;
    }
}
