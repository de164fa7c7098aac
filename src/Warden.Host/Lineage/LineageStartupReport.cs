using Warden.Grains.Lineage;

namespace Warden.Host.Lineage;

/// <summary>Says at start how decisions are recorded: durable, asynchronous (and what that risks) or off.</summary>
internal sealed partial class LineageStartupReport(WardenLineageOptions options, LineageStore store, IConfiguration configuration, ILogger<LineageStartupReport> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var otlp = configuration["Warden:Telemetry:OtlpEndpoint"];
        switch (options.Durability)
        {
            case LineageMode.Durable:
                LineageDurable(logger, store.Description, options.SensitiveArguments.Count);
                break;
            case LineageMode.Async:
                LineageAsync(logger, store.Description, options.SensitiveArguments.Count);
                break;
            default:
                LineageOff(logger);
                break;
        }

        TelemetryExport(logger, string.IsNullOrWhiteSpace(otlp) ? "not exported (set Warden:Telemetry:OtlpEndpoint)" : "OTLP " + otlp);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(EventId = 4211, EventName = "LineageDurable", Level = LogLevel.Information, Message = "Lineage: DURABLE — every decision is committed to {Store} before the agent receives it ({SensitiveCount} sensitive argument paths hashed)")]
    private static partial void LineageDurable(ILogger logger, string store, int sensitiveCount);

    [LoggerMessage(EventId = 4212, EventName = "LineageAsync", Level = LogLevel.Warning, Message = "Lineage: ASYNCHRONOUS — decisions are answered before their records are durable in {Store}; a crash loses the queued tail ({SensitiveCount} sensitive argument paths hashed)")]
    private static partial void LineageAsync(ILogger logger, string store, int sensitiveCount);

    [LoggerMessage(EventId = 4213, EventName = "LineageOff", Level = LogLevel.Warning, Message = "Lineage: OFF — no decision or lifecycle event is recorded (Warden:Lineage:Durability=Off)")]
    private static partial void LineageOff(ILogger logger);

    [LoggerMessage(EventId = 4214, EventName = "TelemetryExport", Level = LogLevel.Information, Message = "Decision telemetry (Warden.Decisions, Warden.Lineage): {Export}")]
    private static partial void TelemetryExport(ILogger logger, string export);
}
