using System.Diagnostics.Metrics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Configuration;
using Orleans.Runtime;
using Warden.Host.Hosting;

namespace Warden.Host.Tests.Hosting;

/// <summary>
/// The silo's stream cache keeps messages for <see cref="WardenHostOptions.StreamCacheRetention"/>, not Orleans' default
/// 30 minutes (which grew a loaded host's heap by ~700 bytes per decision until it ran out of memory).
/// </summary>
public sealed class StreamCacheRetentionTests
{
    private const string PurgedInstrument = "orleans-streams-queue-cache-messages-purged";

    [Fact]
    public async Task Host_NothingConfigured_CachesStreamMessagesForTenSeconds()
    {
        await using var app = Program.Build(Args(), Quiet);

        var eviction = app.Services.GetRequiredService<IOptionsMonitor<StreamCacheEvictionOptions>>().Get(StorageHosting.StreamProvider);

        Assert.Equal(TimeSpan.FromSeconds(10), eviction.DataMinTimeInCache);
        Assert.Equal(TimeSpan.FromSeconds(10), eviction.DataMaxAgeInCache);
        Assert.Equal(TimeSpan.FromSeconds(20), eviction.MetadataMinTimeInCache);
    }

    [Fact]
    public async Task Host_RetentionConfigured_ConfigurationWins()
    {
        await using var app = Program.Build([.. Args(), "--Warden:StreamCacheRetention", "00:00:03"], Quiet);

        var eviction = app.Services.GetRequiredService<IOptionsMonitor<StreamCacheEvictionOptions>>().Get(StorageHosting.StreamProvider);

        Assert.Equal(TimeSpan.FromSeconds(3), eviction.DataMinTimeInCache);
        Assert.Equal(TimeSpan.FromSeconds(3), eviction.DataMaxAgeInCache);
    }

    [Theory]
    [InlineData("00:00:00")]
    [InlineData("01:00:00")]
    public async Task Host_RetentionOutOfRange_RefusesToStartNamingTheSetting(string retention)
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = Program.Build([.. Args(), "--Warden:StreamCacheRetention", retention], Quiet);
            await app.StartAsync();
        });

        Assert.Contains(nameof(WardenHostOptions.StreamCacheRetention), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_ShortRetention_PurgesPublishedMessagesNobodyReads()
    {
        long purged = 0;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == PurgedInstrument)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref purged, value));
        listener.Start();

        await using var app = Program.Build([.. Args(), "--Warden:StreamCacheRetention", "00:00:01"], Quiet);
        await app.StartAsync();
        try
        {
            // A stream nobody subscribes to, fed steadily: with Orleans' defaults nothing would be purged for 30 minutes.
            var stream = app.Services.GetRequiredService<IClusterClient>().GetStreamProvider(StorageHosting.StreamProvider)
                .GetStream<string>(StreamId.Create("warden.tests.retention", Guid.NewGuid().ToString("N")));
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            var i = 0;
            while (!deadline.IsCancellationRequested)
            {
                await stream.OnNextAsync("event " + i++.ToString(CultureInfo.InvariantCulture));
                await Task.Delay(TimeSpan.FromMilliseconds(50));

                // Observable counters report when asked; each observation is a queue's running total.
                Interlocked.Exchange(ref purged, 0);
                listener.RecordObservableInstruments();
                if (Interlocked.Read(ref purged) > 0)
                {
                    break;
                }
            }

            Assert.True(purged > 0, $"No stream message was purged after {i} were published over 60 s with a 1 s retention.");
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static void Quiet(Microsoft.AspNetCore.Builder.WebApplicationBuilder builder) => builder.Logging.ClearProviders();

    private static string[] Args() =>
    [
        "--grpc-port", "0",
        "--http-port", "0",
        "--silo-port", Warden.Testing.FreePort.Next().ToString(CultureInfo.InvariantCulture),
        "--gateway-port", Warden.Testing.FreePort.Next().ToString(CultureInfo.InvariantCulture),
        "--data", Path.Combine(Path.GetTempPath(), "warden-stream-cache-" + Guid.NewGuid().ToString("N")),
    ];
}
